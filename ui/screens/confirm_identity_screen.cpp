// Identity confirmation: the guest the code names, big and clear; "this is not me"
// calls staff instead of going on.
#include <algorithm>
#include <cmath>
#include <iterator>

#include "ui/screens/screens.h"

namespace kiosk::ui {

namespace {

// The name's size at each level of guestCard, in titles.
constexpr float kNameScale[] = {1.15f, 1.0f, 1.0f, 0.85f, 0.72f};
constexpr int kLastLevel = static_cast<int>(std::size(kNameScale)) - 1;

// The guest card: category, name, title, company, booking code. Returns its height.
// `level` trades detail for room: 1 drops the title and shrinks the name, 2 also drops
// the company (large text in reach mode), 3 and 4 shrink the name further so that a
// long one still fits whole.
float guestCard(Ui& ui, Rect r, Guest g, bool measureOnly, int level) {
  const auto& p = ui.pal();
  const float pad = level >= 2 ? ui.u(28) : ui.u(44);
  const Rect inner = r.inset(pad, pad);
  // A long name wraps onto as many lines as it needs; never "…" (8 is a bound, not a
  // target: no name takes that many).
  auto nameStyle = ui.rosterStyle(FontRole::kTitle, p.text, 8);
  nameStyle.px = std::round(ui.m().titlePx * kNameScale[level]);
  if (level >= 1) {
    g.title.clear();
  }
  if (level >= 2) {
    g.company.clear();
  }
  auto lineStyle = ui.rosterStyle(FontRole::kBody, p.text, 2);
  auto mutedStyle = ui.rosterStyle(FontRole::kBody, p.textMuted, 2);
  const auto heightOf = [&](std::string_view text, TextStyle style) {
    if (text.empty()) {
      return 0.0f;
    }
    style.maxWidth = std::floor(inner.w);
    const float padPx = std::ceil(style.px * 0.08f) + 1;
    return ui.rosterSize(text, style).y - 2 * padPx;
  };
  const float pillH = ui.u(60);
  const float nameH = heightOf(g.name, nameStyle);
  const float titleH = heightOf(g.title, mutedStyle);
  const float companyH = heightOf(g.company, lineStyle);
  const float codeH = ui.m().captionPx * 1.4f;
  const float gap = ui.u(14);
  const float h = 2 * pad + pillH + ui.u(28) + nameH + gap + titleH + (titleH > 0 ? gap : 0) +
                  companyH + ui.u(28) + codeH;
  if (measureOnly) {
    return h;
  }
  const Rect card{r.x, r.y, r.w, h};
  ui.card(card, p.surface);
  ui.fill(Rect{card.x, card.y + ui.u(28), ui.u(10), card.h - ui.u(56)}, p.primary, ui.u(5));
  float y = inner.y;
  const std::string_view category = ui.tr(categoryKey(g.category));
  const float pillW = ui.measure(category, FontRole::kCaption).x + ui.u(48);
  const Rect pill{inner.x, y, pillW, pillH};
  ui.fill(pill, g.category == GuestCategory::kVip ? p.selected : p.secondary, pillH / 2);
  ui.text(category, FontRole::kCaption,
          g.category == GuestCategory::kVip ? p.onSelected : p.onSecondary, pill, Align::kCenter,
          true);
  y += pillH + ui.u(28);
  y += ui.roster(g.name, nameStyle, Rect{inner.x, y, inner.w, nameH}) + gap;
  if (titleH > 0) {
    y += ui.roster(g.title, mutedStyle, Rect{inner.x, y, inner.w, titleH}) + gap;
  }
  if (companyH > 0) {
    y += ui.roster(g.company, lineStyle, Rect{inner.x, y, inner.w, companyH});
  }
  y += ui.u(28);
  const std::string_view codeLabel = ui.tr("identity.booking");
  const float labelW = ui.measure(codeLabel, FontRole::kCaption).x + ui.u(16);
  ui.text(codeLabel, FontRole::kCaption, p.textMuted, Rect{inner.x, y, labelW, codeH}, Align::kLeft,
          true);
  ui.roster(g.bookingCode, ui.rosterStyle(FontRole::kCaption, p.textMuted),
            Rect{inner.x + labelW, y, inner.w - labelW, codeH}, Align::kLeft, true);
  return h;
}

}  // namespace

Intent drawConfirmIdentity(Ui& ui, const TerminalView& view, const flow::ConfirmIdentity& s) {
  Intent out;
  Rect body = ui.layout().body;
  stepBar(ui, body, 1, view.flow->config().photoEnabled);
  const Guest* g = s.decision.guest ? &*s.decision.guest : nullptr;

  // "Start over" leaves without a trace (a code shown by mistake, a guest who walks off);
  // "not me" calls staff.
  const bool portrait = ui.layout().portrait;
  Rect actions;
  if (portrait) {
    actions = footer(ui, body, 2);
  } else {
    actions = body.takeRight(body.w * 0.36f, ui.m().margin);
    actions = actions.takeBottom(3 * ui.m().buttonHeight + 2 * ui.m().gap);
  }
  const auto rows = actions.rows(portrait ? 2 : 3, ui.m().gap);
  const auto lower = rows[1].columns(2, ui.m().gap);
  if (ui.button("identity.yes", ui.tr("identity.yes"), rows[0], ButtonKind::kPrimary,
                Icon::kCheck)) {
    out = tap(Action::kConfirmIdentity);
  }
  if (ui.button("identity.not_me", ui.tr("identity.not_me"), portrait ? lower[0] : rows[1],
                ButtonKind::kSecondary, Icon::kBell)) {
    out = tap(Action::kNotMe);
  }
  if (ui.button("identity.start_over", ui.tr("identity.start_over"), portrait ? lower[1] : rows[2],
                ButtonKind::kSecondary, Icon::kBack)) {
    out = tap(Action::kBack);
  }

  titleBlock(ui, body, ui.tr("identity.title"), ui.tr("identity.subtitle"));
  if (g != nullptr) {
    int level = 0;
    while (level < kLastLevel && guestCard(ui, body, *g, true, level) > body.h) {
      ++level;
    }
    guestCard(ui, body, *g, false, level);
  }
  return out;
}

}  // namespace kiosk::ui
