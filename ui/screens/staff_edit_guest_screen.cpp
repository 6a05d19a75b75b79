// Staff change a guest's lodging, transport or meeting fields: a chip per field (the ones
// the guest has), the chosen field's text on the keyboard; the reason and the save follow
// on the reason screen.
#include "ui/screens/screens.h"

namespace kiosk::ui {

namespace {

// "transport.0.driver_phone" -> "staff.edit.field.driver_phone" (per group where names repeat).
std::string labelKey(std::string_view field) {
  const auto last = field.rfind('.');
  const auto group = field.substr(0, field.find('.'));
  std::string name(field.substr(last + 1));
  if (name == "room") {
    name = std::string(group) + "_room";
  }
  return "staff.edit.field." + name;
}

}  // namespace

Intent drawStaffEditGuest(Ui& ui, const TerminalView& /*view*/, const flow::StaffEditGuest& s) {
  Intent out;
  Rect body = ui.layout().body;
  const Rect foot = footer(ui, body, 1);
  const auto buttons = foot.columns(2, ui.m().gap);
  if (ui.button("staff.edit.back", ui.tr("common.back"), buttons[0], ButtonKind::kSecondary,
                Icon::kBack)) {
    out = tap(Action::kBack);
  }
  if (ui.button("staff.edit.next", ui.tr("staff.edit.next"), buttons[1], ButtonKind::kPrimary,
                Icon::kForward)) {
    out = tap(Action::kSubmit);
  }
  const std::string_view title = ui.tr("staff.edit.title");
  // A problem replaces the hint: the layout stays the same.
  const std::string subtitleKey = s.error.empty() ? std::string("staff.edit.subtitle") : s.error;
  const std::string_view subtitle = ui.tr(subtitleKey);
  const int count = static_cast<int>(kStaffEditFields.size());
  const int perRow = ui.layout().portrait ? 3 : 5;
  const int rows = (count + perRow - 1) / perRow;
  const float fieldH = ui.m().buttonHeight + ui.m().captionPx * 1.5f;
  const float below = ui.m().gap + fieldH;
  const float keep = titleBlockHeight(ui, body.w, title, subtitle) +
                     static_cast<float>(rows) * (ui.m().chipHeight + ui.u(14)) + below;
  if (auto e =
          keyboard(ui, keyboardArea(ui, body, KeyboardKind::kText, keep), KeyboardKind::kText)) {
    out = e;
  }
  titleBlock(ui, body, title, subtitle);
  const auto cells = cellRows(ui, body, count, perRow, ui.m().chipHeight, ui.u(14), below);
  for (int i = 0; i < count; ++i) {
    const auto index = static_cast<std::size_t>(i);
    const bool selected = s.focus == i;
    if (ui.button("staff.edit.field." + std::to_string(i), ui.tr(labelKey(kStaffEditFields[index])),
                  cells[index], selected ? ButtonKind::kChipSelected : ButtonKind::kChip,
                  Icon::kNone, s.available[index])) {
      out = tap(Action::kStaffEditField, i);
    }
  }
  body.takeTop(ui.m().gap);
  if (s.focus >= 0 && static_cast<std::size_t>(s.focus) < s.values.size()) {
    const auto index = static_cast<std::size_t>(s.focus);
    const std::string_view field = kStaffEditFields[index];
    ui.field("staff.edit.value", ui.tr(labelKey(field)), s.values[index],
             isTimeField(field) ? ui.tr("staff.edit.time_hint") : std::string_view(),
             body.takeTop(fieldH), true);
  }
  return out;
}

}  // namespace kiosk::ui
