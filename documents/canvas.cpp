#include "documents/canvas.h"

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFWriter.hh>
#include <utility>

#include "documents/qr_code.h"

#if defined(__SANITIZE_ADDRESS__)
#define KIOSK_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KIOSK_LSAN 1
#endif
#endif
#ifdef KIOSK_LSAN
#include <sanitizer/lsan_interface.h>
#endif

namespace kiosk::devices {

namespace {

// Cairo 1.16 (Debian 12) leaks one 768-byte array per PDF that embeds a CFF-flavoured
// OpenType font (Noto Sans CJK) inside its font subsetter, during cairo_surface_finish.
// Nothing outside Cairo can free it. In sanitizer builds the allocations made during
// that call are left out of leak checking, so that LeakSanitizer keeps watching
// everything else; a release build simply pays the 768 bytes per badge.
class CairoFinishLeakScope {
 public:
#ifdef KIOSK_LSAN
  CairoFinishLeakScope() {
    __lsan_disable();
  }
  ~CairoFinishLeakScope() {
    __lsan_enable();
  }
#else
  CairoFinishLeakScope() = default;
#endif
  CairoFinishLeakScope(const CairoFinishLeakScope&) = delete;
  CairoFinishLeakScope& operator=(const CairoFinishLeakScope&) = delete;
};

constexpr double kMmPerInch = 25.4;
constexpr double kPointsPerInch = 72.0;
constexpr double kMmPerPoint = kMmPerInch / kPointsPerInch;
constexpr double kFitStepPt = 0.25;
constexpr double kEpsilonMm = 1e-3;

double toMm(int pangoUnits) {
  return static_cast<double>(pangoUnits) / PANGO_SCALE;
}

RectMm toRect(const PangoRectangle& r) {
  return RectMm{toMm(r.x), toMm(r.y), toMm(r.width), toMm(r.height)};
}

void setSource(cairo_t* cr, Rgb c) {
  cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

void roundedRectPath(cairo_t* cr, const RectMm& r, double radius) {
  radius = std::min({radius, r.w / 2, r.h / 2});
  if (radius <= 0) {
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    return;
  }
  const double pi = std::acos(-1.0);
  cairo_new_sub_path(cr);
  cairo_arc(cr, r.right() - radius, r.y + radius, radius, -pi / 2, 0);
  cairo_arc(cr, r.right() - radius, r.bottom() - radius, radius, 0, pi / 2);
  cairo_arc(cr, r.x + radius, r.bottom() - radius, radius, pi / 2, pi);
  cairo_arc(cr, r.x + radius, r.y + radius, radius, pi, 3 * pi / 2);
  cairo_close_path(cr);
}

using SurfacePtr = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;

cairo_status_t appendToVector(void* closure, const unsigned char* data, unsigned int length) {
  auto* bytes = static_cast<std::vector<std::uint8_t>*>(closure);
  bytes->insert(bytes->end(), data, data + length);
  return CAIRO_STATUS_SUCCESS;
}

struct PngReader {
  const std::vector<std::uint8_t>* bytes;
  std::size_t offset = 0;
};

cairo_status_t readFromVector(void* closure, unsigned char* data, unsigned int length) {
  auto* reader = static_cast<PngReader*>(closure);
  if (reader->offset + length > reader->bytes->size()) {
    return CAIRO_STATUS_READ_ERROR;
  }
  std::copy_n(reader->bytes->data() + reader->offset, length, data);
  reader->offset += length;
  return CAIRO_STATUS_SUCCESS;
}

void freeBytes(void* data) {
  delete static_cast<std::vector<std::uint8_t>*>(data);
}

// A cairo image surface for encoded JPEG or PNG bytes. For JPEG the original bytes are
// attached as mime data so that the PDF backend embeds them unchanged (smaller files,
// no second lossy step).
Result<SurfacePtr> loadImage(const std::vector<std::uint8_t>& encoded) {
  switch (sniffImageFormat(encoded)) {
    case ImageFormat::kPng: {
      PngReader reader{&encoded};
      SurfacePtr surface(cairo_image_surface_create_from_png_stream(readFromVector, &reader),
                         &cairo_surface_destroy);
      if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
        return makeError(ErrorKind::kInvalidInput, "cannot decode PNG image");
      }
      return surface;
    }
    case ImageFormat::kJpeg: {
      auto decoded = decodeJpeg(encoded);
      if (!decoded) {
        return decoded.error();
      }
      const RgbaImage& img = *decoded;
      SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, img.width, img.height),
                         &cairo_surface_destroy);
      if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
        return makeError(ErrorKind::kPermanent, "cannot allocate image surface");
      }
      cairo_surface_flush(surface.get());
      unsigned char* data = cairo_image_surface_get_data(surface.get());
      const int stride = cairo_image_surface_get_stride(surface.get());
      for (int y = 0; y < img.height; ++y) {
        auto* row =
            reinterpret_cast<std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
        for (int x = 0; x < img.width; ++x) {
          const std::uint8_t* p = img.at(x, y);
          row[x] = 0xff000000u | std::uint32_t{p[0]} << 16 | std::uint32_t{p[1]} << 8 | p[2];
        }
      }
      cairo_surface_mark_dirty(surface.get());
      auto* copy = new std::vector<std::uint8_t>(encoded);
      cairo_surface_set_mime_data(surface.get(), CAIRO_MIME_TYPE_JPEG, copy->data(), copy->size(),
                                  freeBytes, copy);
      return surface;
    }
    case ImageFormat::kUnknown:
      break;
  }
  return makeError(ErrorKind::kInvalidInput, "image is neither JPEG nor PNG");
}

