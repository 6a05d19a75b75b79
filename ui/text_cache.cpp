#include "ui/text_cache.h"

#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace kiosk::ui {

namespace {

constexpr std::uint64_t kKeepFrames = 60;

std::string lowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

// The families for text in `language` (BCP 47; empty = zh-CN). A Han character has a
// different shape in Japan, Korea, Taiwan and mainland China (直, 骨, 角), and a family
// named here outranks the language in fontconfig's choice, so the CJK face must be the
// language's own: naming the SC face for everyone drew Japanese with Chinese shapes.
// Noto Color Emoji is found by fallback only: listed, fontconfig would hand it the
// digits too (it has keycap bases).
std::string familiesFor(std::string_view language) {
  const std::string tag = lowerAscii(language);
  const auto is = [&](std::string_view prefix) {
    return tag.rfind(prefix, 0) == 0 &&
           (tag.size() == prefix.size() || tag[prefix.size()] == '-' || tag[prefix.size()] == '_');
  };
  const char* cjk = "Noto Sans CJK SC";
  if (is("ja")) {
    cjk = "Noto Sans CJK JP";
  } else if (is("ko")) {
    cjk = "Noto Sans CJK KR";
  } else if (is("zh-hk") || is("zh-mo") || is("yue")) {
    cjk = "Noto Sans CJK HK";
  } else if (is("zh-tw") || is("zh-hant")) {
    cjk = "Noto Sans CJK TC";
  }
  return std::string("Noto Sans, ") + cjk + ", Noto Sans Arabic, sans-serif";
}

struct GObjectDeleter {
  void operator()(gpointer p) const {
    if (p != nullptr) {
      g_object_unref(p);
    }
  }
};

PangoContext* newContext() {
  PangoFontMap* map = pango_cairo_font_map_get_default();  // per thread, owned by Pango
  PangoContext* context = pango_font_map_create_context(map);
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_SLIGHT);
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options(context, options);
  cairo_font_options_destroy(options);
  return context;
}

using LayoutPtr = std::unique_ptr<PangoLayout, GObjectDeleter>;

LayoutPtr layOut(PangoContext* context, std::string_view text, const TextStyle& style) {
  const std::string language = style.language.empty() ? "zh-cn" : lowerAscii(style.language);
  // The context's language too: fontconfig's fallback for characters the listed
  // families lack follows it.
  pango_context_set_language(context, pango_language_from_string(language.c_str()));
  LayoutPtr layout(pango_layout_new(context));
  pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));

  PangoFontDescription* desc = pango_font_description_from_string(familiesFor(language).c_str());
  pango_font_description_set_absolute_size(desc, static_cast<double>(style.px) * PANGO_SCALE);
  pango_font_description_set_weight(desc, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description(layout.get(), desc);
  pango_font_description_free(desc);

  PangoAttrList* attrs = pango_attr_list_new();
  pango_attr_list_insert(attrs,
                         pango_attr_language_new(pango_language_from_string(language.c_str())));
  if (style.lineHeight > 0) {
    // Catalog text keeps the rhythm of the screens' layout: Noto Sans Arabic's own line
    // is half again as tall as the CJK face's.
    pango_attr_list_insert(attrs, pango_attr_line_height_new_absolute(
                                      static_cast<int>(style.lineHeight * PANGO_SCALE)));
  }
  pango_layout_set_attributes(layout.get(), attrs);
  pango_attr_list_unref(attrs);

  if (style.maxWidth > 0) {
    pango_layout_set_width(layout.get(), static_cast<int>(style.maxWidth * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_ellipsize(layout.get(), PANGO_ELLIPSIZE_END);
    pango_layout_set_height(layout.get(), -std::max(1, style.maxLines));
  } else {
    pango_layout_set_single_paragraph_mode(layout.get(), TRUE);
  }
  // Pango flips left and right for a right-to-left paragraph (its base direction comes
  // from its first strong letter); style.align is where the lines go on the glass.
  const PangoLayoutLine* first = pango_layout_get_line_readonly(layout.get(), 0);
  const bool rtl = first != nullptr && first->resolved_dir == PANGO_DIRECTION_RTL;
  switch (style.align) {
    case Align::kLeft:
      pango_layout_set_alignment(layout.get(), rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
      break;
    case Align::kCenter:
      pango_layout_set_alignment(layout.get(), PANGO_ALIGN_CENTER);
      break;
    case Align::kRight:
      pango_layout_set_alignment(layout.get(), rtl ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT);
      break;
  }
  return layout;
}

TextBitmap renderWith(PangoContext* context, std::string_view text, const TextStyle& style) {
  TextBitmap out;
  if (text.empty()) {
    return out;
  }
  const LayoutPtr layout = layOut(context, text, style);

  out.unknownGlyphs = pango_layout_get_unknown_glyphs_count(layout.get());
  out.lines = pango_layout_get_line_count(layout.get());
  out.ellipsized = pango_layout_is_ellipsized(layout.get()) != 0;

  PangoRectangle ink{};
  PangoRectangle logical{};
  pango_layout_get_pixel_extents(layout.get(), &ink, &logical);
  // A little room around the logical box for ink that overhangs it (italics, emoji).
  const int pad = static_cast<int>(std::ceil(style.px * 0.08f)) + 1;
  out.width = std::max(1, logical.width + 2 * pad);
  out.height = std::max(1, logical.height + 2 * pad);
  out.baseline = static_cast<float>(pango_layout_get_baseline(layout.get())) / PANGO_SCALE -
                 static_cast<float>(logical.y) + static_cast<float>(pad);

  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, out.width, out.height);
  if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(surface);
    return TextBitmap{};
  }
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgba(cr, style.color.r, style.color.g, style.color.b, style.color.a);
  cairo_move_to(cr, pad - logical.x, pad - logical.y);
  pango_cairo_show_layout(cr, layout.get());
  cairo_destroy(cr);
  cairo_surface_flush(surface);

  // Cairo keeps premultiplied ARGB in native byte order; GL wants straight RGBA bytes.
  const unsigned char* data = cairo_image_surface_get_data(surface);
  const int stride = cairo_image_surface_get_stride(surface);
  out.rgba.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height) * 4);
  for (int y = 0; y < out.height; ++y) {
    const unsigned char* row = data + static_cast<std::ptrdiff_t>(y) * stride;
    std::uint8_t* dst =
        out.rgba.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(out.width) * 4;
    for (int x = 0; x < out.width; ++x) {
      std::uint32_t v = 0;
      std::memcpy(&v, row + static_cast<std::ptrdiff_t>(x) * 4, 4);
      const std::uint32_t a = v >> 24;
      std::uint32_t r = (v >> 16) & 0xFFu;
      std::uint32_t g = (v >> 8) & 0xFFu;
      std::uint32_t b = v & 0xFFu;
      if (a != 0 && a != 255) {
        r = std::min(255u, (r * 255 + a / 2) / a);
        g = std::min(255u, (g * 255 + a / 2) / a);
        b = std::min(255u, (b * 255 + a / 2) / a);
      }
      dst[x * 4 + 0] = static_cast<std::uint8_t>(r);
      dst[x * 4 + 1] = static_cast<std::uint8_t>(g);
      dst[x * 4 + 2] = static_cast<std::uint8_t>(b);
      dst[x * 4 + 3] = static_cast<std::uint8_t>(a);
    }
  }
  cairo_surface_destroy(surface);
  return out;
}

