#include "ui/widgets.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <initializer_list>
#include <numbers>

#include "kiosk/core/local_time.h"

namespace kiosk::ui {

namespace {

ImVec2 v(Vec2 p) {
  return ImVec2(p.x, p.y);
}

ImU32 col(Color c) {
  return packColor(c);
}

std::size_t utf8Length(const char* s, const char* end) {
  const auto c = static_cast<unsigned char>(*s);
  std::size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
  return std::min<std::size_t>(n, static_cast<std::size_t>(end - s));
}

struct Line {
  const char* begin;
  const char* end;
  float width;
};

std::vector<Line> wrapLines(ImFont* font, float px, std::string_view text, float wrap) {
  std::vector<Line> lines;
  const char* s = text.data();
  const char* end = text.data() + text.size();
  const float scale = px / font->FontSize;
  while (s < end) {
    const char* lineEnd = wrap > 0 ? font->CalcWordWrapPositionA(scale, s, end, wrap) : end;
    if (const void* nl = std::memchr(s, '\n', static_cast<std::size_t>(lineEnd - s))) {
      lineEnd = static_cast<const char*>(nl);
    }
    if (lineEnd <= s) {
      lineEnd = s + utf8Length(s, end);
    }
    const char* trimmed = lineEnd;
    while (trimmed > s && (trimmed[-1] == ' ')) {
      --trimmed;
    }
    const float width = font->CalcTextSizeA(px, FLT_MAX, 0, s, trimmed).x;
    lines.push_back({s, trimmed, width});
    s = lineEnd;
    if (s < end && *s == '\n') {
      ++s;
    }
    while (s < end && *s == ' ') {
      ++s;
    }
  }
  return lines;
}

constexpr const char* kKeyRows[] = {"1234567890", "QWERTYUIOP", "ASDFGHJKL-", "ZXCVBNM.@'"};

float lineHeight(float px) {
  return std::round(px * 1.32f);
}

// Enough lines for any catalog text: it wraps, never ellipsizes.
constexpr int kCatalogLines = 64;

float bitmapPad(float px) {
  return std::ceil(px * 0.08f) + 1;  // around a Pango bitmap's logical box (text_cache)
}

std::string_view primarySubtag(std::string_view language) {
  return language.substr(0, language.find_first_of("-_"));
}

bool primaryIs(std::string_view language, std::initializer_list<std::string_view> tags) {
  const std::string_view primary = primarySubtag(language);
  for (const auto tag : tags) {
    if (primary.size() == tag.size() &&
        std::equal(primary.begin(), primary.end(), tag.begin(), [](char a, char b) {
          return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
        })) {
      return true;
    }
  }
  return false;
}

// Letters of a right-to-left script (Hebrew, Arabic, Syriac, Thaana, N'Ko: U+0590 to
// U+08FF; presentation forms U+FB1D to U+FEFF), found by their UTF-8 lead bytes.
bool hasRightToLeftLetters(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0u;
    if ((b >= 0xD6 && b <= 0xDF) || (b == 0xE0 && next >= 0xA0 && next <= 0xA3) ||
        (b == 0xEF && next >= 0xAC && next <= 0xBB)) {
      return true;
    }
  }
  return false;
}

// Noto Sans Arabic's own line is half again as tall as the rest: Arabic keeps the
// rhythm of the screens' layout instead.
TextStyle withLineHeight(std::string_view text, TextStyle style) {
  if (style.lineHeight <= 0 && hasRightToLeftLetters(text)) {
    style.lineHeight = lineHeight(style.px);
  }
  return style;
}

}  // namespace

bool rightToLeft(std::string_view language) {
  return primaryIs(language, {"ar", "he", "iw", "fa", "ur", "yi", "ps", "sd", "ug", "dv"});
}

bool Ui::setMirrored(bool mirrored) {
  const bool was = parts_.mirrored;
  parts_.mirrored = mirrored;
  return was;
}

Rect Ui::onGlass(Rect r) const {
  if (!parts_.mirrored) {
    return r;
  }
  const Rect& s = parts_.layout.screen;
  return Rect{s.x + s.right() - r.right(), r.y, r.w, r.h};
}

Vec2 Ui::onGlass(Vec2 p) const {
  if (!parts_.mirrored) {
    return p;
  }
  const Rect& s = parts_.layout.screen;
  return Vec2{s.x + s.right() - p.x, p.y};
}

Align Ui::onGlass(Align a) const {
  if (!parts_.mirrored || a == Align::kCenter) {
    return a;
  }
  return a == Align::kLeft ? Align::kRight : Align::kLeft;
}

bool Ui::throughPango(std::string_view text) const {
  return primaryIs(parts_.language, {"ja"}) || rightToLeft(parts_.language) ||
         hasRightToLeftLetters(text);
}

TextStyle Ui::catalogStyle(FontRole role, float maxWidth) const {
  // White, tinted when drawn: a colour that changes (a pulse, a pressed button) needs
  // no new texture.
  TextStyle s = rosterStyle(role, hex(0xFFFFFF), kCatalogLines);
  // A pixel to spare: a box as wide as measure() said must not wrap the last word.
  s.maxWidth = maxWidth > 0 ? std::floor(maxWidth) + 1 : 0;
  s.lineHeight = lineHeight(s.px);
  return s;
}

Ui::Ui(Parts parts)
    : parts_(std::move(parts)),
      draw_(ImGui::GetWindowDrawList()),
      reachSpace_(parts_.layout.reach ? parts_.layout.reachArea.inset(parts_.metrics.margin)
                                      : Rect{}) {}

std::string_view Ui::tr(std::string_view key) const {
  return parts_.catalogs->text(parts_.language, key);
}

std::string_view Ui::trIn(std::string_view language, std::string_view key) const {
  return parts_.catalogs->text(language, key);
}

std::string_view Ui::trValue(std::string_view field, std::string_view value) const {
  return parts_.catalogs->valueText(parts_.language, field, value);
}

std::string Ui::trf(std::string_view key,
                    const std::vector<std::pair<std::string_view, std::string>>& values) const {
  return format(tr(key), values);
}