Result<std::vector<std::uint8_t>> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return makeError(ErrorKind::kNotFound, "cannot open " + path);
  }
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                  std::istreambuf_iterator<char>());
  return bytes;
}

// Whether a Pango font draws colour glyphs (Noto Color Emoji's CBDT bitmaps).
bool isColourFont(PangoFont* font) {
  cairo_scaled_font_t* scaled = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font));
  if (scaled == nullptr || cairo_scaled_font_get_type(scaled) != CAIRO_FONT_TYPE_FT) {
    return false;
  }
  FT_Face face = cairo_ft_scaled_font_lock_face(scaled);
  const bool colour = face != nullptr && FT_HAS_COLOR(face);
  cairo_ft_scaled_font_unlock_face(scaled);
  return colour;
}

// Cairo 1.16 puts colour glyphs into a PDF as bitmaps at about 72 dpi, which prints
// blurred. PDF canvases therefore draw runs of colour glyphs as images rendered at
// kColourGlyphDpi; everything else goes through Pango as text (selectable, searchable,
// ToUnicode-mapped).
constexpr double kColourGlyphDpi = 600;

void showColourRun(cairo_t* cr, PangoGlyphItem* run, double x, double baseline) {
  PangoRectangle ink;
  pango_glyph_string_extents(run->glyphs, run->item->analysis.font, &ink, nullptr);
  if (ink.width <= 0 || ink.height <= 0) {
    return;
  }
  const double scale = kColourGlyphDpi / kMmPerInch;  // pixels per mm
  const double inkX = toMm(ink.x);
  const double inkY = toMm(ink.y);
  const int w = static_cast<int>(std::ceil(toMm(ink.width) * scale)) + 2;
  const int h = static_cast<int>(std::ceil(toMm(ink.height) * scale)) + 2;
  SurfacePtr image(cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h), &cairo_surface_destroy);
  cairo_t* ic = cairo_create(image.get());
  cairo_scale(ic, scale, scale);
  cairo_translate(ic, -inkX + 1 / scale, -inkY + 1 / scale);
  pango_cairo_show_glyph_string(ic, run->item->analysis.font, run->glyphs);
  cairo_destroy(ic);
  cairo_save(cr);
  cairo_translate(cr, x + inkX - 1 / scale, baseline + inkY - 1 / scale);
  cairo_scale(cr, 1 / scale, 1 / scale);
  cairo_set_source_surface(cr, image.get(), 0, 0);
  cairo_paint(cr);
  cairo_restore(cr);
}

// pango_cairo_show_layout, run by run, with colour runs as sharp images.
void showLayoutForPdf(cairo_t* cr, PangoLayout* layout, double x, double y) {
  const char* text = pango_layout_get_text(layout);
  PangoLayoutIter* iter = pango_layout_get_iter(layout);
  do {
    PangoLayoutRun* run = pango_layout_iter_get_run(iter);
    if (run == nullptr) {
      continue;  // the end of a line
    }
    PangoRectangle logical;
    pango_layout_iter_get_run_extents(iter, nullptr, &logical);
    const double runX = x + toMm(logical.x);
    const double baseline = y + toMm(pango_layout_iter_get_baseline(iter));
    if (isColourFont(run->item->analysis.font)) {
      showColourRun(cr, run, runX, baseline);
    } else {
      cairo_move_to(cr, runX, baseline);
      pango_cairo_show_glyph_item(cr, text, run);
    }
  } while (pango_layout_iter_next_run(iter));
  pango_layout_iter_free(iter);
}

