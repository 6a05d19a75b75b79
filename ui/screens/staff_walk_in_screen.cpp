// Walk-in registration: name (required), company, phone and category; the reason and
// the check-in follow on the next screen.
#include <algorithm>

#include "ui/screens/screens.h"

namespace kiosk::ui {

Intent drawStaffWalkIn(Ui& ui, const TerminalView& /*view*/, const flow::StaffWalkIn& s) {
  Intent out;
  const auto& p = ui.pal();
  Rect body = ui.layout().body;
  const Rect foot = footer(ui, body, 1);
  const auto cells = foot.columns(2, ui.m().gap);
  if (ui.button("walk_in.back", ui.tr("common.back"), cells[0], ButtonKind::kSecondary,
                Icon::kBack)) {
    out = tap(Action::kBack);
  }
  if (ui.button("walk_in.next", ui.tr("walk_in.next"), cells[1], ButtonKind::kPrimary,
                Icon::kForward)) {
    out = tap(Action::kSubmit);
  }
  const bool phone = s.focus == WalkInField::kPhone;
  const KeyboardKind kind = phone ? KeyboardKind::kDigits : KeyboardKind::kText;
  if (auto e = keyboard(ui, keyboardArea(ui, body, kind), kind)) {
    out = e;
  }
  ui.text(ui.tr("walk_in.title"), FontRole::kTitle, p.text,
          body.takeTop(ui.measure(ui.tr("walk_in.title"), FontRole::kTitle).y, ui.m().gap));
  const float fieldH = ui.m().buttonHeight + ui.m().captionPx * 1.5f;
  const char* labels[] = {"walk_in.name", "walk_in.company", "walk_in.phone"};
  const std::string* values[] = {&s.draft.name, &s.draft.company, &s.draft.phone};
  // Portrait: one field per row. Landscape: company and phone share the second row.
  const bool stacked = ui.layout().portrait;
  Rect rows[3];
  rows[0] = body.takeTop(fieldH, ui.u(14));
  if (stacked) {
    rows[1] = body.takeTop(fieldH, ui.u(14));
    rows[2] = body.takeTop(fieldH, ui.u(14));
  } else {
    const auto pair = body.takeTop(fieldH, ui.u(14)).columns(2, ui.m().gap);
    rows[1] = pair[0];
    rows[2] = pair[1];
  }
  for (int i = 0; i < 3; ++i) {
    if (ui.field("walk_in.field." + std::to_string(i), ui.tr(labels[i]), *values[i], "", rows[i],
                 static_cast<int>(s.focus) == i)) {
      out = tap(Action::kWalkInField, i);
    }
  }
  // Only what central accepts from a terminal (isWalkInCategory: no VIP, the desk makes
  // VIPs at central). A chip's id carries its GuestCategory number, so ids stay stable.
  std::vector<GuestCategory> categories;
  for (int c = 0; c <= static_cast<int>(GuestCategory::kOther); ++c) {
    if (isWalkInCategory(static_cast<GuestCategory>(c))) {
      categories.push_back(static_cast<GuestCategory>(c));
    }
  }
  // One row when it is wide, rows of three otherwise.
  const int count = static_cast<int>(categories.size());
  const int perRow = body.w > ui.u(1400) ? count : 3;
  std::vector<Rect> cols;
  for (int row = 0; row < (count + perRow - 1) / perRow; ++row) {
    for (const auto& c :
         body.takeTop(ui.m().chipHeight * 0.85f, ui.u(10)).columns(perRow, ui.u(10))) {
      cols.push_back(c);
    }
  }
  for (std::size_t i = 0; i < categories.size(); ++i) {
    const auto category = categories[i];
    const bool selected = s.draft.category == category;
    if (ui.button("walk_in.category." + std::to_string(static_cast<int>(category)),
                  ui.tr(categoryKey(category)), cols[i],
                  selected ? ButtonKind::kChipSelected : ButtonKind::kChip)) {
      out = tap(Action::kWalkInCategory, static_cast<int>(category));
    }
  }
  if (s.nameMissing) {
    messagePanel(ui, body, Icon::kWarning, p.dangerSoft, p.onDangerSoft,
                 ui.tr("walk_in.name_missing"), "");
  }
  return out;
}

}  // namespace kiosk::ui
