// Staff sign-in: scan the staff badge (any time) or type the PIN on the pad. Repeated
// wrong PINs lock the pad for a while (the badge still works); the screen says until when.
#include <algorithm>
#include <chrono>

#include "ui/screens/screens.h"

namespace kiosk::ui {

Intent drawStaffUnlock(Ui& ui, const TerminalView& view, const flow::StaffUnlock& s) {
  Intent out;
  const auto& p = ui.pal();
  Rect body = ui.layout().body;
  const bool locked = view.state->lockout.lockedAt(view.now);
  const Rect foot = footer(ui, body, 1);
  const auto cells = foot.columns(2, ui.m().gap);
  if (ui.button("staff.unlock.back", ui.tr("common.cancel"), cells[0], ButtonKind::kSecondary,
                Icon::kBack, !s.verifying)) {
    out = tap(Action::kBack);
  }
  if (ui.button("staff.unlock.submit", ui.tr("staff.unlock.submit"), cells[1], ButtonKind::kPrimary,
                Icon::kLock, !s.verifying && !locked && !s.pin.empty())) {
    out = tap(Action::kSubmit);
  }
  const float padW = std::min(body.w, ui.u(640));
  const float padH = keyboardHeight(ui, KeyboardKind::kDigits, padW);
  const Rect pad = body.takeBottom(padH, ui.m().gap * 1.5f).centered(padW, padH);
  if (!s.verifying && !locked) {
    if (auto e = keyboard(ui, pad, KeyboardKind::kDigits)) {
      out = e;
    }
  }
  titleBlock(ui, body, ui.tr("staff.unlock.title"), ui.tr("staff.unlock.subtitle"));
  const Rect field =
      body.takeTop(ui.m().buttonHeight, ui.m().gap * 1.5f).centered(padW, ui.m().buttonHeight);
  ui.field("staff.unlock.pin", "", s.pin, ui.tr("staff.unlock.placeholder"), field, true, true);
  if (locked) {
    const auto until = view.state->lockout.lockedUntil().value_or(view.now);
    const auto minutes =
        std::max<long>(1, static_cast<long>(std::chrono::duration_cast<std::chrono::minutes>(
                                                until - view.now + std::chrono::seconds(59))
                                                .count()));
    messagePanel(ui, body, Icon::kLock, p.dangerSoft, p.onDangerSoft,
                 ui.tr("staff.unlock.locked_title"),
                 ui.trf("staff.unlock.locked", {{"minutes", std::to_string(minutes)}}));
  } else if (s.verifying) {
    ui.spinner(Vec2{body.center().x, body.y + ui.u(60)}, ui.u(40), p.primary);
  } else if (s.wrongPin) {
    messagePanel(ui, body, Icon::kWarning, p.dangerSoft, p.onDangerSoft,
                 ui.tr("staff.unlock.wrong_title"), ui.tr("staff.unlock.wrong"));
  }
  return out;
}

}  // namespace kiosk::ui
