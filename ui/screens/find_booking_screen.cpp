// "No code? Find my booking": the booking code from the invitation, or the name and
// the last digits of the phone, typed on the on-screen keyboard. What is found goes
// through the same check-in path as a scanned code.
#include <algorithm>

#include "ui/screens/screens.h"

namespace kiosk::ui {

Intent drawFindBooking(Ui& ui, const TerminalView& /*view*/, const flow::FindBooking& s) {
  Intent out;
  const auto& p = ui.pal();
  Rect body = ui.layout().body;
  const bool byCode = s.mode == BookingSearchMode::kCode;

  const Rect foot = footer(ui, body, 1);
  const auto buttons = foot.columns(2, ui.m().gap);
  if (ui.button("find.back", ui.tr("common.back"), buttons[0], ButtonKind::kSecondary, Icon::kBack,
                !s.searching)) {
    out = tap(Action::kBack);
  }
  if (ui.button("find.submit", ui.tr("find.submit"), buttons[1], ButtonKind::kPrimary,
                Icon::kForward, !s.searching)) {
    out = tap(Action::kSubmit);
  }

  const KeyboardKind kind = byCode         ? KeyboardKind::kCode
                            : s.focusPhone ? KeyboardKind::kDigits
                                           : KeyboardKind::kText;
  const std::string_view title = ui.tr("find.title");
  const std::string_view subtitle = ui.tr(byCode ? "find.subtitle_code" : "find.subtitle_name");
  const float fieldH = ui.m().buttonHeight + ui.m().captionPx * 1.4f + ui.u(8);
  const float keep = titleBlockHeight(ui, body.w, title, subtitle) + ui.m().chipHeight +
                     ui.m().gap * 1.5f + fieldH + ui.m().gap;
  const Rect kbArea = keyboardArea(ui, body, kind, keep);
  if (!s.searching) {
    if (auto e = keyboard(ui, kbArea, kind)) {
      out = e;
    }
  }

  titleBlock(ui, body, title, subtitle);
  const auto modes = body.takeTop(ui.m().chipHeight, ui.m().gap * 1.5f).columns(2, ui.u(16));
  if (ui.button("find.mode.code", ui.tr("find.mode.code"), modes[0],
                byCode ? ButtonKind::kChipSelected : ButtonKind::kChip, Icon::kQr, !s.searching)) {
    out = tap(Action::kBookingByCode);
  }
  if (ui.button("find.mode.name", ui.tr("find.mode.name"), modes[1],
                byCode ? ButtonKind::kChip : ButtonKind::kChipSelected, Icon::kPerson,
                !s.searching)) {
    out = tap(Action::kBookingByName);
  }

  if (byCode) {
    ui.field("find.field.code", ui.tr("find.code_label"), s.code, ui.tr("find.code_placeholder"),
             body.takeTop(fieldH, ui.m().gap), true);
  } else {
    // Side by side in both orientations: stacked, they do not fit beside the landscape
    // keyboard with large text.
    const auto cols = body.takeTop(fieldH, ui.m().gap).columns(2, ui.m().gap);
    if (ui.field("find.field.name", ui.tr("find.name_label"), s.name,
                 ui.tr("find.name_placeholder"), cols[0], !s.focusPhone)) {
      out = tap(Action::kFocusName);
    }
    if (ui.field("find.field.phone", ui.tr("find.phone_label"), s.phoneTail,
                 ui.tr("find.phone_placeholder"), cols[1], s.focusPhone)) {
      out = tap(Action::kFocusPhone);
    }
  }
  if (s.searching) {
    ui.spinner(Vec2{body.x + ui.u(40), body.y + ui.u(40)}, ui.u(28), p.primary);
    ui.text(ui.tr("find.searching"), FontRole::kBody, p.textMuted,
            Rect{body.x + ui.u(96), body.y, body.w - ui.u(96), ui.u(80)}, Align::kLeft, true);
  } else if (s.notFound) {
    messagePanel(ui, body, Icon::kWarning, p.dangerSoft, p.onDangerSoft,
                 ui.tr(byCode ? "find.not_found_code_title" : "find.not_found_name_title"),
                 ui.tr(byCode ? "find.not_found_code" : "find.not_found_name"));
  }
  return out;
}

}  // namespace kiosk::ui
