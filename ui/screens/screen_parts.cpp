// Pieces shared by several screens.
#include <algorithm>
#include <cmath>

#include "ui/screens/screens.h"

namespace kiosk::ui {

void stepBar(Ui& ui, Rect& body, int step, bool photoStep) {
  const auto& p = ui.pal();
  std::vector<std::string_view> labels{ui.tr("step.confirm")};
  if (photoStep) {
    labels.push_back(ui.tr("step.photo"));
  }
  labels.push_back(ui.tr("step.needs"));
  labels.push_back(ui.tr("step.badge"));
  int current = step;
  if (!photoStep && step >= 2) {
    current = step - 1;
  }
  const float dot = ui.u(18);
  Rect bar = body.takeTop(ui.u(64), ui.m().gap);
  const auto cells = bar.columns(static_cast<int>(labels.size()), ui.u(12));
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const int n = static_cast<int>(i) + 1;
    const bool done = n < current;
    const bool here = n == current;
    Rect cell = cells[i];
    const Rect track{cell.x, cell.y, cell.w, ui.u(8)};
    ui.fill(track, here || done ? p.primary : p.surfaceAlt, ui.u(4));
    Rect label{cell.x, cell.y + ui.u(18), cell.w, cell.h - ui.u(18)};
    if (done) {
      ui.icon(Icon::kCheck, Rect{label.x, label.y + ui.u(4), dot * 1.6f, dot * 1.6f}, p.success);
      label.takeLeft(dot * 1.9f);
    }
    ui.text(labels[i], here ? FontRole::kBodyBold : FontRole::kCaption, here ? p.text : p.textMuted,
            label);
  }
}

void titleBlock(Ui& ui, Rect& body, std::string_view title, std::string_view subtitle,
                Align align) {
  const auto& p = ui.pal();
  // In reach mode the top of the screen holds nothing to tap: the title goes up there
  // (when it fits) and the lowered body keeps its height for the controls.
  Rect& reach = ui.reachSpace();
  Rect* area = &body;
  if (ui.layout().reach) {
    const float need = ui.measure(title, FontRole::kTitle, reach.w).y + ui.u(12) +
                       (subtitle.empty() ? 0 : ui.measure(subtitle, FontRole::kBody, reach.w).y);
    if (need <= reach.h) {
      area = &reach;
    }
  }
  const float h = ui.measure(title, FontRole::kTitle, area->w).y;
  ui.text(title, FontRole::kTitle, p.text, area->takeTop(h, ui.u(12)), align);
  if (!subtitle.empty()) {
    const float sh = ui.measure(subtitle, FontRole::kBody, area->w).y;
    ui.text(subtitle, FontRole::kBody, p.textMuted, area->takeTop(sh, 0), align);
  }
  area->takeTop(ui.m().gap * 1.5f);
}

float titleBlockHeight(Ui& ui, float width, std::string_view title, std::string_view subtitle) {
  const float h = ui.measure(title, FontRole::kTitle, width).y + ui.u(12) +
                  (subtitle.empty() ? 0 : ui.measure(subtitle, FontRole::kBody, width).y);
  if (ui.layout().reach && h <= ui.reachSpace().h) {
    return 0;
  }
  return h + ui.m().gap * 1.5f;
}

std::vector<Rect> cellRows(Ui& ui, Rect& body, int n, int perRow, float preferred, float gap,
                           float keepBelow) {
  std::vector<Rect> out;
  if (n <= 0 || perRow <= 0) {
    return out;
  }
  const int rows = (n + perRow - 1) / perRow;
  const float room = body.h - keepBelow - gap * static_cast<float>(rows);
  const float rowH =
      std::max(std::min(preferred, room / static_cast<float>(rows)), ui.mm(kMinTouchMm + 1));
  for (int r = 0; r < rows; ++r) {
    const auto cells = body.takeTop(rowH, gap).columns(perRow, gap);
    for (int c = 0; c < perRow && r * perRow + c < n; ++c) {
      out.push_back(cells[static_cast<std::size_t>(c)]);
    }
  }
  return out;
}