Vec2 Ui::measure(std::string_view text, FontRole role, float wrapWidth) const {
  if (throughPango(text)) {
    if (text.empty()) {
      return {0, 0};
    }
    const TextStyle style = catalogStyle(role, wrapWidth);
    const auto& t = parts_.text->get(text, style);
    const float pad = bitmapPad(style.px);
    return {std::max(0.0f, static_cast<float>(t.width) - 2 * pad),
            std::max(0.0f, static_cast<float>(t.height) - 2 * pad)};
  }
  ImFont* font = parts_.fonts->font(role);
  const float px = parts_.fonts->px(role);
  const auto lines = wrapLines(font, px, text, wrapWidth);
  float w = 0;
  for (const auto& l : lines) {
    w = std::max(w, l.width);
  }
  const float h = lines.empty() ? 0 : lineHeight(px) * static_cast<float>(lines.size());
  return {w, h};
}

float Ui::text(std::string_view text, FontRole role, Color color, Rect box, Align align,
               bool centerVertically) {
  box = onGlass(box);
  align = onGlass(align);
  if (throughPango(text)) {
    if (text.empty()) {
      return 0;
    }
    return drawRoster(text, catalogStyle(role, box.w), box, align, centerVertically, color);
  }
  ImFont* font = parts_.fonts->font(role);
  const float px = parts_.fonts->px(role);
  const auto lines = wrapLines(font, px, text, box.w);
  const float lh = lineHeight(px);
  const float total = lh * static_cast<float>(lines.size());
  float y = box.y + (centerVertically ? std::max(0.0f, (box.h - total) / 2) : 0);
  // ImGui places glyphs from the top of the font's line box; centre them in ours.
  const float baselineShift = std::round((lh - px) / 2);
  const float top = y;
  float left = box.right();
  float right = box.x;
  for (const auto& l : lines) {
    float x = box.x;
    if (align == Align::kCenter) {
      x = box.x + (box.w - l.width) / 2;
    } else if (align == Align::kRight) {
      x = box.right() - l.width;
    }
    draw_->AddText(font, px, ImVec2(std::round(x), std::round(y + baselineShift)), col(color),
                   l.begin, l.end);
    left = std::min(left, x);
    right = std::max(right, x + l.width);
    y += lh;
  }
  parts_.controls->addText(text, Rect{std::min(left, right), top, std::abs(right - left), total},
                           false, box);
  return total;
}

TextStyle Ui::rosterStyle(FontRole role, Color color, int maxLines) const {
  TextStyle s;
  s.px = parts_.fonts->px(role);
  s.bold = role == FontRole::kTitle || role == FontRole::kBodyBold || role == FontRole::kButton ||
           role == FontRole::kHero;
  s.color = color;
  s.maxLines = maxLines;
  s.language = parts_.language;
  return s;
}

Vec2 Ui::rosterSize(std::string_view text, TextStyle style) {
  if (text.empty()) {
    return {0, 0};
  }
  const auto& t = parts_.text->get(text, withLineHeight(text, style));
  return {static_cast<float>(t.width), static_cast<float>(t.height)};
}

float Ui::roster(std::string_view text, TextStyle style, Rect box, Align align,
                 bool centerVertically) {
  if (text.empty() || box.w <= 0) {
    return 0;
  }
  style.maxWidth = std::floor(box.w);
  return drawRoster(text, style, onGlass(box), onGlass(align), centerVertically);
}

float Ui::drawRoster(std::string_view text, TextStyle style, Rect box, Align align,
                     bool centerVertically, Color tint) {
  style = withLineHeight(text, style);
  style.align = align;
  const auto& t = parts_.text->get(text, style);
  if (t.texture == 0) {
    return 0;
  }
  // The bitmap has a small pad around the logical box; let it overhang the box.
  const float pad = bitmapPad(style.px);
  const float w = static_cast<float>(t.width);
  const float h = static_cast<float>(t.height);
  float x = box.x - pad;
  if (align == Align::kCenter) {
    x = box.x + (box.w - (w - 2 * pad)) / 2 - pad;
  } else if (align == Align::kRight) {
    x = box.right() - (w - 2 * pad) - pad;
  }
  float y = box.y - pad;
  if (centerVertically) {
    y = box.y + (box.h - (h - 2 * pad)) / 2 - pad;
  }
  x = std::round(x);
  y = std::round(y);
  draw_->AddImage(reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(t.texture)),
                  ImVec2(x, y), ImVec2(x + w, y + h), ImVec2(0, 0), ImVec2(1, 1), col(tint));
  parts_.controls->addText(text, Rect{x + pad, y + pad, w - 2 * pad, h - 2 * pad}, t.ellipsized,
                           box);
  return h - 2 * pad;
}

void Ui::fill(Rect r, Color c, float radius) {
  r = onGlass(r);
  draw_->AddRectFilled(ImVec2(r.x, r.y), ImVec2(r.right(), r.bottom()), col(c), radius);
}

void Ui::stroke(Rect r, Color c, float thickness, float radius) {
  r = onGlass(r);
  const float h = thickness / 2;
  draw_->AddRect(ImVec2(r.x + h, r.y + h), ImVec2(r.right() - h, r.bottom() - h), col(c), radius, 0,
                 thickness);
}

void Ui::circle(Vec2 center, float radius, Color c) {
  draw_->AddCircleFilled(v(onGlass(center)), radius, col(c), 0);
}

void Ui::ring(Vec2 center, float radius, Color c, float thickness) {
  draw_->AddCircle(v(onGlass(center)), radius, col(c), 0, thickness);
}

void Ui::arc(Vec2 center, float radius, float from, float to, Color c, float thickness) {
  if (parts_.mirrored) {
    from = std::numbers::pi_v<float> - from;
    to = std::numbers::pi_v<float> - to;
  }
  draw_->PathClear();
  draw_->PathArcTo(v(onGlass(center)), radius, from, to, 0);
  draw_->PathStroke(col(c), 0, thickness);
}