// QR codes in a PDF are text in a font of 256 glyphs, one per pattern of kQrGlyphModules
// modules side by side: the PDF defines each glyph once (as vector rectangles, a Type 3
// font) and every code's row is a short string of them. Drawn as one path per code, a code
// cost 5 KB per page, the whole of a 5,000-page document's size budget.
constexpr int kQrGlyphModules = 8;

cairo_status_t renderQrGlyph(cairo_scaled_font_t* /*font*/, unsigned long glyph, cairo_t* cr,
                             cairo_text_extents_t* extents) {
  // Glyph space: one unit is one module (the font size); the row sits on the baseline.
  for (int bit = 0; bit < kQrGlyphModules; ++bit) {
    if ((glyph >> (kQrGlyphModules - 1 - bit) & 1U) != 0) {
      const int start = bit;
      while (bit + 1 < kQrGlyphModules && (glyph >> (kQrGlyphModules - 2 - bit) & 1U) != 0) {
        ++bit;
      }
      cairo_rectangle(cr, start, -1, bit + 1 - start, 1);
    }
  }
  cairo_fill(cr);
  extents->x_bearing = 0;
  extents->y_bearing = -1;
  extents->width = kQrGlyphModules;
  extents->height = 1;
  extents->x_advance = kQrGlyphModules;
  extents->y_advance = 0;
  return CAIRO_STATUS_SUCCESS;
}

// Cairo writes every page as a page object, a resource dictionary and a stream length
// of its own, uncompressed and each with a cross-reference entry: over half of an
// invitation page. qpdf packs those objects into compressed object streams (PDF 1.5)
// and copies the already compressed streams (contents, fonts) as they are.
Result<std::vector<std::uint8_t>> packObjectStreams(const std::vector<std::uint8_t>& pdf) {
  try {
    QPDF in;
    in.setSuppressWarnings(true);  // a problem ends up in the exception below
    in.processMemoryFile("canvas.pdf", reinterpret_cast<const char*>(pdf.data()), pdf.size());
    QPDFWriter out(in);
    out.setOutputMemory();
    out.setObjectStreamMode(qpdf_o_generate);
    out.setDeterministicID(true);
    out.write();
    const auto buffer = out.getBufferSharedPointer();
    const unsigned char* begin = buffer->getBuffer();
    return std::vector<std::uint8_t>(begin, begin + buffer->getSize());
  } catch (const std::exception& e) {
    return makeError(ErrorKind::kPermanent, std::string("packing the PDF: ") + e.what());
  }
}

}  // namespace

