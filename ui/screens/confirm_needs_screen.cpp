// Second confirmation of diet, allergies and accessibility needs. A change is allowed
// (common answers as chips, anything else on the keyboard) and is flagged for staff by
// the check-in service.
#include <algorithm>
#include <cmath>

#include "ui/screens/screens.h"

namespace kiosk::ui {

namespace {

constexpr const char* kFieldIds[] = {"diet", "allergies", "accessibility"};

const std::string& fieldOf(const SpecialNeeds& needs, int i) {
  return i == 0 ? needs.diet : i == 1 ? needs.allergies : needs.accessibility;
}

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

Intent drawEditor(Ui& ui, const flow::ConfirmNeeds& s, Rect body) {
  Intent out;
  const int field = static_cast<int>(*s.editing);
  const Rect foot = footer(ui, body, 1);
  const auto buttons = foot.columns(2, ui.m().gap);
  if (ui.button("needs.cancel", ui.tr("common.cancel"), buttons[0], ButtonKind::kSecondary,
                Icon::kBack)) {
    out = tap(Action::kBack);
  }
  if (ui.button("needs.save", ui.tr("needs.save"), buttons[1], ButtonKind::kPrimary,
                Icon::kCheck)) {
    out = tap(Action::kNeedsSave);
  }
  const std::string_view title = ui.tr(std::string("needs.edit.") + kFieldIds[field]);
  const std::string_view subtitle = ui.tr("needs.edit.subtitle");
  // Common answers: one tap each ("None" first).
  std::vector<std::string_view> options{ui.tr("needs.none")};
  for (auto o : splitOptions(ui.tr(std::string("needs.options.") + kFieldIds[field]))) {
    options.push_back(o);
  }
  const int perRow = ui.layout().portrait ? 3 : 5;
  const int rows = (static_cast<int>(options.size()) + perRow - 1) / perRow;
  const float fieldH = ui.m().buttonHeight;
  const float below = ui.m().gap + fieldH;
  const float keep = titleBlockHeight(ui, body.w, title, subtitle) +
                     static_cast<float>(rows) * (ui.m().chipHeight + ui.u(14)) + below;
  if (auto e =
          keyboard(ui, keyboardArea(ui, body, KeyboardKind::kText, keep), KeyboardKind::kText)) {
    out = e;
  }
  titleBlock(ui, body, title, subtitle);
  // A common answer from the roster ("vegetarian") shows, and is chosen, in words.
  const std::string_view draft = ui.trValue(kFieldIds[field], s.draft);
  const auto cells = cellRows(ui, body, static_cast<int>(options.size()), perRow, ui.m().chipHeight,
                              ui.u(14), below);
  for (std::size_t i = 0; i < options.size(); ++i) {
    const std::string value = i == 0 ? std::string() : std::string(options[i]);
    const bool selected = draft == value;
    if (ui.button("needs.option." + std::to_string(i), options[i], cells[i],
                  selected ? ButtonKind::kChipSelected : ButtonKind::kChip)) {
      out = FlowEvent{ev::SetText{value}};
    }
  }
  body.takeTop(ui.m().gap);
  ui.field("needs.field", "", draft, ui.tr("needs.none"), body.takeTop(fieldH), true);
  return out;
}

}  // namespace

Intent drawConfirmNeeds(Ui& ui, const TerminalView& view, const flow::ConfirmNeeds& s) {
  Intent out;
  const auto& p = ui.pal();
  Rect body = ui.layout().body;
  if (s.editing) {
    return drawEditor(ui, s, body);  // a step within the step: no step bar, more room
  }
  stepBar(ui, body, 3, view.flow->config().photoEnabled);
  const Rect foot = footer(ui, body, 1);
  if (ui.button("needs.confirm", ui.tr("needs.confirm"), foot, ButtonKind::kPrimary,
                Icon::kCheck)) {
    out = tap(Action::kNeedsConfirm);
  }
  titleBlock(ui, body, ui.tr("needs.title"), ui.tr("needs.subtitle"));

  const SpecialNeeds original = s.decision.guest ? s.decision.guest->needs : SpecialNeeds{};
  bool anyChange = false;
  const float pad = ui.u(36);
  // Rows as tall as they like to be, or as the space allows (large text, reach mode).
  const float rowH = std::min(
      std::max(ui.m().chipHeight + ui.u(16), ui.m().captionPx * 1.4f + ui.m().bodyPx * 2.8f),
      (body.h - 2 * pad - 2 * ui.u(2)) / 3);
  const float cardH = 3 * rowH + 2 * ui.u(2) + 2 * pad;
  const Rect card = body.takeTop(cardH, ui.m().gap * 1.5f);
  ui.card(card, p.surface);
  Rect rows = card.inset(pad, pad);
  for (int i = 0; i < 3; ++i) {
    Rect row = rows.takeTop(rowH);
    if (i < 2) {
      ui.fill(Rect{row.x, row.bottom(), row.w, ui.u(2)}, p.surfaceAlt);
      rows.takeTop(ui.u(2));
    }
    const std::string& value = fieldOf(s.needs, i);
    const bool changed = value != fieldOf(original, i);
    anyChange = anyChange || changed;
    const float changeW =
        std::max(ui.u(200), ui.measure(ui.tr("needs.change"), FontRole::kButton).x + ui.u(64));
    const Rect change = row.takeRight(changeW, ui.m().gap)
                            .centered(changeW, std::min(ui.m().chipHeight, row.h - ui.u(8)));
    if (ui.button(std::string("needs.edit.") + kFieldIds[i], ui.tr("needs.change"), change,
                  ButtonKind::kSecondary)) {
      out = tap(Action::kNeedsEdit, i);
    }
    const float labelH = ui.m().captionPx * 1.4f;
    Rect labelRow{row.x, row.y + ui.u(12), row.w, labelH};
    const std::string_view label = ui.tr(std::string("needs.label.") + kFieldIds[i]);
    ui.text(label, FontRole::kCaption, p.textMuted, labelRow);
    if (changed) {
      const float lw = ui.measure(label, FontRole::kCaption).x + ui.u(16);
      const std::string_view tag = ui.tr("needs.changed");
      const float tw = ui.measure(tag, FontRole::kCaption).x + ui.u(32);
      const Rect pill{row.x + lw, labelRow.y - ui.u(2), tw, labelH + ui.u(4)};
      ui.fill(pill, p.warningSoft, pill.h / 2);
      ui.text(tag, FontRole::kCaption, p.onWarningSoft, pill, Align::kCenter, true);
    }
    const Rect valueBox{row.x, labelRow.bottom(), row.w, row.bottom() - labelRow.bottom()};
    if (value.empty()) {
      ui.text(ui.tr("needs.none"), FontRole::kBody, p.textMuted, valueBox);
    } else {
      ui.roster(ui.trValue(kFieldIds[i], value), ui.rosterStyle(FontRole::kBodyBold, p.text, 2),
                valueBox);
    }
  }
  if (anyChange && body.h > ui.u(120)) {
    messagePanel(
        ui, body, Icon::kBell, p.warningSoft, p.onWarningSoft, ui.tr("needs.changed_title"),
        ui.tr(view.flow->config().hasCentral ? "needs.changed_body" : "needs.changed_body_desk"));
  }
  return out;
}

}  // namespace kiosk::ui