void Ui::line(Vec2 a, Vec2 b, Color c, float thickness) {
  draw_->AddLine(v(onGlass(a)), v(onGlass(b)), col(c), thickness);
}

void Ui::image(std::uint32_t texture, Rect r, Vec2 uv0, Vec2 uv1, float rounding) {
  if (texture == 0) {
    return;
  }
  r = onGlass(r);
  const auto id = reinterpret_cast<ImTextureID>(static_cast<std::intptr_t>(texture));
  if (rounding > 0) {
    draw_->AddImageRounded(id, ImVec2(r.x, r.y), ImVec2(r.right(), r.bottom()), v(uv0), v(uv1),
                           IM_COL32_WHITE, rounding);
  } else {
    draw_->AddImage(id, ImVec2(r.x, r.y), ImVec2(r.right(), r.bottom()), v(uv0), v(uv1));
  }
}

void Ui::card(Rect r, Color background) {
  const float radius = m().radius;
  if (!pal().highContrast) {
    // A soft shadow under the bottom edge only: depth without redrawing the whole card
    // area (fill rate matters on software-rendered terminals).
    const float band = std::min(r.h, radius * 2);
    fill(Rect{r.x, r.bottom() - band + u(6), r.w, band}, hex(0x000000, 0.05f), radius);
    fill(Rect{r.x, r.bottom() - band + u(2), r.w, band}, hex(0x000000, 0.05f), radius);
  }
  fill(r, background, radius);
  if (pal().highContrast) {
    stroke(r, pal().border, u(3), radius);
  }
}

void Ui::spinner(Vec2 center, float radius, Color c) {
  const float t = static_cast<float>(parts_.seconds) * 5.0f;
  ring(center, radius, c.withAlpha(0.18f), radius * 0.16f);
  arc(center, radius, t, t + 1.9f, c, radius * 0.16f);
}

void Ui::qr(const std::vector<std::uint8_t>& dark, int modules, Rect box) {
  if (modules <= 0) {
    return;
  }
  const int total = modules + 8;  // 4-module quiet zone each side
  const float side = std::min(box.w, box.h);
  const float cell = std::floor(side / static_cast<float>(total));
  const float size = cell * static_cast<float>(total);
  fill(box.centered(size, size), hex(0xFFFFFF));
  // The code itself is never mirrored: only where it sits.
  const Rect area = onGlass(box).centered(size, size);
  const ImU32 black = IM_COL32(0, 0, 0, 255);
  for (int y = 0; y < modules; ++y) {
    int x = 0;
    while (x < modules) {
      if (dark[static_cast<std::size_t>(y * modules + x)] == 0) {
        ++x;
        continue;
      }
      int run = x;
      while (run < modules && dark[static_cast<std::size_t>(y * modules + run)] != 0) {
        ++run;
      }
      const float px = area.x + static_cast<float>(x + 4) * cell;
      const float py = area.y + static_cast<float>(y + 4) * cell;
      draw_->AddRectFilled(ImVec2(px, py),
                           ImVec2(px + cell * static_cast<float>(run - x), py + cell), black);
      x = run;
    }
  }
}

