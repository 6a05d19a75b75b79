// Checking: the code is being verified (a few milliseconds; shown only when the worker
// is slow, e.g. a busy disk).
#include "ui/screens/screens.h"

namespace kiosk::ui {

Intent drawChecking(Ui& ui, const TerminalView& /*view*/, const flow::Checking& /*s*/) {
  const auto& p = ui.pal();
  const Rect body = ui.layout().body;
  const Vec2 c = body.center();
  ui.spinner(Vec2{c.x, c.y - ui.u(80)}, ui.u(56), p.primary);
  ui.text(ui.tr("checking.title"), FontRole::kTitle, p.text,
          Rect{body.x, c.y + ui.u(20), body.w, ui.u(100)}, Align::kCenter);
  return std::nullopt;
}

}  // namespace kiosk::ui
