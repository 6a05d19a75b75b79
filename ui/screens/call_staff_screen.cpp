// Staff have been called: reassurance for the guest, and the way in for staff (badge
// scan or PIN).
#include <cmath>

#include "ui/screens/screens.h"

namespace kiosk::ui {

Intent drawCallStaff(Ui& ui, const TerminalView& /*view*/, const flow::CallStaff& s) {
  Intent out;
  const auto& p = ui.pal();
  Rect body = ui.layout().body;
  const Rect foot = footer(ui, body, 1);
  const auto cells = foot.columns(2, ui.m().gap);
  if (ui.button("call.dismiss", ui.tr("call.dismiss"), cells[0], ButtonKind::kSecondary,
                Icon::kBack)) {
    out = tap(Action::kDismiss);
  }
  if (ui.button("call.staff_entry", ui.tr("call.staff_entry"), cells[1], ButtonKind::kQuiet,
                Icon::kLock)) {
    out = tap(Action::kStaffEntry);
  }
  const char* bodies[] = {"call.body.refused", "call.body.not_me", "call.body.printer",
                          "call.body.guest_asked", "call.body.failure"};
  const float r = ui.u(90);
  body.takeTop(ui.m().gap * 2);
  Rect top = body.takeTop(2 * r, ui.m().gap * 2);
  // A slow pulse: something is happening.
  const float pulse = static_cast<float>(0.5 + 0.5 * std::sin(ui.seconds() * 3));
  ui.circle(top.center(), r * (1.05f + 0.12f * pulse), p.secondary.withAlpha(0.6f));
  badgeIcon(ui, top.center(), r, Icon::kBell, p.secondary, p.onSecondary);
  titleBlock(ui, body, ui.tr("call.title"), ui.tr(bodies[static_cast<int>(s.reason)]),
             Align::kCenter);
  return out;
}

}  // namespace kiosk::ui
