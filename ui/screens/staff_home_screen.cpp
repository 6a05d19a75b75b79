// Staff search: by name (pinyin, initials, Latin spellings of other scripts), phone digits,
// booking code or a name with digits, on the on-screen keyboard; a refused scan that brought
// staff here is shown first.
#include <algorithm>

#include "ui/screens/screens.h"

namespace kiosk::ui {

Intent drawStaffHome(Ui& ui, const TerminalView& /*view*/, const flow::StaffHome& s) {
  Intent out;
  const auto& p = ui.pal();
  Rect body = ui.layout().body;
  if (auto e = keyboard(ui, keyboardArea(ui, body, KeyboardKind::kText), KeyboardKind::kText)) {
    out = e;
  }
  if (s.pending) {
    const auto& d = *s.pending;
    Rect card = body.takeTop(ui.u(150), ui.m().gap);
    ui.fill(card, p.dangerSoft, ui.m().radius);
    Rect inner = card.inset(ui.u(28), ui.u(20));
    if (d.guest) {
      const Rect open =
          inner.takeRight(ui.u(260), ui.m().gap).centered(ui.u(260), ui.m().chipHeight);
      if (ui.button("staff.pending.open", ui.tr("staff.pending.open"), open,
                    ButtonKind::kPrimary)) {
        out = tap(Action::kStaffOpenPending);
      }
    }
    const std::string title = std::string(ui.tr("staff.pending.title")) + " " +
                              std::string(ui.tr(outcomeKey(d) + ".title"));
    inner.takeTop(ui.roster(title, ui.rosterStyle(FontRole::kBodyBold, p.onDangerSoft), inner),
                  ui.u(6));
    ui.roster(staffDetail(ui, d), ui.rosterStyle(FontRole::kCaption, p.onDangerSoft, 2), inner);
  }
  ui.text(ui.tr("staff.search.title"), FontRole::kTitle, p.text,
          body.takeTop(ui.measure(ui.tr("staff.search.title"), FontRole::kTitle).y, ui.u(12)));
  ui.field("staff.search.field", "", s.query, ui.tr("staff.search.placeholder"),
           body.takeTop(ui.m().buttonHeight, ui.m().gap), true);
  if (s.notice == "staff.notice.search_failed") {
    messagePanel(ui, body, Icon::kWarning, p.dangerSoft, p.onDangerSoft, ui.tr(s.notice), "");
    return out;
  }
  if (s.query.empty()) {
    ui.text(ui.tr("staff.search.hint"), FontRole::kBody, p.textMuted, body);
    return out;
  }
  if (s.results.empty()) {
    ui.text(ui.tr(s.searching ? "staff.search.searching" : "staff.search.none"), FontRole::kBody,
            p.textMuted, body);
    return out;
  }
  const float rowH = ui.m().buttonHeight * 1.05f;
  // Results that do not fit, and matches past the first page, are said, not dropped.
  const float hintH = ui.m().captionPx * 1.6f;
  const std::size_t fits =
      static_cast<std::size_t>(std::max(0.0f, (body.h - hintH + ui.u(12)) / (rowH + ui.u(12))));
  if (s.more || fits < s.results.size()) {
    ui.text(ui.tr("staff.search.more"), FontRole::kCaption, p.textMuted,
            body.takeBottom(hintH, ui.u(8)), Align::kLeft, true);
  }
  for (std::size_t i = 0; i < s.results.size(); ++i) {
    if (body.h < rowH) {
      break;
    }
    const auto& r = s.results[i];
    const Rect row = body.takeTop(rowH, ui.u(12));
    const bool clicked = ui.tappable("staff.result." + std::to_string(i), row);
    // A result is a tappable card: outlined like a field so it stands apart from the page.
    const ControlLook look = fieldLook(p, false);
    ui.fill(row, ui.pressed() ? p.surfaceAlt : look.fill, ui.m().radius * 0.7f);
    ui.stroke(row, look.stroke, ui.u(2), ui.m().radius * 0.7f);
    Rect inner = row.inset(ui.u(24), ui.u(14));
    const std::string_view status = ui.tr(r.checkedIn ? "staff.status.in" : "staff.status.not_in");
    const float sw = ui.measure(status, FontRole::kCaption).x + ui.u(36);
    const Rect pill = inner.takeRight(sw, ui.m().gap).centered(sw, ui.u(52));
    ui.fill(pill, r.checkedIn ? p.successSoft : p.surfaceAlt, pill.h / 2);
    ui.text(status, FontRole::kCaption, r.checkedIn ? p.onSuccessSoft : p.text, pill,
            Align::kCenter, true);
    const Rect top{inner.x, inner.y, inner.w, inner.h * 0.55f};
    const Rect bottom{inner.x, inner.y + inner.h * 0.55f, inner.w, inner.h * 0.45f};
    ui.roster(r.name, ui.rosterStyle(FontRole::kBodyBold, p.text), top, Align::kLeft, true);
    std::string sub = r.bookingCode;
    if (!r.company.empty()) {
      sub += "  ·  " + r.company;
    }
    ui.roster(sub, ui.rosterStyle(FontRole::kCaption, p.textMuted), bottom, Align::kLeft, true);
    if (clicked) {
      out = tap(Action::kStaffOpenResult, static_cast<int>(i));
    }
  }
  return out;
}

}  // namespace kiosk::ui
