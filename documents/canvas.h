// Canvas: a drawing surface in millimetres for badges, invitations and test pages.
//
// Wraps one Cairo surface (a PDF of an exact physical size, or an RGB raster at a given
// DPI) and Pango text layout, so that every drawing above it speaks kiosk types. The
// origin is the top-left corner of the page, x to the right, y down, units mm; font
// sizes are points (1/72 in).
//
// Text fitting (drawText): the text shrinks from style.maxPt towards style.minPt on one
// line; below style.wrapBelowPt it may first wrap onto up to style.maxLines lines (at
// the largest size that fits); when that fails even at minPt it may take up to
// style.overflowLines lines; only when nothing fits at minPt is it ellipsized. The ink
// of the drawn text never leaves its box. Glyphs come from fontconfig with the family
// list of the style first (Noto Sans, Noto Sans CJK, Noto Sans Arabic, Noto Color Emoji
// by default), so mixed scripts and emoji fall back per character.
//
// Threads: a Canvas belongs to one thread. Several canvases may be used at the same time
// on different threads: each thread uses its own Pango font map
// (pango_cairo_font_map_get_default is per thread), fontconfig and Cairo are thread-safe
// for separate objects.
// Failures: creation fails with kInvalidInput for a bad size or DPI, kPermanent when
// Cairo cannot create the surface; finishing a PDF file fails when it cannot be written.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "documents/image_codec.h"
#include "documents/qr_code.h"
#include "kiosk/core/result.h"

namespace kiosk::devices {

struct RectMm {
  double x = 0;
  double y = 0;
  double w = 0;
  double h = 0;
  double right() const { return x + w; }
  double bottom() const { return y + h; }
  bool contains(const RectMm& inner, double tolerance = 1e-3) const {
    return inner.x >= x - tolerance && inner.y >= y - tolerance &&
           inner.right() <= right() + tolerance && inner.bottom() <= bottom() + tolerance;
  }
};

struct Rgb {
  double r = 0;
  double g = 0;
  double b = 0;
  bool operator==(const Rgb&) const = default;
};

// "#RRGGBB" or "RRGGBB"; nullopt otherwise.
std::optional<Rgb> parseRgb(std::string_view text);
// Mixes `color` with white: amount 0 = color, 1 = white.
Rgb tint(Rgb color, double amount);

enum class HAlign { kLeft, kCenter, kRight };
enum class VAlign { kTop, kMiddle, kBottom };

// Noto Color Emoji is deliberately not listed: named explicitly, fontconfig hands it the
// digits and '#' too (it has keycap bases), which then print as grey emoji digits. It is
// still found by fallback for real emoji.
inline constexpr const char* kDefaultFontFamilies =
    "Noto Sans, Noto Sans CJK SC, Noto Sans Arabic, sans-serif";

struct TextStyle {
  std::string family = kDefaultFontFamilies;
  bool bold = false;
  double maxPt = 10;
  double minPt = 6;
  double wrapBelowPt = 0;  // may wrap when a single line needs a size below this; 0 = maxPt
  int maxLines = 1;
  int overflowLines = 0;  // last step before ellipsizing; 0 = maxLines
  HAlign halign = HAlign::kLeft;
  VAlign valign = VAlign::kMiddle;
  Rgb color{};
  double letterSpacingPt = 0;
};

// How a text was laid out: the size it got, its lines, and where its ink went.
struct TextFit {
  double sizePt = 0;
  int lines = 0;
  bool wrapped = false;
  bool ellipsized = false;
  int unknownGlyphs = 0;  // glyphs no installed font had (drawn as boxes)
  RectMm ink;             // page coordinates of the drawn ink
  RectMm logical;
  bool fits = true;  // false only when the box cannot hold one line at minPt
};

class Canvas {
 public:
  // A PDF of exactly widthMm x heightMm per page, kept in memory (finishPdf returns it)
  // or written to `path` (finish writes it).
  static Result<Canvas> pdf(double widthMm, double heightMm, std::string path = {});
  // A layer: drawings recorded once to be drawn on many pages of PDF canvases
  // (drawLayer), where the PDF holds them once and each page refers to them. Text and QR
  // codes are drawn as on a PDF canvas; nothing is painted beneath them.
  static Result<Canvas> layer(double widthMm, double heightMm);
  // An opaque raster of round(widthMm / 25.4 * dpi) x round(heightMm / 25.4 * dpi) pixels.
  static Result<Canvas> raster(double widthMm, double heightMm, double dpi);

  Canvas(Canvas&& other) noexcept;
  Canvas& operator=(Canvas&& other) noexcept;
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;
  ~Canvas();

  double widthMm() const;
  double heightMm() const;

  // BCP 47 tag for glyph variants and line breaking of the following texts (default zh-CN).
  void setLanguage(std::string_view bcp47);

  void fillRect(const RectMm& rect, Rgb color);
  void fillRoundedRect(const RectMm& rect, double radiusMm, Rgb color);
  void strokeRect(const RectMm& rect, double lineWidthMm, Rgb color, double radiusMm = 0);
  void strokeLine(double x0, double y0, double x1, double y1, double lineWidthMm, Rgb color,
                  double dashMm = 0);

  // Fits and draws `text` into `box` (see the class comment).
  TextFit drawText(const RectMm& box, std::string_view text, const TextStyle& style);
  // The same fitting without drawing.
  TextFit measureText(const RectMm& box, std::string_view text, const TextStyle& style);

  // Draws the QR code of `text` as the largest square that fits in `box`, centred, with a
  // quiet zone of `quietModules` modules inside the square (white).
  Status drawQr(const RectMm& box, std::string_view text, Rgb dark = {}, int quietModules = 2);
  // The same for a code already encoded: a path of rectangles, or after useQrFont() on a PDF,
  // glyphs of a small font the file holds once (rows of 8 modules), the module side rounded
  // down to whole points and the code placed on whole points, so that each code is a few
  // hundred bytes of text with integer positions.
  void drawQr(const RectMm& box, const QrMatrix& qr, Rgb dark = {}, int quietModules = 2);
  // QR codes as glyphs (above), for documents of thousands of pages printed on office
  // printers (invitations). Badges keep rectangles: a label printer's driver chain
  // rasterises the glyphs at 203 or 300 dpi into codes that no longer scan.
  void useQrFont();
  // Finishes the PDF with its pages, resources and other small objects packed into
  // compressed object streams (PDF 1.5): an invitation page of a large run shrinks by
  // half. Costs a second pass over the finished file (about 0.1 ms a page).
  void useObjectStreams();

  // Draws a JPEG or PNG (detected from the bytes). kCover fills the box and crops the
  // overflow (photos); kContain fits inside and centres (logos). Rounded corners with
  // radiusMm > 0. JPEG bytes are embedded as they are in PDFs.
  enum class Fit { kCover, kContain };
  Status drawImage(const RectMm& box, const std::vector<std::uint8_t>& encoded, Fit fit,
                   double radiusMm = 0);
  Status drawImageFile(const RectMm& box, const std::string& path, Fit fit, double radiusMm = 0);

  // Draws a layer made by Canvas::layer at the page's top-left corner.
  void drawLayer(const Canvas& layer);

  // Ends the current page and starts a new one of the same size (PDF only).
  void newPage();

  // Finishes a PDF: returns its bytes (in-memory canvas) or writes the file (an empty
  // vector then). The canvas is unusable afterwards.
  Result<std::vector<std::uint8_t>> finishPdf();
  // Raster canvases only.
  RgbaImage toRgba() const;
  Status writePng(const std::string& path) const;

 private:
  struct Impl;
  explicit Canvas(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::devices