void cameraPanel(Ui& ui, Rect r, const TextureRef& preview, const CameraView& camera,
                 bool codeGuide) {
  const auto& p = ui.pal();
  const float radius = ui.m().radius;
  if (preview.id == 0 || preview.width <= 0 || preview.height <= 0 || !camera.streaming) {
    ui.fill(r, hex(0x1B2630), radius);
  }
  if (preview.id != 0 && preview.width > 0 && preview.height > 0) {
    // Cover: crop the picture to the panel's aspect ratio.
    const float panelAspect = r.w / r.h;
    const float imageAspect =
        static_cast<float>(preview.width) / static_cast<float>(preview.height);
    float u0 = 0;
    float u1 = 1;
    float v0 = 0;
    float v1 = 1;
    if (imageAspect > panelAspect) {
      const float keep = panelAspect / imageAspect;
      u0 = (1 - keep) / 2;
      u1 = u0 + keep;
    } else {
      const float keep = imageAspect / panelAspect;
      v0 = (1 - keep) / 2;
      v1 = v0 + keep;
    }
    if (camera.mirrored) {
      std::swap(u0, u1);
    }
    ui.image(preview.id, r, Vec2{u0, v0}, Vec2{u1, v1}, radius);
  }
  if (codeGuide) {
    // Corner brackets around a square target, and a slow scan line inside it.
    const float side = std::min(r.w, r.h) * 0.62f;
    const Rect target = r.centered(side, side);
    const float len = side * 0.18f;
    const float t = ui.u(8);
    const Color c = p.previewFrame;
    for (int corner = 0; corner < 4; ++corner) {
      const float x = corner % 2 == 0 ? target.x : target.right();
      const float y = corner < 2 ? target.y : target.bottom();
      const float dx = corner % 2 == 0 ? len : -len;
      const float dy = corner < 2 ? len : -len;
      ui.line(Vec2{x, y}, Vec2{x + dx, y}, c, t);
      ui.line(Vec2{x, y}, Vec2{x, y + dy}, c, t);
    }
    if (camera.streaming) {
      const float phase = static_cast<float>(std::fmod(ui.seconds() * 0.5, 1.0));
      const float y = target.y + side * (0.1f + 0.8f * (0.5f - 0.5f * std::cos(phase * 6.2832f)));
      ui.fill(Rect{target.x + side * 0.08f, y - ui.u(2), side * 0.84f, ui.u(4)}, c.withAlpha(0.75f),
              ui.u(2));
    }
  }
  if (!camera.streaming) {
    Rect pill = Rect{r.x + ui.u(24), r.bottom() - ui.u(96), r.w - ui.u(48), ui.u(72)};
    const Rect words{pill.x + ui.u(76), pill.y, pill.w - ui.u(96), pill.h};
    const std::string_view hint = ui.tr("camera.unavailable");
    // A thumbnail too small for the words (staff's device page) shows the sign alone; the
    // page says in words what is wrong.
    const bool fits = ui.measure(hint, FontRole::kCaption, words.w).y <= words.h;
    if (!fits) {
      pill = pill.centered(ui.u(72), ui.u(72));
    }
    ui.fill(pill, p.warningSoft, ui.u(36));
    ui.icon(Icon::kCamera,
            fits ? Rect{pill.x + ui.u(20), pill.y + ui.u(16), ui.u(40), ui.u(40)}
                 : pill.centered(ui.u(40), ui.u(40)),
            p.onWarningSoft);
    if (fits) {
      ui.text(hint, FontRole::kCaption, p.onWarningSoft, words, Align::kLeft, true);
    }
  }
}

void badgeIcon(Ui& ui, Vec2 center, float radius, Icon icon, Color background, Color foreground) {
  ui.circle(center, radius, background);
  const float s = radius * 1.1f;
  ui.icon(icon, Rect{center.x - s / 2, center.y - s / 2, s, s}, foreground);
}

float messagePanel(Ui& ui, Rect r, Icon icon, Color background, Color foreground,
                   std::string_view title, std::string_view body, bool measureOnly) {
  const float pad = ui.u(32);
  const float iconSize = ui.u(64);
  const float textX = r.x + pad + iconSize + ui.u(24);
  const float textW = r.right() - pad - textX;
  const float titleH = title.empty() ? 0 : ui.measure(title, FontRole::kBodyBold, textW).y;
  const float bodyH = body.empty() ? 0 : ui.measure(body, FontRole::kBody, textW).y;
  const float h =
      std::max(iconSize, titleH + (title.empty() || body.empty() ? 0 : ui.u(8)) + bodyH) + 2 * pad;
  if (measureOnly) {
    return h;
  }
  const Rect panel{r.x, r.y, r.w, h};
  ui.fill(panel, background, ui.m().radius);
  if (ui.pal().highContrast) {
    ui.stroke(panel, foreground, ui.u(3), ui.m().radius);
  }
  ui.icon(icon, Rect{r.x + pad, r.y + pad, iconSize, iconSize}, foreground);
  float y = r.y + pad;
  if (!title.empty()) {
    y += ui.text(title, FontRole::kBodyBold, foreground, Rect{textX, y, textW, titleH}) + ui.u(8);
  }
  if (!body.empty()) {
    ui.text(body, FontRole::kBody, foreground, Rect{textX, y, textW, bodyH});
  }
  return h;
}