void Ui::icon(Icon which, Rect box, Color c) {
  box = onGlass(box);
  if (parts_.mirrored && (which == Icon::kBack || which == Icon::kForward)) {
    which = which == Icon::kBack ? Icon::kForward : Icon::kBack;  // back points right
  }
  const float s = std::min(box.w, box.h);
  const Rect b = box.centered(s, s);
  const auto P = [&](float x, float y) { return ImVec2(b.x + x * s, b.y + y * s); };
  const float t = std::max(2.0f, s * 0.085f);
  const ImU32 k = col(c);
  auto* d = draw_;
  switch (which) {
    case Icon::kNone:
      break;
    case Icon::kCheck: {
      ImVec2 pts[] = {P(0.18f, 0.52f), P(0.41f, 0.74f), P(0.82f, 0.28f)};
      d->AddPolyline(pts, 3, k, 0, t * 1.2f);
      break;
    }
    case Icon::kCross:
      d->AddLine(P(0.25f, 0.25f), P(0.75f, 0.75f), k, t);
      d->AddLine(P(0.75f, 0.25f), P(0.25f, 0.75f), k, t);
      break;
    case Icon::kBack:
    case Icon::kForward: {
      const bool back = which == Icon::kBack;
      const auto X = [&](float x) { return back ? x : 1 - x; };
      d->AddLine(P(X(0.8f), 0.5f), P(X(0.22f), 0.5f), k, t);
      ImVec2 pts[] = {P(X(0.46f), 0.24f), P(X(0.2f), 0.5f), P(X(0.46f), 0.76f)};
      d->AddPolyline(pts, 3, k, 0, t);
      break;
    }
    case Icon::kSearch:
      d->AddCircle(P(0.42f, 0.42f), s * 0.24f, k, 0, t);
      d->AddLine(P(0.6f, 0.6f), P(0.84f, 0.84f), k, t * 1.2f);
      break;
    case Icon::kPerson:
      d->AddCircleFilled(P(0.5f, 0.3f), s * 0.17f, k);
      d->AddRectFilled(P(0.2f, 0.56f), P(0.8f, 0.92f), k, s * 0.22f, ImDrawFlags_RoundCornersTop);
      break;
    case Icon::kPrinter:
      d->AddRect(P(0.3f, 0.12f), P(0.7f, 0.4f), k, 0, 0, t);
      d->AddRectFilled(P(0.1f, 0.38f), P(0.9f, 0.72f), k, s * 0.06f);
      d->AddRectFilled(P(0.28f, 0.6f), P(0.72f, 0.9f), col(pal().surface));
      d->AddRect(P(0.28f, 0.6f), P(0.72f, 0.9f), k, 0, 0, t);
      break;
    case Icon::kBed:
      d->AddLine(P(0.1f, 0.25f), P(0.1f, 0.85f), k, t);
      d->AddLine(P(0.1f, 0.72f), P(0.9f, 0.72f), k, t);
      d->AddLine(P(0.9f, 0.55f), P(0.9f, 0.85f), k, t);
      d->AddCircleFilled(P(0.27f, 0.5f), s * 0.09f, k);
      d->AddRectFilled(P(0.4f, 0.42f), P(0.9f, 0.62f), k, s * 0.06f);
      break;
    case Icon::kCar:
      d->AddRectFilled(P(0.08f, 0.46f), P(0.92f, 0.72f), k, s * 0.08f);
      {
        ImVec2 roof[] = {P(0.24f, 0.47f), P(0.34f, 0.26f), P(0.66f, 0.26f), P(0.76f, 0.47f)};
        d->AddConvexPolyFilled(roof, 4, k);
      }
      d->AddCircleFilled(P(0.28f, 0.74f), s * 0.1f, k);
      d->AddCircleFilled(P(0.72f, 0.74f), s * 0.1f, k);
      d->AddCircleFilled(P(0.28f, 0.74f), s * 0.045f, col(pal().surface));
      d->AddCircleFilled(P(0.72f, 0.74f), s * 0.045f, col(pal().surface));
      break;
    case Icon::kCalendar:
      d->AddRect(P(0.14f, 0.2f), P(0.86f, 0.86f), k, s * 0.06f, 0, t);
      d->AddRectFilled(P(0.14f, 0.2f), P(0.86f, 0.38f), k, s * 0.06f, ImDrawFlags_RoundCornersTop);
      d->AddLine(P(0.34f, 0.1f), P(0.34f, 0.28f), k, t);
      d->AddLine(P(0.66f, 0.1f), P(0.66f, 0.28f), k, t);
      for (int i = 0; i < 3; ++i) {
        for (int j = 0; j < 2; ++j) {
          const float x = 0.3f + 0.2f * static_cast<float>(i);
          const float y = 0.54f + 0.18f * static_cast<float>(j);
          d->AddRectFilled(P(x - 0.05f, y - 0.045f), P(x + 0.05f, y + 0.045f), k);
        }
      }
      break;
    case Icon::kHelp:
    case Icon::kWarning: {
      if (which == Icon::kHelp) {
        d->AddCircle(P(0.5f, 0.5f), s * 0.4f, k, 0, t);
        d->PathClear();
        d->PathArcTo(P(0.5f, 0.38f), s * 0.13f, std::numbers::pi_v<float> * 1.0f,
                     std::numbers::pi_v<float> * 2.35f, 0);
        d->PathLineTo(P(0.5f, 0.6f));
        d->PathStroke(k, 0, t);
        d->AddCircleFilled(P(0.5f, 0.74f), t * 0.75f, k);
      } else {
        ImVec2 tri[] = {P(0.5f, 0.1f), P(0.92f, 0.86f), P(0.08f, 0.86f)};
        d->AddPolyline(tri, 3, k, ImDrawFlags_Closed, t);
        d->AddLine(P(0.5f, 0.36f), P(0.5f, 0.62f), k, t * 1.1f);
        d->AddCircleFilled(P(0.5f, 0.74f), t * 0.75f, k);
      }
      break;
    }
    case Icon::kPhone:
      d->AddRect(P(0.3f, 0.08f), P(0.7f, 0.92f), k, s * 0.08f, 0, t);
      d->AddLine(P(0.44f, 0.8f), P(0.56f, 0.8f), k, t);
      break;
    case Icon::kLock:
      d->PathClear();
      d->PathArcTo(P(0.5f, 0.42f), s * 0.2f, std::numbers::pi_v<float>,
                   2 * std::numbers::pi_v<float>, 0);
      d->PathStroke(k, 0, t);
      d->AddLine(P(0.3f, 0.42f), P(0.3f, 0.5f), k, t);
      d->AddLine(P(0.7f, 0.42f), P(0.7f, 0.5f), k, t);
      d->AddRectFilled(P(0.2f, 0.48f), P(0.8f, 0.9f), k, s * 0.06f);
      break;
    case Icon::kStar: {
      ImVec2 pts[10];
      for (int i = 0; i < 10; ++i) {
        const float a =
            -std::numbers::pi_v<float> / 2 + static_cast<float>(i) * std::numbers::pi_v<float> / 5;
        const float r = (i % 2 == 0) ? 0.46f : 0.19f;
        pts[i] = P(0.5f + r * std::cos(a), 0.53f + r * std::sin(a));
      }
      // A star is not convex: fill it as triangles without anti-aliased fringes (they
      // would show as seams between the triangles), then smooth the outline.
      const ImDrawListFlags flags = d->Flags;
      d->Flags &= ~ImDrawListFlags_AntiAliasedFill;
      for (int i = 0; i < 10; ++i) {
        ImVec2 tri[] = {P(0.5f, 0.53f), pts[i], pts[(i + 1) % 10]};
        d->AddConvexPolyFilled(tri, 3, k);
      }
      d->Flags = flags;
      d->AddPolyline(pts, 10, k, ImDrawFlags_Closed, std::max(1.0f, s * 0.012f));
      break;
    }
    case Icon::kTextSize: {
      // Two letters at sizes the atlas has (glyphs are never scaled: the atlas is
      // sampled without filtering), bottoms aligned.
      ImFont* big = parts_.fonts->font(FontRole::kButton);
      ImFont* small = parts_.fonts->font(FontRole::kCaption);
      const float bigPx = parts_.fonts->px(FontRole::kButton);
      const float smallPx = parts_.fonts->px(FontRole::kCaption);
      const float bigW = big->CalcTextSizeA(bigPx, FLT_MAX, 0, "A").x;
      const float x =
          std::round(b.x + (s - bigW - small->CalcTextSizeA(smallPx, FLT_MAX, 0, "a").x) / 2);
      const float base = std::round(b.y + (s + bigPx) / 2);
      d->AddText(big, bigPx, ImVec2(x, base - bigPx), k, "A");
      d->AddText(small, smallPx, ImVec2(x + bigW + 1, base - smallPx), k, "a");
      break;
    }
    case Icon::kContrast:
      d->AddCircle(P(0.5f, 0.5f), s * 0.38f, k, 0, t);
      d->PathClear();
      d->PathArcTo(P(0.5f, 0.5f), s * 0.38f, std::numbers::pi_v<float> / 2,
                   std::numbers::pi_v<float> * 1.5f, 0);
      d->PathFillConvex(k);
      break;
    case Icon::kReach:
      d->AddLine(P(0.5f, 0.1f), P(0.5f, 0.62f), k, t);
      {
        ImVec2 head[] = {P(0.28f, 0.42f), P(0.5f, 0.66f), P(0.72f, 0.42f)};
        d->AddPolyline(head, 3, k, 0, t);
      }
      d->AddLine(P(0.16f, 0.86f), P(0.84f, 0.86f), k, t * 1.2f);
      break;
    case Icon::kBackspace: {
      ImVec2 pts[] = {P(0.06f, 0.5f), P(0.3f, 0.2f), P(0.92f, 0.2f), P(0.92f, 0.8f), P(0.3f, 0.8f)};
      d->AddPolyline(pts, 5, k, ImDrawFlags_Closed, t);
      d->AddLine(P(0.46f, 0.36f), P(0.74f, 0.64f), k, t);
      d->AddLine(P(0.74f, 0.36f), P(0.46f, 0.64f), k, t);
      break;
    }
    case Icon::kCamera:
      d->AddRect(P(0.08f, 0.28f), P(0.92f, 0.84f), k, s * 0.08f, 0, t);
      d->AddRectFilled(P(0.34f, 0.16f), P(0.66f, 0.3f), k, s * 0.04f);
      d->AddCircle(P(0.5f, 0.56f), s * 0.17f, k, 0, t);
      break;
    case Icon::kRetake: {
      d->PathClear();
      d->PathArcTo(P(0.5f, 0.5f), s * 0.32f, -0.3f, 4.5f, 0);
      d->PathStroke(k, 0, t);
      const ImVec2 tip = P(0.5f + 0.32f * std::cos(-0.3f), 0.5f + 0.32f * std::sin(-0.3f));
      ImVec2 head[] = {ImVec2(tip.x - s * 0.16f, tip.y - s * 0.02f), tip,
                       ImVec2(tip.x + s * 0.02f, tip.y - s * 0.17f)};
      d->AddPolyline(head, 3, k, 0, t);
      break;
    }
    case Icon::kPlus:
      d->AddLine(P(0.5f, 0.18f), P(0.5f, 0.82f), k, t * 1.2f);
      d->AddLine(P(0.18f, 0.5f), P(0.82f, 0.5f), k, t * 1.2f);
      break;
    case Icon::kGear:
      for (int i = 0; i < 8; ++i) {
        const float a = static_cast<float>(i) * std::numbers::pi_v<float> / 4;
        d->AddLine(P(0.5f + 0.26f * std::cos(a), 0.5f + 0.26f * std::sin(a)),
                   P(0.5f + 0.42f * std::cos(a), 0.5f + 0.42f * std::sin(a)), k, t * 1.6f);
      }
      d->AddCircle(P(0.5f, 0.5f), s * 0.26f, k, 0, t * 1.4f);
      d->AddCircleFilled(P(0.5f, 0.5f), s * 0.08f, k);
      break;
    case Icon::kExit:
      d->AddRect(P(0.14f, 0.12f), P(0.56f, 0.88f), k, s * 0.04f, 0, t);
      d->AddLine(P(0.4f, 0.5f), P(0.9f, 0.5f), k, t);
      {
        ImVec2 head[] = {P(0.72f, 0.32f), P(0.9f, 0.5f), P(0.72f, 0.68f)};
        d->AddPolyline(head, 3, k, 0, t);
      }
      break;
    case Icon::kQr:
      for (const auto& [x, y] :
           {std::pair{0.1f, 0.1f}, std::pair{0.6f, 0.1f}, std::pair{0.1f, 0.6f}}) {
        d->AddRect(P(x, y), P(x + 0.3f, y + 0.3f), k, 0, 0, t);
        d->AddRectFilled(P(x + 0.1f, y + 0.1f), P(x + 0.2f, y + 0.2f), k);
      }
      d->AddRectFilled(P(0.62f, 0.62f), P(0.74f, 0.74f), k);
      d->AddRectFilled(P(0.78f, 0.78f), P(0.9f, 0.9f), k);
      break;
    case Icon::kBell:
      d->PathClear();
      d->PathArcTo(P(0.5f, 0.42f), s * 0.26f, std::numbers::pi_v<float>,
                   2 * std::numbers::pi_v<float>, 0);
      d->PathLineTo(P(0.76f, 0.7f));
      d->PathLineTo(P(0.24f, 0.7f));
      d->PathFillConvex(k);
      d->AddRectFilled(P(0.14f, 0.68f), P(0.86f, 0.76f), k, s * 0.03f);
      d->AddCircleFilled(P(0.5f, 0.84f), s * 0.08f, k);
      break;
    case Icon::kGlobe: {
      // The usual sign for "language": a globe with a meridian and two parallels.
      const float r = s * 0.4f;
      d->AddCircle(P(0.5f, 0.5f), r, k, 0, t);
      d->AddLine(P(0.1f, 0.5f), P(0.9f, 0.5f), k, t);
      d->AddLine(P(0.2f, 0.3f), P(0.8f, 0.3f), k, t * 0.8f);
      d->AddLine(P(0.2f, 0.7f), P(0.8f, 0.7f), k, t * 0.8f);
      // The meridian: an ellipse, as ImGui draws only circles.
      constexpr int kSteps = 24;
      for (const float side : {-1.0f, 1.0f}) {
        d->PathClear();
        for (int i = 0; i <= kSteps; ++i) {
          const float a = std::numbers::pi_v<float> * (static_cast<float>(i) / kSteps - 0.5f);
          d->PathLineTo(P(0.5f + side * 0.18f * std::cos(a), 0.5f + 0.4f * std::sin(a)));
        }
        d->PathStroke(k, 0, t);
      }
      break;
    }
    case Icon::kSpeaker: {
      ImVec2 cone[] = {P(0.1f, 0.38f), P(0.28f, 0.38f), P(0.5f, 0.16f),
                       P(0.5f, 0.84f), P(0.28f, 0.62f), P(0.1f, 0.62f)};
      d->AddConvexPolyFilled(cone, 6, k);
      for (const float r : {0.16f, 0.3f}) {
        d->PathClear();
        d->PathArcTo(P(0.52f, 0.5f), s * r, -0.8f, 0.8f, 0);
        d->PathStroke(k, 0, t);
      }
      break;
    }
    case Icon::kShift: {
      ImVec2 pts[] = {P(0.5f, 0.1f),   P(0.9f, 0.5f),  P(0.68f, 0.5f), P(0.68f, 0.86f),
                      P(0.32f, 0.86f), P(0.32f, 0.5f), P(0.1f, 0.5f)};
      d->AddPolyline(pts, 7, k, ImDrawFlags_Closed, t);
      break;
    }
  }
}