std::optional<Rgb> parseRgb(std::string_view text) {
  if (!text.empty() && text.front() == '#') {
    text.remove_prefix(1);
  }
  if (text.size() != 6) {
    return std::nullopt;
  }
  unsigned value = 0;
  for (const char c : text) {
    value <<= 4;
    if (c >= '0' && c <= '9') {
      value |= static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      value |= static_cast<unsigned>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      value |= static_cast<unsigned>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
  }
  return Rgb{static_cast<double>((value >> 16) & 0xff) / 255.0,
             static_cast<double>((value >> 8) & 0xff) / 255.0,
             static_cast<double>(value & 0xff) / 255.0};
}

Rgb tint(Rgb color, double amount) {
  return Rgb{color.r + (1 - color.r) * amount, color.g + (1 - color.g) * amount,
             color.b + (1 - color.b) * amount};
}

struct Canvas::Impl {
  cairo_surface_t* surface = nullptr;
  cairo_t* cr = nullptr;
  PangoContext* pango = nullptr;
  double widthMm = 0;
  double heightMm = 0;
  bool isPdf = false;  // also for layers: they end up in PDFs
  bool isLayer = false;
  bool finished = false;
  std::string path;
  std::vector<std::uint8_t> pdfBytes;
  bool qrAsFont = false;                // useQrFont()
  bool objectStreams = false;           // useObjectStreams()
  cairo_font_face_t* qrFont = nullptr;  // PDF only, made at the first code

  ~Impl() {
    if (qrFont != nullptr) {
      cairo_font_face_destroy(qrFont);
    }
    if (pango != nullptr) {
      g_object_unref(pango);
    }
    if (cr != nullptr) {
      cairo_destroy(cr);
    }
    if (surface != nullptr) {
      // An unfinished PDF surface is finished here (see CairoFinishLeakScope).
      [[maybe_unused]] const CairoFinishLeakScope upstreamLeak;
      cairo_surface_destroy(surface);
    }
  }

  Status init(double scale) {
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
      return makeError(
          ErrorKind::kPermanent,
          std::string("cairo: ") + cairo_status_to_string(cairo_surface_status(surface)));
    }
    cr = cairo_create(surface);
    cairo_scale(cr, scale, scale);
    // The per-thread default font map keeps fontconfig's font sets cached between
    // renders (creating a map per badge costs milliseconds).
    pango = pango_font_map_create_context(pango_cairo_font_map_get_default());
    cairo_font_options_t* options = cairo_font_options_create();
    // Unhinted metrics and unrounded positions: a layout is the same on the PDF, on a
    // 96 dpi preview and on a 300 dpi raster, so what the fitter measured is what prints.
    cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(pango, options);
    cairo_font_options_destroy(options);
    pango_context_set_round_glyph_positions(pango, FALSE);
    // User space is millimetres: at 25.4 "dots" per inch one Pango point is 1/72 in.
    pango_cairo_context_set_resolution(pango, kMmPerInch);
    pango_context_set_language(pango, pango_language_from_string("zh-cn"));
    pango_cairo_update_context(cr, pango);
    if (!isLayer) {
      setSource(cr, Rgb{1, 1, 1});
      cairo_paint(cr);
    }
    return okStatus();
  }

  struct Attempt {
    bool fits = false;
    int lines = 0;
    bool ellipsized = false;
    PangoRectangle ink{};
    PangoRectangle logical{};
  };

  void configure(PangoLayout* layout, const RectMm& box, const TextStyle& style, double sizePt,
                 int lineLimit, bool ellipsize) {
    PangoFontDescription* font = pango_font_description_new();
    pango_font_description_set_family(font, style.family.c_str());
    pango_font_description_set_weight(font, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_size(font, static_cast<int>(std::lround(sizePt * PANGO_SCALE)));
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    pango_layout_set_width(layout, static_cast<int>(std::floor(box.w * PANGO_SCALE)));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_ellipsize(layout, ellipsize ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
    pango_layout_set_height(layout, ellipsize ? -lineLimit : -1);
    switch (style.halign) {
      case HAlign::kLeft:
        pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT);
        break;
      case HAlign::kCenter:
        pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER);
        break;
      case HAlign::kRight:
        pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT);
        break;
    }
  }

  static Attempt evaluate(PangoLayout* layout, const RectMm& box, int lineLimit) {
    Attempt a;
    pango_layout_get_extents(layout, &a.ink, &a.logical);
    a.lines = pango_layout_get_line_count(layout);
    a.ellipsized = pango_layout_is_ellipsized(layout) != 0;
    const double w = box.w + kEpsilonMm;
    const double h = box.h + kEpsilonMm;
    a.fits = a.lines <= lineLimit && toMm(a.logical.width) <= w && toMm(a.logical.height) <= h &&
             toMm(a.ink.width) <= w && toMm(a.ink.height) <= h;
    return a;
  }

  // Largest size in [lowPt, highPt] (on the kFitStepPt grid from lowPt) that fits, by
  // bisection: fitting is monotonic in the size for a fixed line limit.
  std::optional<double> largestFitting(PangoLayout* layout, const RectMm& box,
                                       const TextStyle& style, double lowPt, double highPt,
                                       int lineLimit) {
    if (highPt < lowPt) {
      return std::nullopt;
    }
    const int steps = static_cast<int>(std::floor((highPt - lowPt) / kFitStepPt + 1e-9));
    auto sizeAt = [&](int i) { return i == steps ? highPt : lowPt + i * kFitStepPt; };
    auto fitsAt = [&](int i) {
      configure(layout, box, style, sizeAt(i), lineLimit, false);
      return evaluate(layout, box, lineLimit).fits;
    };
    if (fitsAt(steps)) {
      return highPt;
    }
    if (!fitsAt(0)) {
      return std::nullopt;
    }
    int good = 0;
    int bad = steps;
    while (bad - good > 1) {
      const int mid = (good + bad) / 2;
      (fitsAt(mid) ? good : bad) = mid;
    }
    return sizeAt(good);
  }

  TextFit layoutText(PangoLayout* layout, const RectMm& box, std::string_view text,
                     const TextStyle& style, double& originX, double& originY) {
    pango_layout_set_text(layout, text.data(), static_cast<int>(text.size()));
    if (style.letterSpacingPt != 0) {
      PangoAttrList* attrs = pango_attr_list_new();
      pango_attr_list_insert(attrs, pango_attr_letter_spacing_new(static_cast<int>(std::lround(
                                        style.letterSpacingPt * kMmPerPoint * PANGO_SCALE))));
      pango_layout_set_attributes(layout, attrs);
      pango_attr_list_unref(attrs);
    }
    const double maxPt = std::max(style.maxPt, style.minPt);
    const double minPt = std::min(style.minPt, style.maxPt);
    const double wrapBelow =
        style.wrapBelowPt > 0 ? std::clamp(style.wrapBelowPt, minPt, maxPt) : maxPt;
    const int maxLines = std::max(1, style.maxLines);

    TextFit fit;
    int lineLimit = 1;
    bool ellipsize = false;
    std::optional<double> size;
    if (maxLines == 1) {
      size = largestFitting(layout, box, style, minPt, maxPt, 1);
    } else {
      // One line down to the wrap threshold; then up to maxLines lines at the largest
      // size that fits (which may be above the threshold: a long name on two large lines
      // reads better than one small line).
      size = largestFitting(layout, box, style, wrapBelow, maxPt, 1);
      if (!size) {
        lineLimit = maxLines;
        size = largestFitting(layout, box, style, minPt, maxPt, maxLines);
      }
    }
    const int overflowLines = std::max(maxLines, style.overflowLines);
    if (!size && overflowLines > maxLines) {
      lineLimit = overflowLines;
      size = largestFitting(layout, box, style, minPt, maxPt, overflowLines);
    }
    if (!size) {
      // Last resort: the smallest size, ellipsized after as many lines as the box holds.
      size = minPt;
      ellipsize = true;
      lineLimit = overflowLines;
    }
    configure(layout, box, style, *size, lineLimit, ellipsize);
    Attempt a = evaluate(layout, box, lineLimit);
    while (ellipsize && !a.fits && lineLimit > 1) {
      --lineLimit;
      configure(layout, box, style, *size, lineLimit, true);
      a = evaluate(layout, box, lineLimit);
    }
    fit.sizePt = *size;
    fit.lines = a.lines;
    fit.wrapped = a.lines > 1;
    fit.ellipsized = a.ellipsized;
    fit.fits = a.fits;
    fit.unknownGlyphs = pango_layout_get_unknown_glyphs_count(layout);

    // Place by the logical box (stable baselines across texts), then nudge so that the
    // ink stays inside when it fits at all (Arabic marks and emoji can poke out).
    const RectMm logical = toRect(a.logical);
    const RectMm ink = toRect(a.ink);
    originX = box.x;
    switch (style.valign) {
      case VAlign::kTop:
        originY = box.y - logical.y;
        break;
      case VAlign::kMiddle:
        originY = box.y + (box.h - logical.h) / 2 - logical.y;
        break;
      case VAlign::kBottom:
        originY = box.bottom() - logical.h - logical.y;
        break;
    }
    if (ink.w > 0 && ink.w <= box.w) {
      originX += std::max(0.0, box.x - (originX + ink.x));
      originX -= std::max(0.0, originX + ink.right() - box.right());
    }
    if (ink.h > 0 && ink.h <= box.h) {
      originY += std::max(0.0, box.y - (originY + ink.y));
      originY -= std::max(0.0, originY + ink.bottom() - box.bottom());
    }
    fit.ink = RectMm{originX + ink.x, originY + ink.y, ink.w, ink.h};
    fit.logical = RectMm{originX + logical.x, originY + logical.y, logical.w, logical.h};
    return fit;
  }
};

