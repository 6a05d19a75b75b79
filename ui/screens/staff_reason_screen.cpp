// Every staff action needs a reason: common ones are a tap, anything else is typed.
// The reason goes into the audit trail and is synced.
#include <algorithm>

#include "ui/screens/screens.h"

namespace kiosk::ui {

namespace {

std::vector<std::string_view> splitOptions(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto bar = text.find('|');
    out.push_back(text.substr(0, bar));
    if (bar == std::string_view::npos) {
      break;
    }
    text.remove_prefix(bar + 1);
  }
  return out;
}

}  // namespace

Intent drawStaffReason(Ui& ui, const TerminalView& /*view*/, const flow::StaffReason& s) {
  Intent out;
  const auto& p = ui.pal();
  Rect body = ui.layout().body;
  const std::string task = toString(s.task);
  const Rect foot = footer(ui, body, 1);
  const auto cells = foot.columns(2, ui.m().gap);
  if (ui.button("staff.reason.back", ui.tr("common.back"), cells[0], ButtonKind::kSecondary,
                Icon::kBack, !s.busy)) {
    out = tap(Action::kBack);
  }
  if (ui.button("staff.reason.submit", ui.tr("staff.reason.submit." + task), cells[1],
                ButtonKind::kPrimary, Icon::kCheck, !s.busy)) {
    out = tap(Action::kSubmit);
  }
  if (auto e = keyboard(ui, keyboardArea(ui, body, KeyboardKind::kText), KeyboardKind::kText)) {
    if (!s.busy) {
      out = e;
    }
  }
  ui.text(ui.tr("staff.reason.title." + task), FontRole::kTitle, p.text,
          body.takeTop(ui.measure(ui.tr("staff.reason.title." + task), FontRole::kTitle, body.w).y,
                       ui.u(8)));
  body.takeTop(ui.roster(s.guest.name, ui.rosterStyle(FontRole::kBodyBold, p.textMuted), body),
               ui.m().gap);

  const auto options = splitOptions(ui.tr("staff.reason.common." + task));
  const int perRow = 2;
  for (std::size_t i = 0; i < options.size(); i += perRow) {
    const auto cols = body.takeTop(ui.m().chipHeight, ui.u(12)).columns(perRow, ui.u(12));
    for (std::size_t c = 0; c < static_cast<std::size_t>(perRow) && i + c < options.size(); ++c) {
      const bool selected = s.reason == options[i + c];
      if (ui.button("staff.reason.common." + std::to_string(i + c), options[i + c], cols[c],
                    selected ? ButtonKind::kChipSelected : ButtonKind::kChip)) {
        out = FlowEvent{ev::SetText{std::string(options[i + c])}};
      }
    }
  }
  body.takeTop(ui.m().gap);
  ui.field("staff.reason.field", ui.tr("staff.reason.label"), s.reason,
           ui.tr("staff.reason.placeholder"),
           body.takeTop(ui.m().buttonHeight + ui.m().captionPx * 1.5f, ui.m().gap), true);
  if (s.busy) {
    ui.spinner(Vec2{body.x + ui.u(40), body.y + ui.u(40)}, ui.u(28), p.primary);
  } else if (s.reasonMissing) {
    messagePanel(ui, body, Icon::kWarning, p.dangerSoft, p.onDangerSoft,
                 ui.tr("staff.reason.missing"), "");
  } else if (!s.error.empty()) {
    Rect panel = body.takeTop(ui.u(130));
    ui.fill(panel, p.dangerSoft, ui.m().radius);
    ui.roster(s.error, ui.rosterStyle(FontRole::kBody, p.onDangerSoft, 2), panel.inset(ui.u(28)),
              Align::kLeft, true);
  }
  return out;
}

}  // namespace kiosk::ui