bool Ui::button(std::string_view name, std::string_view label, Rect r, ButtonKind kind, Icon icon,
                bool enabled) {
  const bool clicked = tappable(name, r, enabled);
  const bool down = lastPressed_;
  const auto& p = pal();
  const ControlLook look = buttonLook(p, kind, down);
  Color bg = look.fill;
  Color fg = look.label;
  Color border = look.stroke;
  if (!enabled) {
    // Inactive controls are exempt from WCAG 1.4.11, and should look it.
    bg = p.surfaceAlt;
    fg = p.textMuted;
    border = Color{0, 0, 0, 0};
  }
  const float radius = kind == ButtonKind::kKey ? m().radius * 0.6f : m().radius;
  if (kind == ButtonKind::kKey && !p.highContrast && !down) {
    fill(Rect{r.x, r.y + u(3), r.w, r.h}, hex(0x000000, 0.08f), radius);
  }
  fill(r, bg, radius);
  if (border.a > 0) {
    stroke(r, border, p.highContrast ? u(3) : u(2), radius);
  }
  // The label: with its icon on one line when it fits; else without the icon; else in
  // the smaller face; else wrapped inside the button. Never over the edge.
  FontRole role = kind == ButtonKind::kKey ? FontRole::kBody : FontRole::kButton;
  const float room = r.w - u(40);
  Vec2 size = measure(label, role, 0);
  float iconSize = icon == Icon::kNone ? 0 : std::min(r.h * 0.46f, u(52));
  float gap = icon == Icon::kNone || label.empty() ? 0 : u(18);
  if (size.x + iconSize + gap > room && iconSize > 0 && !label.empty()) {
    iconSize = 0;
    gap = 0;
  }
  if ((size.x > room || size.y > r.h) && role == FontRole::kButton) {
    role = FontRole::kCaption;
    size = measure(label, role, 0);
  }
  if (size.x + iconSize + gap <= room) {
    const float x0 = r.x + (r.w - (size.x + iconSize + gap)) / 2;
    if (iconSize > 0) {
      this->icon(icon, Rect{x0, r.y + (r.h - iconSize) / 2, iconSize, iconSize}, fg);
    }
    if (!label.empty()) {
      text(label, role, fg, Rect{x0 + iconSize + gap, r.y, size.x + u(4), r.h}, Align::kLeft, true);
    }
  } else {
    text(label, role, fg, Rect{r.x + u(16), r.y, r.w - u(32), r.h}, Align::kCenter, true);
  }
  return clicked;
}