Canvas::Canvas(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Canvas::Canvas(Canvas&& other) noexcept = default;
Canvas& Canvas::operator=(Canvas&& other) noexcept = default;
Canvas::~Canvas() = default;

Result<Canvas> Canvas::pdf(double widthMm, double heightMm, std::string path) {
  if (!(widthMm > 0 && heightMm > 0 && widthMm < 10000 && heightMm < 10000)) {
    return makeError(ErrorKind::kInvalidInput, "bad page size");
  }
  auto impl = std::make_unique<Impl>();
  impl->widthMm = widthMm;
  impl->heightMm = heightMm;
  impl->isPdf = true;
  impl->path = std::move(path);
  // Always into memory: the file is written whole at the end (no half-written PDF for a
  // printer queue to pick up, and write errors surface as a Status).
  impl->surface = cairo_pdf_surface_create_for_stream(
      appendToVector, &impl->pdfBytes, widthMm / kMmPerPoint, heightMm / kMmPerPoint);
  if (auto status = impl->init(1.0 / kMmPerPoint); !status) {
    return status.error();
  }
  cairo_pdf_surface_set_metadata(impl->surface, CAIRO_PDF_METADATA_CREATOR, "lobby kiosk");
  cairo_surface_set_fallback_resolution(impl->surface, 300, 300);
  return Canvas(std::move(impl));
}

Result<Canvas> Canvas::layer(double widthMm, double heightMm) {
  if (!(widthMm > 0 && heightMm > 0 && widthMm < 10000 && heightMm < 10000)) {
    return makeError(ErrorKind::kInvalidInput, "bad page size");
  }
  auto impl = std::make_unique<Impl>();
  impl->widthMm = widthMm;
  impl->heightMm = heightMm;
  impl->isPdf = true;
  impl->isLayer = true;
  const cairo_rectangle_t extents{0, 0, widthMm / kMmPerPoint, heightMm / kMmPerPoint};
  impl->surface = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents);
  if (auto status = impl->init(1.0 / kMmPerPoint); !status) {
    return status.error();
  }
  return Canvas(std::move(impl));
}