std::string cacheKey(std::string_view text, const TextStyle& s) {
  std::string key;
  key.reserve(text.size() + 64);
  key += std::to_string(static_cast<int>(s.px * 4));
  key += s.bold ? 'b' : 'r';
  key += std::to_string(packColor(s.color));
  key += '/';
  key += std::to_string(static_cast<int>(s.maxWidth));
  key += '/';
  key += std::to_string(s.maxLines);
  key += static_cast<char>('0' + static_cast<int>(s.align));
  key += s.language;
  key += '/';
  key += std::to_string(static_cast<int>(s.lineHeight * 4));
  key += '\x1f';
  key += text;
  return key;
}

}  // namespace

TextBitmap renderText(std::string_view text, const TextStyle& style) {
  std::unique_ptr<PangoContext, GObjectDeleter> context(newContext());
  return renderWith(context.get(), text, style);
}

std::vector<std::string> fontFamilies(std::string_view text, const TextStyle& style) {
  std::vector<std::string> out;
  if (text.empty()) {
    return out;
  }
  std::unique_ptr<PangoContext, GObjectDeleter> context(newContext());
  const LayoutPtr layout = layOut(context.get(), text, style);
  PangoLayoutIter* iter = pango_layout_get_iter(layout.get());
  do {
    PangoLayoutRun* run = pango_layout_iter_get_run_readonly(iter);
    if (run == nullptr) {
      continue;
    }
    PangoFontDescription* desc = pango_font_describe(run->item->analysis.font);
    const char* family = pango_font_description_get_family(desc);
    std::string name = family != nullptr ? family : "";
    pango_font_description_free(desc);
    if (std::find(out.begin(), out.end(), name) == out.end()) {
      out.push_back(std::move(name));
    }
  } while (pango_layout_iter_next_run(iter));
  pango_layout_iter_free(iter);
  return out;
}

struct TextCache::PangoState {
  std::unique_ptr<PangoContext, GObjectDeleter> context{newContext()};
};

TextCache::TextCache() : pango_(std::make_unique<PangoState>()) {}

TextCache::~TextCache() = default;

const TextTexture& TextCache::get(std::string_view text, const TextStyle& style) {
  auto key = cacheKey(text, style);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    TextBitmap bitmap = renderWith(pango_->context.get(), text, style);
    Entry entry;
    entry.texture.upload(bitmap.width, bitmap.height, Texture::Format::kRgba, bitmap.rgba);
    entry.info = TextTexture{entry.texture.id(), bitmap.width,         bitmap.height,  bitmap.lines,
                             bitmap.ellipsized,  bitmap.unknownGlyphs, bitmap.baseline};
    ++renderedTotal_;
    it = entries_.emplace(std::move(key), std::move(entry)).first;
  }
  it->second.lastUsed = frame_;
  return it->second.info;
}

void TextCache::endFrame() {
  ++frame_;
  if (frame_ % 15 != 0) {
    return;
  }
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (frame_ - it->second.lastUsed > kKeepFrames) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

void TextCache::clear() {
  entries_.clear();
}

}  // namespace kiosk::ui