bool Ui::tappable(std::string_view name, Rect r, bool enabled) {
  r = onGlass(r);
  parts_.controls->add(name, r, enabled);
  lastPressed_ = false;
  if (!enabled || r.w <= 0 || r.h <= 0) {
    return false;
  }
  ImGui::SetCursorScreenPos(ImVec2(r.x, r.y));
  ImGui::PushID(name.data(), name.data() + name.size());
  const bool clicked = ImGui::InvisibleButton("##tap", ImVec2(r.w, r.h));
  lastPressed_ = ImGui::IsItemActive();
  ImGui::PopID();
  return clicked;
}

bool Ui::field(std::string_view name, std::string_view label, std::string_view value,
               std::string_view placeholder, Rect r, bool focused, bool masked) {
  const auto& p = pal();
  Rect box = r;
  if (!label.empty()) {
    const Rect labelBox = box.takeTop(lineHeight(m().captionPx), u(8));
    text(label, FontRole::kCaption, p.textMuted, labelBox);
  }
  const bool tapped = tappable(name, box, true);
  const ControlLook look = fieldLook(p, focused);
  fill(box, look.fill, m().radius * 0.7f);
  stroke(box, look.stroke, focused ? u(4) : u(2), m().radius * 0.7f);
  if (value.empty()) {
    const Rect inner = box.inset(u(24), 0);
    text(placeholder, FontRole::kBody, p.textMuted,
         Rect{inner.x + u(20), inner.y, inner.w - u(20), inner.h}, Align::kLeft, true);
  }
  // What is typed (Latin letters, pinyin's hanzi, digits, codes) and its caret run left
  // to right even in a mirrored frame.
  const Rect inner = onGlass(box).inset(u(24), 0);
  const bool wasMirrored = setMirrored(false);
  float caretX = inner.x;
  if (value.empty()) {
    // the placeholder above
  } else if (masked) {
    const float dot = u(14);
    const std::size_t n = value.size();
    for (std::size_t i = 0; i < n; ++i) {
      circle(Vec2{inner.x + dot + static_cast<float>(i) * dot * 3, inner.center().y}, dot, p.text);
    }
    caretX = inner.x + static_cast<float>(n) * dot * 3;
  } else {
    auto style = rosterStyle(FontRole::kBody, p.text, 1);
    const Vec2 size = rosterSize(
        value, TextStyle{style.px, false, p.text, inner.w, 1, Align::kLeft, style.language});
    roster(value, style, inner, Align::kLeft, true);
    caretX = inner.x + std::min(inner.w, size.x - 2 * (std::ceil(style.px * 0.08f) + 1));
  }
  if (focused && std::fmod(seconds(), 1.0) < 0.6) {
    const float h = m().bodyPx * 1.1f;
    fill(Rect{caretX + u(4), inner.center().y - h / 2, u(4), h}, p.primary);
  }
  setMirrored(wasMirrored);
  return tapped;
}

