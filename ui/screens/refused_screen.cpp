// A refusal: what happened in plain words (its own message per outcome), and what to
// do now: call staff, or try another code.
#include "ui/screens/screens.h"

namespace kiosk::ui {

Intent drawRefused(Ui& ui, const TerminalView& /*view*/, const flow::Refused& s) {
  Intent out;
  const auto& p = ui.pal();
  Rect body = ui.layout().body;
  const Rect foot = footer(ui, body, 2);
  const auto rows = foot.rows(2, ui.m().gap);
  if (ui.button("refused.call_staff", ui.tr("common.call_staff"), rows[0], ButtonKind::kPrimary,
                Icon::kBell)) {
    out = tap(Action::kCallStaff);
  }
  if (ui.button("refused.dismiss", ui.tr("refused.try_again"), rows[1], ButtonKind::kSecondary,
                Icon::kBack)) {
    out = tap(Action::kDismiss);
  }
  const std::string key = outcomeKey(s.decision);
  const float r = ui.u(90);
  body.takeTop(ui.m().gap * 2);
  Rect top = body.takeTop(2 * r, ui.m().gap * 2);
  badgeIcon(ui, top.center(), r, Icon::kWarning, p.dangerSoft, p.onDangerSoft);
  titleBlock(ui, body, ui.tr(key + ".title"), ui.tr(key + ".body"), Align::kCenter);
  ui.text(ui.tr("refused.next"), FontRole::kBody, p.text, body, Align::kCenter);
  return out;
}

}  // namespace kiosk::ui