Result<Canvas> Canvas::raster(double widthMm, double heightMm, double dpi) {
  if (!(widthMm > 0 && heightMm > 0 && dpi >= 10 && dpi <= 2400)) {
    return makeError(ErrorKind::kInvalidInput, "bad raster size or DPI");
  }
  const double scale = dpi / kMmPerInch;
  const int w = static_cast<int>(std::lround(widthMm * scale));
  const int h = static_cast<int>(std::lround(heightMm * scale));
  if (static_cast<long long>(w) * h > 100'000'000LL) {
    return makeError(ErrorKind::kInvalidInput, "raster too large");
  }
  auto impl = std::make_unique<Impl>();
  impl->widthMm = widthMm;
  impl->heightMm = heightMm;
  impl->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  if (auto status = impl->init(scale); !status) {
    return status.error();
  }
  return Canvas(std::move(impl));
}

double Canvas::widthMm() const {
  return impl_->widthMm;
}
double Canvas::heightMm() const {
  return impl_->heightMm;
}

void Canvas::setLanguage(std::string_view bcp47) {
  const std::string tag = bcp47.empty() ? std::string("zh-cn") : std::string(bcp47);
  pango_context_set_language(impl_->pango, pango_language_from_string(tag.c_str()));
}

void Canvas::fillRect(const RectMm& rect, Rgb color) {
  setSource(impl_->cr, color);
  cairo_rectangle(impl_->cr, rect.x, rect.y, rect.w, rect.h);
  cairo_fill(impl_->cr);
}

void Canvas::fillRoundedRect(const RectMm& rect, double radiusMm, Rgb color) {
  setSource(impl_->cr, color);
  roundedRectPath(impl_->cr, rect, radiusMm);
  cairo_fill(impl_->cr);
}

void Canvas::strokeRect(const RectMm& rect, double lineWidthMm, Rgb color, double radiusMm) {
  cairo_t* cr = impl_->cr;
  setSource(cr, color);
  cairo_set_line_width(cr, lineWidthMm);
  // Inset by half the line so that the stroke stays inside the rectangle.
  const double half = lineWidthMm / 2;
  roundedRectPath(cr,
                  RectMm{rect.x + half, rect.y + half, rect.w - lineWidthMm, rect.h - lineWidthMm},
                  radiusMm);
  cairo_stroke(cr);
}

void Canvas::strokeLine(double x0, double y0, double x1, double y1, double lineWidthMm, Rgb color,
                        double dashMm) {
  cairo_t* cr = impl_->cr;
  cairo_save(cr);
  setSource(cr, color);
  cairo_set_line_width(cr, lineWidthMm);
  if (dashMm > 0) {
    cairo_set_dash(cr, &dashMm, 1, 0);
  }
  cairo_move_to(cr, x0, y0);
  cairo_line_to(cr, x1, y1);
  cairo_stroke(cr);
  cairo_restore(cr);
}

TextFit Canvas::measureText(const RectMm& box, std::string_view text, const TextStyle& style) {
  PangoLayout* layout = pango_layout_new(impl_->pango);
  double x = 0;
  double y = 0;
  TextFit fit = impl_->layoutText(layout, box, text, style, x, y);
  g_object_unref(layout);
  return fit;
}

TextFit Canvas::drawText(const RectMm& box, std::string_view text, const TextStyle& style) {
  if (text.empty() || box.w <= 0 || box.h <= 0) {
    return TextFit{};
  }
  cairo_t* cr = impl_->cr;
  PangoLayout* layout = pango_layout_new(impl_->pango);
  double x = 0;
  double y = 0;
  const TextFit fit = impl_->layoutText(layout, box, text, style, x, y);
  cairo_save(cr);
  // A safety net for the one case the fitter cannot solve (a box lower than one line
  // at the minimum size): text is cut at the box rather than drawn over its neighbours.
  cairo_rectangle(cr, box.x, box.y, box.w, box.h);
  cairo_clip(cr);
  setSource(cr, style.color);
  if (impl_->isPdf) {
    showLayoutForPdf(cr, layout, x, y);
  } else {
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, layout);
  }
  cairo_restore(cr);
  g_object_unref(layout);
  return fit;
}