float keyboardHeight(const Ui& ui, KeyboardKind kind, float width) {
  const float gap = ui.u(12);
  const int rows = kind == KeyboardKind::kDigits ? 4 : 5;
  float key = ui.m().keyHeight;
  if (kind == KeyboardKind::kDigits) {
    key = std::min(ui.m().keyHeight * 1.15f, (width - 2 * gap) / 3 * 0.55f);
  }
  return static_cast<float>(rows) * key + static_cast<float>(rows - 1) * gap;
}

namespace {

std::optional<FlowEvent> digitPad(Ui& ui, Rect r) {
  std::optional<FlowEvent> out;
  const float gap = ui.u(12);
  const char* keys[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", ""};
  const auto rows = r.rows(4, gap);
  for (int row = 0; row < 4; ++row) {
    const auto cells = rows[static_cast<std::size_t>(row)].columns(3, gap);
    for (int c = 0; c < 3; ++c) {
      const int i = row * 3 + c;
      const Rect cell = cells[static_cast<std::size_t>(c)];
      if (i == 9) {
        if (ui.button("key.clear", ui.tr("keyboard.clear"), cell, ButtonKind::kChip)) {
          out = ev::ClearText{};
        }
      } else if (i == 11) {
        if (ui.button("key.backspace", "", cell, ButtonKind::kChip, Icon::kBackspace)) {
          out = ev::Backspace{};
        }
      } else {
        const std::string name = std::string("key.") + keys[i];
        if (ui.button(name, keys[i], cell, ButtonKind::kKey)) {
          out = ev::KeyText{keys[i]};
        }
      }
    }
  }
  return out;
}

// Typed text for the field, or a touch when the key only changed the keyboard (it
// still keeps the screen from timing out).
FlowEvent typed(std::string text) {
  if (text.empty()) {
    return ev::Touch{};
  }
  return ev::KeyText{std::move(text)};
}

// The digit row while pinyin is being composed: the pinyin so far, the candidates of
// the page (as large as the keys) and the page arrows.
std::optional<FlowEvent> candidateBar(Ui& ui, Rect row, InputMethod& ime) {
  std::optional<FlowEvent> out;
  const auto& p = ui.pal();
  const float gap = ui.u(12);
  const float keyW = (row.w - 9 * gap) / 10;
  const Composition c = ime.composition();  // a copy: a tap below changes it
  Rect preedit = row.takeLeft(keyW * 2 + gap, gap);
  ui.fill(preedit, p.surfaceAlt, ui.m().radius * 0.6f);
  ui.roster(c.preedit, ui.rosterStyle(FontRole::kBody, p.text, 2), preedit.inset(ui.u(12), 0),
            Align::kLeft, true);
  const Rect next = row.takeRight(keyW, gap);
  const Rect prev = row.takeRight(keyW, gap);
  // The arrows are drawn here: a key this narrow (landscape) has no room for a button's
  // icon padding.
  const auto arrow = [&](std::string_view name, Rect r, Icon icon, bool enabled) {
    const bool tapped = ui.button(name, "", r, ButtonKind::kChip, Icon::kNone, enabled);
    const float s = std::min(r.w, r.h) * 0.5f;
    ui.icon(icon, r.centered(s, s),
            enabled ? buttonLook(p, ButtonKind::kChip, false).label : p.textMuted);
    return tapped;
  };
  if (arrow("key.page.prev", prev, Icon::kBack, c.page > 0)) {
    ime.page(false);
    out = ev::Touch{};
  }
  if (arrow("key.page.next", next, Icon::kForward, !c.lastPage)) {
    ime.page(true);
    out = ev::Touch{};
  }
  // Each candidate as wide as its text needs (never narrower than a key), the spare
  // room shared out; squeezed in proportion when they do not fit.
  const std::size_t n = c.candidates.size();
  const auto style = ui.rosterStyle(FontRole::kBodyBold, p.text, 1);
  std::vector<float> widths(n);
  float wanted = 0;
  for (std::size_t i = 0; i < n; ++i) {
    widths[i] = std::max(keyW, ui.rosterSize(c.candidates[i], style).x + ui.u(40));
    wanted += widths[i];
  }
  const float room = row.w - gap * static_cast<float>(n > 0 ? n - 1 : 0);
  float x = row.x;
  for (std::size_t i = 0; i < n; ++i) {
    const float w = wanted <= room ? widths[i] + (room - wanted) / static_cast<float>(n)
                                   : widths[i] * room / wanted;
    const Rect cell{x, row.y, w, row.h};
    x += w + gap;
    const std::string name = "key.candidate." + std::to_string(i);
    const bool tapped = ui.tappable(name, cell);
    const bool down = ui.pressed();
    const ControlLook look =
        buttonLook(p, i == 0 ? ButtonKind::kChipSelected : ButtonKind::kKey, down);
    ui.fill(cell, look.fill, ui.m().radius * 0.6f);
    if (look.stroke.a > 0) {
      ui.stroke(cell, look.stroke, p.highContrast ? ui.u(3) : ui.u(2), ui.m().radius * 0.6f);
    }
    ui.roster(c.candidates[i], ui.rosterStyle(FontRole::kBodyBold, look.label, 1),
              cell.inset(ui.u(8), 0), Align::kCenter, true);
    if (tapped) {
      out = typed(ime.pick(i));
    }
  }
  return out;
}

std::optional<FlowEvent> keys(Ui& ui, Rect r, KeyboardKind kind) {
  if (kind == KeyboardKind::kDigits) {
    return digitPad(ui, r);
  }
  std::optional<FlowEvent> out;
  const auto& p = ui.pal();
  const float gap = ui.u(12);
  const bool code = kind == KeyboardKind::kCode;
  KeyboardState fallback;
  KeyboardState& state = ui.keyboardState() != nullptr && !code ? *ui.keyboardState() : fallback;
  InputMethod* ime = code ? nullptr : ui.inputMethod();
  const InputMethod::State imeState =
      ime != nullptr ? ime->state() : InputMethod::State::kUnavailable;
  const bool pinyin = state.pinyin && imeState == InputMethod::State::kReady;
  const bool composing = pinyin && ime->composition().composing();
  // Text for the field from a key that is not a letter: what is composed goes first.
  const auto withComposition = [&](std::string text) {
    return composing ? ime->space() + text : text;
  };

  const auto rows = r.rows(5, gap);
  for (int row = 0; row < 4; ++row) {
    const Rect rowRect = rows[static_cast<std::size_t>(row)];
    if (row == 0 && composing) {
      out = candidateBar(ui, rowRect, *ime);
      continue;
    }
    if (row == 0 && state.pinyin && imeState == InputMethod::State::kUnavailable) {
      // Pinyin asked for but not there: say why (for staff) where the digits were; the
      // letters stay Latin and the digits are one tap on ABC away.
      // The technical detail only when it fits the row.
      const Rect box = rowRect.inset(ui.u(16), 0);
      std::string note = ui.trf("keyboard.pinyin_unavailable",
                                {{"detail", ime != nullptr ? ime->problem() : std::string()}});
      if (ui.measure(note, FontRole::kCaption, box.w).y > box.h) {
        note = ui.trf("keyboard.pinyin_unavailable", {{"detail", std::string()}});
      }
      ui.fill(rowRect, p.warningSoft, ui.m().radius * 0.6f);
      ui.text(note, FontRole::kCaption, p.onWarningSoft, box, Align::kLeft, true);
      continue;
    }
    const std::string_view chars = kKeyRows[row];
    const auto cells = rowRect.columns(10, gap);
    for (std::size_t c = 0; c < chars.size(); ++c) {
      const std::string key(1, chars[c]);
      const bool letter = chars[c] >= 'A' && chars[c] <= 'Z';
      // The keys show what they type: small letters, capitals after Shift.
      std::string label = key;
      if (letter && !state.shift && !code) {
        label[0] = static_cast<char>(label[0] - 'A' + 'a');
      }
      if (!ui.button("key." + key, label, cells[c], ButtonKind::kKey)) {
        continue;
      }
      if (letter && pinyin && !state.shift) {
        out = typed(ime->letter(label[0]));
      } else {
        out = typed(withComposition(label));
      }
      if (letter) {
        state.shift = false;
      }
    }
  }
  Rect last = rows[4];
  const float unit = (last.w - 4 * gap) / 10;
  const Rect clear = last.takeLeft(unit * 2, gap);
  const Rect shift = last.takeLeft(unit * 1.5f, gap);
  const Rect mode = last.takeLeft(unit * 1.5f, gap);
  const Rect back = last.takeRight(unit * 2, gap);
  if (ui.button("key.clear", ui.tr("keyboard.clear"), clear, ButtonKind::kChip)) {
    if (ime != nullptr) {
      ime->reset();
    }
    out = ev::ClearText{};
  }
  if (ui.button("key.shift", "", shift, state.shift ? ButtonKind::kChipSelected : ButtonKind::kChip,
                Icon::kShift)) {
    state.shift = !state.shift;
    out = ev::Touch{};
  }
  // Pinyin needs the engine started (a second or so after the terminal starts); when
  // it cannot start, the key still switches, to show staff why there is no pinyin.
  if (ui.button("key.mode", ui.tr(state.pinyin ? "keyboard.pinyin" : "keyboard.latin"), mode,
                state.pinyin ? ButtonKind::kChipSelected : ButtonKind::kChip, Icon::kNone,
                !code && imeState != InputMethod::State::kStarting)) {
    if (composing) {
      out = typed(ime->space());
    } else {
      out = ev::Touch{};
    }
    state.pinyin = !state.pinyin;
  }
  if (ui.button("key.space", ui.tr("keyboard.space"), last, ButtonKind::kKey)) {
    out = typed(pinyin ? ime->space() : std::string(" "));
  }
  if (ui.button("key.backspace", "", back, ButtonKind::kChip, Icon::kBackspace)) {
    if (pinyin && ime->backspace()) {
      out = ev::Touch{};
    } else {
      out = ev::Backspace{};
    }
  }
  return out;
}

}  // namespace

std::optional<FlowEvent> keyboard(Ui& ui, Rect r, KeyboardKind kind) {
  // Latin letters, digits and pinyin: left to right in every language; only where the
  // keyboard sits is mirrored.
  r = ui.onGlass(r);
  const bool wasMirrored = ui.setMirrored(false);
  auto out = keys(ui, r, kind);
  ui.setMirrored(wasMirrored);
  return out;
}

std::string localizedPart(std::string_view text, std::string_view language) {
  constexpr std::string_view kSeparator = " \xC2\xB7 ";  // " · "
  const auto at = text.find(kSeparator);
  if (at == std::string_view::npos || text.find(kSeparator, at + 1) != std::string_view::npos) {
    return std::string(text);
  }
  const std::string_view first = text.substr(0, at);
  const std::string_view second = text.substr(at + kSeparator.size());
  // Han characters are three-byte UTF-8 sequences starting 0xE3..0xE9.
  const auto hasHan = [](std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
      const auto b = static_cast<unsigned char>(c);
      return b >= 0xE3 && b <= 0xE9;
    });
  };
  const bool wantHan = language.rfind("zh", 0) == 0 || language.rfind("ja", 0) == 0;
  if (hasHan(first) != hasHan(second)) {
    return std::string(hasHan(first) == wantHan ? first : second);
  }
  return std::string(text);
}

std::string guestTime(const Ui& ui, TimePoint t, std::string_view zone) {
  return formatLocal(t, zone, "HH:mm", ui.language());
}

std::string guestDay(const Ui& ui, TimePoint t, std::string_view zone) {
  const bool chinese = ui.language().rfind("zh", 0) == 0;
  return formatLocal(t, zone, chinese ? "M月d日 EEE" : "EEE d MMM", ui.language());
}

}  // namespace kiosk::ui
