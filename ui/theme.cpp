#include "ui/theme.h"

#include <algorithm>
#include <cmath>

namespace kiosk::ui {

Color hex(std::uint32_t rgb, float alpha) {
  return Color{static_cast<float>((rgb >> 16) & 0xFFu) / 255.0f,
               static_cast<float>((rgb >> 8) & 0xFFu) / 255.0f,
               static_cast<float>(rgb & 0xFFu) / 255.0f, alpha};
}

std::uint32_t packColor(Color c) {
  const auto channel = [](float v) {
    return static_cast<std::uint32_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
  };
  return (channel(c.a) << 24) | (channel(c.b) << 16) | (channel(c.g) << 8) | channel(c.r);
}

double relativeLuminance(Color c) {
  const auto linear = [](float v) {
    const double s = v;
    return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * linear(c.r) + 0.7152 * linear(c.g) + 0.0722 * linear(c.b);
}

double contrastRatio(Color foreground, Color background) {
  const double a = relativeLuminance(foreground);
  const double b = relativeLuminance(background);
  return (std::max(a, b) + 0.05) / (std::min(a, b) + 0.05);
}

const Palette& standardPalette() {
  static const Palette palette = [] {
    Palette p;
    p.name = "standard";
    p.background = hex(0xF4F2EE);
    p.surface = hex(0xFFFFFF);
    p.surfaceAlt = hex(0xE9E5DE);
    p.border = hex(0xD6D0C6);
    p.controlBorder = hex(0x7D776E);
    p.text = hex(0x18212B);
    p.textMuted = hex(0x505A66);
    p.brand = hex(0x113A4B);
    p.onBrand = hex(0xFFFFFF);
    p.onBrandMuted = hex(0xB9CCD4);
    p.primary = hex(0x0B6A7E);
    p.onPrimary = hex(0xFFFFFF);
    p.primaryPressed = hex(0x08505F);
    p.secondary = hex(0xE1ECEE);
    p.onSecondary = hex(0x0A4A58);
    p.selected = hex(0x113A4B);
    p.onSelected = hex(0xFFFFFF);
    p.successSoft = hex(0xE2F1E7);
    p.onSuccessSoft = hex(0x17542F);
    p.success = hex(0x1D7340);
    p.warningSoft = hex(0xFCEFD2);
    p.onWarningSoft = hex(0x6B4300);
    p.dangerSoft = hex(0xF9E1DE);
    p.onDangerSoft = hex(0x8A1C14);
    p.danger = hex(0xB3261E);
    p.staffBand = hex(0x2E2A4F);
    p.onStaffBand = hex(0xFFFFFF);
    p.key = hex(0xFFFFFF);
    p.onKey = hex(0x18212B);
    p.previewFrame = hex(0xFFFFFF);
    p.scrim = hex(0x000000, 0.55f);
    return p;
  }();
  return palette;
}

const Palette& highContrastPalette() {
  static const Palette palette = [] {
    Palette p;
    p.name = "high_contrast";
    p.background = hex(0x000000);
    p.surface = hex(0x121212);
    p.surfaceAlt = hex(0x1E1E1E);
    p.border = hex(0xFFFFFF);
    p.controlBorder = hex(0xFFFFFF);
    p.text = hex(0xFFFFFF);
    p.textMuted = hex(0xE6E6E6);
    p.brand = hex(0x000000);
    p.onBrand = hex(0xFFFFFF);
    p.onBrandMuted = hex(0xFFE34D);
    p.primary = hex(0xFFD60A);
    p.onPrimary = hex(0x000000);
    p.primaryPressed = hex(0xE0B800);
    p.secondary = hex(0x000000);
    p.onSecondary = hex(0xFFFFFF);
    p.selected = hex(0xFFFFFF);
    p.onSelected = hex(0x000000);
    p.successSoft = hex(0x002B12);
    p.onSuccessSoft = hex(0x7DFFA8);
    p.success = hex(0x7DFFA8);
    p.warningSoft = hex(0x2B2000);
    p.onWarningSoft = hex(0xFFE066);
    p.dangerSoft = hex(0x2E0000);
    p.onDangerSoft = hex(0xFF9E9E);
    p.danger = hex(0xFF8A8A);
    p.staffBand = hex(0x1A1A40);
    p.onStaffBand = hex(0xFFFFFF);
    p.key = hex(0x1E1E1E);
    p.onKey = hex(0xFFFFFF);
    p.previewFrame = hex(0xFFD60A);
    p.scrim = hex(0x000000, 0.7f);
    p.highContrast = true;
    return p;
  }();
  return palette;
}

std::vector<const Palette*> allPalettes() {
  return {&standardPalette(), &highContrastPalette()};
}

std::vector<TextPair> textPairs(const Palette& p) {
  return {
      {"text on background", p.text, p.background},
      {"text on surface", p.text, p.surface},
      {"text on surfaceAlt", p.text, p.surfaceAlt},
      {"textMuted on background", p.textMuted, p.background},
      {"textMuted on surface", p.textMuted, p.surface},
      {"textMuted on surfaceAlt", p.textMuted, p.surfaceAlt},
      {"onBrand on brand", p.onBrand, p.brand},
      {"onBrandMuted on brand", p.onBrandMuted, p.brand},
      {"onPrimary on primary", p.onPrimary, p.primary},
      {"onPrimary on primaryPressed", p.onPrimary, p.primaryPressed},
      {"primary on surface (links, icons)", p.primary, p.surface},
      {"primary on background", p.primary, p.background},
      {"onSecondary on secondary", p.onSecondary, p.secondary},
      {"onSelected on selected", p.onSelected, p.selected},
      {"onSuccessSoft on successSoft", p.onSuccessSoft, p.successSoft},
      {"success on surface", p.success, p.surface},
      {"success on background", p.success, p.background},
      {"onWarningSoft on warningSoft", p.onWarningSoft, p.warningSoft},
      {"onDangerSoft on dangerSoft", p.onDangerSoft, p.dangerSoft},
      {"danger on surface", p.danger, p.surface},
      {"danger on background", p.danger, p.background},
      {"onStaffBand on staffBand", p.onStaffBand, p.staffBand},
      {"onKey on key", p.onKey, p.key},
      {"onKey on surfaceAlt (pressed key)", p.onKey, p.surfaceAlt},
  };
}

ControlLook buttonLook(const Palette& p, ButtonKind kind, bool pressed) {
  constexpr Color kNone{0, 0, 0, 0};
  switch (kind) {
    case ButtonKind::kPrimary:
      return {pressed ? p.primaryPressed : p.primary, p.onPrimary, kNone};
    case ButtonKind::kSecondary:
      // Outlined in the action colour: the soft fill alone is barely apart from the page.
      return {pressed ? p.surfaceAlt : p.secondary, p.onSecondary,
              p.highContrast ? p.border : p.primary};
    case ButtonKind::kQuiet:
      return {pressed ? p.surfaceAlt : kNone, p.text, p.controlBorder};
    case ButtonKind::kChip:
      return {pressed ? p.border : p.surfaceAlt, p.text, p.controlBorder};
    case ButtonKind::kChipSelected:
      return {p.selected, p.onSelected, kNone};
    case ButtonKind::kKey:
      return {pressed ? p.surfaceAlt : p.key, p.onKey, p.controlBorder};
    case ButtonKind::kOnBrand:
      return {p.onBrand.withAlpha(pressed ? 0.28f : 0.12f), p.onBrand,
              p.highContrast ? p.onBrand : p.onBrandMuted};
  }
  return {p.secondary, p.onSecondary, kNone};
}

ControlLook fieldLook(const Palette& p, bool focused) {
  return {p.surface, p.text, focused ? p.primary : p.controlBorder};
}

Color over(Color top, Color ground) {
  const auto mix = [&](float a, float b) { return a * top.a + b * (1 - top.a); };
  return Color{mix(top.r, ground.r), mix(top.g, ground.g), mix(top.b, ground.b), 1};
}

Color boundaryOn(const ControlLook& look, Color ground) {
  return over(look.stroke.a > 0 ? look.stroke : look.fill, ground);
}

Metrics metricsFor(int width, int height, bool largeText, float diagonalInches) {
  Metrics m;
  const float diagonalPx =
      std::hypot(static_cast<float>(std::max(1, width)), static_cast<float>(std::max(1, height)));
  m.pxPerMm = diagonalPx / (std::max(1.0f, diagonalInches) * 25.4f);
  const float shortSide = static_cast<float>(std::max(1, std::min(width, height)));
  const float u = shortSide / 1080.0f;
  const float t = largeText ? 1.25f : 1.0f;
  m.unit = u;
  m.margin = 48 * u;
  m.gap = 24 * u;
  m.radius = 22 * u;
  m.headerHeight = 132 * u * (largeText ? 1.2f : 1.0f);
  m.buttonHeight = 120 * u * (largeText ? 1.1f : 1.0f);
  m.chipHeight = 96 * u * (largeText ? 1.1f : 1.0f);
  m.keyHeight = 100 * u;
  m.captionPx = std::round(30 * u * t);
  m.bodyPx = std::round(38 * u * t);
  m.buttonPx = std::round(40 * u * t);
  m.titlePx = std::round(62 * u * t);
  m.heroPx = std::round(112 * u * t);
  return m;
}

}  // namespace kiosk::ui
