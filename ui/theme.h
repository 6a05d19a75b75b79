// Colours of the terminal: a calm standard palette and a high-contrast one, the WCAG
// contrast arithmetic that keeps every text/background pair readable, and the sizes
// that scale with the screen.
//
// Pure values and functions; any thread. Applying a palette to ImGui's style happens in
// the window code (ImGui stays out of this header).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kiosk::ui {

// sRGB, 0..1 per channel.
struct Color {
  float r = 0;
  float g = 0;
  float b = 0;
  float a = 1;
  bool operator==(const Color&) const = default;
  Color withAlpha(float alpha) const { return Color{r, g, b, alpha}; }
};

// 0xRRGGBB.
Color hex(std::uint32_t rgb, float alpha = 1);
// Packed as ImGui's IM_COL32 (ABGR in memory order).
std::uint32_t packColor(Color c);

// WCAG 2.x relative luminance and contrast ratio (1..21). Alpha is ignored: every text
// colour of a palette is opaque.
double relativeLuminance(Color c);
double contrastRatio(Color foreground, Color background);

struct Palette {
  std::string name;
  Color background;     // the page
  Color surface;        // cards
  Color surfaceAlt;     // quiet panels, inactive chips, keyboard base
  Color border;         // hairlines (decoration, not text)
  Color controlBorder;  // the edge of chips, keys, fields and outlined buttons
  Color text;           // body text on background and surface
  Color textMuted;      // secondary text on background and surface
  Color brand;          // header band
  Color onBrand;        // text on the header band
  Color onBrandMuted;   // secondary text on the header band
  Color primary;        // the one obvious action
  Color onPrimary;
  Color primaryPressed;
  Color secondary;  // other actions
  Color onSecondary;
  Color selected;  // a chosen chip or tab
  Color onSelected;
  Color successSoft;  // "you're checked in" panels
  Color onSuccessSoft;
  Color success;      // check marks, accents
  Color warningSoft;  // printer trouble, idle countdown
  Color onWarningSoft;
  Color dangerSoft;  // refusals
  Color onDangerSoft;
  Color danger;     // refusal icon
  Color staffBand;  // header band in staff mode
  Color onStaffBand;
  Color key;  // on-screen keyboard keys
  Color onKey;
  Color previewFrame;  // camera guide corners
  Color scrim;         // behind overlays
  bool highContrast = false;
};

const Palette& standardPalette();
const Palette& highContrastPalette();
std::vector<const Palette*> allPalettes();

// Every text colour of the palette with each background it is drawn on; the contrast
// test and the palette's own comments rely on this list being complete.
struct TextPair {
  std::string what;
  Color foreground;
  Color background;
};
std::vector<TextPair> textPairs(const Palette& palette);

// The looks of the controls. `stroke` is the control's drawn edge (alpha 0 = none: the
// fill is the edge). WCAG 1.4.11 asks 3:1 between the edge and what the control sits
// on; the contrast test walks every kind on every ground below.
enum class ButtonKind { kPrimary, kSecondary, kQuiet, kChip, kChipSelected, kKey, kOnBrand };
struct ControlLook {
  Color fill;
  Color label;
  Color stroke;
};
ControlLook buttonLook(const Palette& palette, ButtonKind kind, bool pressed);
ControlLook fieldLook(const Palette& palette, bool focused);
// What `top` looks like drawn over `ground` (alpha blending in sRGB, as the GPU does).
Color over(Color top, Color ground);
// The colour that separates a control from `ground`: its stroke, else its fill.
Color boundaryOn(const ControlLook& look, Color ground);

// Sizes in pixels for a screen, from a unit that is 1 on a 1080-pixel short side.
struct Metrics {
  float unit = 1;
  float pxPerMm = 4;  // from the panel's size: 15 mm is a finger's touch target
  float margin = 48;
  float gap = 24;
  float radius = 20;
  float headerHeight = 132;
  float buttonHeight = 120;  // well above 48 dp on every supported screen
  float chipHeight = 96;
  float keyHeight = 104;
  float captionPx = 30;
  float bodyPx = 38;
  float buttonPx = 40;
  float titlePx = 64;
  float heroPx = 112;
};

// The smallest touch target: a fingertip with some margin for a hurried or unsteady hand.
constexpr float kMinTouchMm = 15;
constexpr float kDefaultDiagonalInches = 21.5f;

// `largeText` scales the type (and the controls that hold it) by a quarter;
// `diagonalInches` is the panel's visible diagonal (pixels are square).
Metrics metricsFor(int width, int height, bool largeText,
                   float diagonalInches = kDefaultDiagonalInches);

}  // namespace kiosk::ui