float infoLineHeight(Ui& ui, float width, const InfoLine& line) {
  if (line.value.empty()) {
    return 0;
  }
  const float iconSize = ui.u(44);
  const float w = width - iconSize - ui.u(24);
  const float labelH = ui.measure(line.label, FontRole::kCaption, w).y;
  auto style = ui.rosterStyle(FontRole::kBodyBold, ui.pal().text, line.maxLines);
  style.maxWidth = std::floor(w);
  const float pad = std::ceil(style.px * 0.08f) + 1;
  const float valueH = ui.rosterSize(line.value, style).y - 2 * pad;
  return std::max(iconSize, labelH + valueH);
}

void drawInfoLine(Ui& ui, Rect row, const InfoLine& line) {
  if (line.value.empty()) {
    return;
  }
  const auto& p = ui.pal();
  const float iconSize = ui.u(44);
  const float x = row.x + iconSize + ui.u(24);
  const float w = row.right() - x;
  const float labelH = ui.measure(line.label, FontRole::kCaption, w).y;
  if (line.icon != Icon::kNone) {
    ui.icon(line.icon, Rect{row.x, row.y + ui.u(4), iconSize, iconSize}, p.primary);
  }
  ui.text(line.label, FontRole::kCaption, p.textMuted, Rect{x, row.y, w, labelH});
  ui.roster(line.value, ui.rosterStyle(FontRole::kBodyBold, p.text, line.maxLines),
            Rect{x, row.y + labelH, w, row.h - labelH});
}

std::vector<std::vector<InfoLine>> infoPages(Ui& ui, const std::vector<InfoLine>& lines,
                                             float width, float height) {
  std::vector<std::vector<InfoLine>> pages(1);
  float used = 0;
  for (const auto& line : lines) {
    const float h = infoLineHeight(ui, width, line);
    if (h <= 0) {
      continue;
    }
    // A line starts a new page rather than run over the edge; a line taller than a
    // whole page still gets a page of its own.
    if (!pages.back().empty() && used + h > height) {
      pages.emplace_back();
      used = 0;
    }
    pages.back().push_back(line);
    used += h + ui.u(kInfoLineGap);
  }
  return pages;
}

void infoRow(Ui& ui, Rect& area, Icon icon, std::string_view label, std::string_view value,
             int maxLines) {
  const InfoLine line{icon, std::string(label), std::string(value), maxLines};
  const float h = infoLineHeight(ui, area.w, line);
  if (h <= 0) {
    return;
  }
  if (h > area.h) {
    area.h = 0;  // no room: later rows are dropped too, never drawn over the edge
    return;
  }
  drawInfoLine(ui, area.takeTop(h, ui.u(kInfoLineGap)), line);
}

std::string categoryKey(GuestCategory category) {
  return std::string("category.") + toString(category);
}

std::string outcomeKey(const ScanDecision& d) {
  if (d.outcome == ScanOutcome::kNeedsStaff && d.staffReason != StaffReason::kNone) {
    return std::string("outcome.needs_staff.") + toString(d.staffReason);
  }
  return std::string("outcome.") + toString(d.outcome);
}

std::string staffDetail(const Ui& ui, const ScanDecision& d) {
  if (d.detailKey.empty()) {
    return d.detail;
  }
  std::vector<std::pair<std::string_view, std::string>> values;
  for (const auto& [name, value] : d.detailArgs) {
    values.emplace_back(name, value);
  }
  return ui.trf(d.detailKey, values);
}

Rect keyboardArea(Ui& ui, Rect& body, KeyboardKind kind, float keep) {
  if (ui.layout().portrait) {
    const float w = kind == KeyboardKind::kDigits ? std::min(body.w, ui.u(720)) : body.w;
    const float gap = ui.m().gap * 1.5f;
    // Lower keys rather than squeeze what the screen shows above them, down to keys a
    // finger still hits (reach mode and large text leave less room).
    const int rows = kind == KeyboardKind::kDigits ? 4 : 5;
    const float smallest =
        static_cast<float>(rows) * ui.mm(kMinTouchMm + 1) + static_cast<float>(rows - 1) * ui.u(12);
    const float h = std::max(std::min(keyboardHeight(ui, kind, w), body.h - gap - keep), smallest);
    return body.takeBottom(h, gap).centered(w, h);
  }
  Rect side = body.takeRight(body.w * 0.5f, ui.m().margin);
  const float w = kind == KeyboardKind::kDigits ? std::min(side.w, ui.u(600)) : side.w;
  const float h = std::min(side.h, keyboardHeight(ui, kind, w));
  return Rect{side.x + (side.w - w) / 2, side.bottom() - h, w, h};
}

Rect footer(Ui& ui, Rect& body, int rows) {
  const float h =
      ui.m().buttonHeight * static_cast<float>(rows) + ui.m().gap * static_cast<float>(rows - 1);
  return body.takeBottom(h, ui.m().gap);
}

}  // namespace kiosk::ui
