// The terminal cannot go on (its database failed): say so calmly and call staff.
#include "ui/screens/screens.h"

namespace kiosk::ui {

// With no event loaded (the database did not open at start) there is nothing to go back
// to and no staff list to unlock with: the screen has no buttons.
Intent drawFailure(Ui& ui, const TerminalView& view, const flow::Failure& s) {
  Intent out;
  const auto& p = ui.pal();
  Rect body = ui.layout().body;
  if (view.event != nullptr) {
    const Rect foot = footer(ui, body, 1);
    const auto cells = foot.columns(2, ui.m().gap);
    if (ui.button("failure.dismiss", ui.tr("call.dismiss"), cells[0], ButtonKind::kSecondary,
                  Icon::kBack)) {
      out = tap(Action::kDismiss);
    }
    if (ui.button("failure.staff_entry", ui.tr("call.staff_entry"), cells[1], ButtonKind::kQuiet,
                  Icon::kLock)) {
      out = tap(Action::kStaffEntry);
    }
  }
  // Why, for staff: a technical line (no guest data), small, at the bottom.
  if (!s.detail.empty()) {
    const std::string staff = ui.trf("failure.for_staff", {{"detail", s.detail}});
    const float h = ui.measure(staff, FontRole::kCaption, body.w).y;
    ui.text(staff, FontRole::kCaption, p.textMuted, body.takeBottom(h, ui.m().gap), Align::kCenter);
  }
  const float r = ui.u(90);
  body.takeTop(ui.m().gap * 2);
  Rect top = body.takeTop(2 * r, ui.m().gap * 2);
  badgeIcon(ui, top.center(), r, Icon::kWarning, p.warningSoft, p.onWarningSoft);
  titleBlock(ui, body, ui.tr("failure.title"), ui.tr(s.what), Align::kCenter);
  return out;
}

}  // namespace kiosk::ui