Status Canvas::drawQr(const RectMm& box, std::string_view text, Rgb dark, int quietModules) {
  auto qr = encodeQr(text, QrErrorCorrection::kMedium);
  if (!qr) {
    return qr.error();
  }
  drawQr(box, *qr, dark, quietModules);
  return okStatus();
}

void Canvas::useQrFont() {
  impl_->qrAsFont = true;
}

void Canvas::useObjectStreams() {
  impl_->objectStreams = true;
}

void Canvas::drawQr(const RectMm& box, const QrMatrix& qr, Rgb dark, int quietModules) {
  const double side = std::min(box.w, box.h);
  const int modules = qr.size + 2 * quietModules;
  double module = side / modules;
  double left = box.x + (box.w - side) / 2;
  double top = box.y + (box.h - side) / 2;
  cairo_t* cr = impl_->cr;
  const bool asFont = impl_->isPdf && impl_->qrAsFont;
  if (asFont && module > kMmPerPoint) {
    // Whole points: still centred in the box, at most one point per module smaller.
    const double points = std::floor(module / kMmPerPoint);
    const double snappedSide = points * modules * kMmPerPoint;
    double x = left + (side - snappedSide) / 2;
    double y = top + (side - snappedSide) / 2;
    cairo_user_to_device(cr, &x, &y);
    x = std::round(x);
    y = std::round(y);
    cairo_device_to_user(cr, &x, &y);
    module = points * kMmPerPoint;
    left = x;
    top = y;
  }
  const double x0 = left + quietModules * module;
  const double y0 = top + quietModules * module;
  cairo_save(cr);
  setSource(cr, Rgb{1, 1, 1});
  cairo_rectangle(cr, box.x + (box.w - side) / 2, box.y + (box.h - side) / 2, side, side);
  cairo_fill(cr);
  if (asFont) {
    if (impl_->qrFont == nullptr) {
      impl_->qrFont = cairo_user_font_face_create();
      cairo_user_font_face_set_render_glyph_func(impl_->qrFont, renderQrGlyph);
    }
    cairo_set_font_face(cr, impl_->qrFont);
    cairo_set_font_size(cr, module);
    std::vector<cairo_glyph_t> glyphs;
    for (int y = 0; y < qr.size; ++y) {
      for (int x = 0; x < qr.size; x += kQrGlyphModules) {
        unsigned long pattern = 0;
        for (int bit = 0; bit < kQrGlyphModules; ++bit) {
          pattern = pattern << 1U | (x + bit < qr.size && qr.isDark(x + bit, y) ? 1U : 0U);
        }
        if (pattern != 0) {
          glyphs.push_back(cairo_glyph_t{pattern, x0 + x * module, y0 + (y + 1) * module});
        }
      }
    }
    setSource(cr, dark);
    cairo_show_glyphs(cr, glyphs.data(), static_cast<int>(glyphs.size()));
    cairo_restore(cr);
    return;
  }
  // One path with a rectangle per horizontal run of dark modules, filled once: no
  // hairline seams between modules when rasterised.
  cairo_new_path(cr);
  for (int y = 0; y < qr.size; ++y) {
    int x = 0;
    while (x < qr.size) {
      if (!qr.isDark(x, y)) {
        ++x;
        continue;
      }
      const int start = x;
      while (x < qr.size && qr.isDark(x, y)) {
        ++x;
      }
      cairo_rectangle(cr, x0 + start * module, y0 + y * module, (x - start) * module, module);
    }
  }
  setSource(cr, dark);
  cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
  cairo_fill(cr);
  cairo_restore(cr);
}

