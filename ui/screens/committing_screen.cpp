// Committing: the check-in is being written (one SQLite transaction).
#include "ui/screens/screens.h"

namespace kiosk::ui {

Intent drawCommitting(Ui& ui, const TerminalView& /*view*/, const flow::Committing& /*s*/) {
  const auto& p = ui.pal();
  const Rect body = ui.layout().body;
  const Vec2 c = body.center();
  ui.spinner(Vec2{c.x, c.y - ui.u(80)}, ui.u(56), p.primary);
  ui.text(ui.tr("committing.title"), FontRole::kTitle, p.text,
          Rect{body.x, c.y + ui.u(20), body.w, ui.u(100)}, Align::kCenter);
  return std::nullopt;
}

}  // namespace kiosk::ui