Status Canvas::drawImage(const RectMm& box, const std::vector<std::uint8_t>& encoded, Fit fit,
                         double radiusMm) {
  auto image = loadImage(encoded);
  if (!image) {
    return image.error();
  }
  cairo_surface_t* surface = image->get();
  const double iw = cairo_image_surface_get_width(surface);
  const double ih = cairo_image_surface_get_height(surface);
  if (iw <= 0 || ih <= 0) {
    return makeError(ErrorKind::kInvalidInput, "empty image");
  }
  const double scale =
      fit == Fit::kCover ? std::max(box.w / iw, box.h / ih) : std::min(box.w / iw, box.h / ih);
  cairo_t* cr = impl_->cr;
  cairo_save(cr);
  roundedRectPath(cr, box, radiusMm);
  cairo_clip(cr);
  cairo_translate(cr, box.x + (box.w - iw * scale) / 2, box.y + (box.h - ih * scale) / 2);
  cairo_scale(cr, scale, scale);
  cairo_set_source_surface(cr, surface, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
  cairo_paint(cr);
  cairo_restore(cr);
  return okStatus();
}

Status Canvas::drawImageFile(const RectMm& box, const std::string& path, Fit fit, double radiusMm) {
  auto bytes = readFile(path);
  if (!bytes) {
    return bytes.error();
  }
  return drawImage(box, *bytes, fit, radiusMm);
}

void Canvas::drawLayer(const Canvas& layer) {
  cairo_t* cr = impl_->cr;
  // No cairo_surface_flush here: it makes the PDF backend write the layer again.
  cairo_save(cr);
  // The layer was recorded in points, like a PDF page's device space.
  cairo_identity_matrix(cr);
  cairo_set_source_surface(cr, layer.impl_->surface, 0, 0);
  cairo_paint(cr);
  cairo_restore(cr);
}

void Canvas::newPage() {
  if (impl_->isPdf && !impl_->isLayer) {
    cairo_show_page(impl_->cr);
    setSource(impl_->cr, Rgb{1, 1, 1});
    cairo_paint(impl_->cr);
  }
}

Result<std::vector<std::uint8_t>> Canvas::finishPdf() {
  if (!impl_->isPdf || impl_->isLayer || impl_->finished) {
    return makeError(ErrorKind::kInvalidInput, "not an unfinished PDF canvas");
  }
  impl_->finished = true;
  cairo_destroy(impl_->cr);
  impl_->cr = nullptr;
  {
    [[maybe_unused]] const CairoFinishLeakScope upstreamLeak;
    cairo_surface_finish(impl_->surface);
  }
  if (cairo_surface_status(impl_->surface) != CAIRO_STATUS_SUCCESS) {
    return makeError(
        ErrorKind::kPermanent,
        std::string("cairo: ") + cairo_status_to_string(cairo_surface_status(impl_->surface)));
  }
  std::vector<std::uint8_t> bytes = std::move(impl_->pdfBytes);
  if (impl_->objectStreams) {
    auto packed = packObjectStreams(bytes);
    if (!packed) {
      return packed.error();
    }
    bytes = std::move(*packed);
  }
  if (impl_->path.empty()) {
    return bytes;
  }
  // Write beside the target and rename: readers (a print queue, a file watcher) see the
  // whole file or none.
  const std::string temp = impl_->path + ".part";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
      return makeError(ErrorKind::kPermanent, "cannot write " + impl_->path);
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, impl_->path, ec);
  if (ec) {
    std::filesystem::remove(temp, ec);
    return makeError(ErrorKind::kPermanent, "cannot write " + impl_->path);
  }
  return std::vector<std::uint8_t>{};
}

RgbaImage Canvas::toRgba() const {
  RgbaImage image;
  if (impl_->isPdf) {
    return image;
  }
  cairo_surface_t* surface = impl_->surface;
  cairo_surface_flush(surface);
  image.width = cairo_image_surface_get_width(surface);
  image.height = cairo_image_surface_get_height(surface);
  image.pixels.resize(static_cast<std::size_t>(image.width) *
                      static_cast<std::size_t>(image.height) * 4);
  const unsigned char* data = cairo_image_surface_get_data(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  for (int y = 0; y < image.height; ++y) {
    const auto* row =
        reinterpret_cast<const std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
    for (int x = 0; x < image.width; ++x) {
      // RGB24 is xRGB in a native-endian word and always opaque.
      const std::uint32_t p = row[x];
      std::uint8_t* out = image.at(x, y);
      out[0] = static_cast<std::uint8_t>(p >> 16);
      out[1] = static_cast<std::uint8_t>(p >> 8);
      out[2] = static_cast<std::uint8_t>(p);
      out[3] = 255;
    }
  }
  return image;
}

Status Canvas::writePng(const std::string& path) const {
  if (impl_->isPdf) {
    return makeError(ErrorKind::kInvalidInput, "writePng needs a raster canvas");
  }
  cairo_surface_flush(impl_->surface);
  if (cairo_surface_write_to_png(impl_->surface, path.c_str()) != CAIRO_STATUS_SUCCESS) {
    return makeError(ErrorKind::kPermanent, "cannot write " + path);
  }
  return okStatus();
}

}  // namespace kiosk::devices
