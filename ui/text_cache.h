// Roster text (guest names, companies, hotels, places, anything typed) rendered with
// Pango into textures that ImGui draws as images.
//
// Why: Debian's ImGui has 16-bit ImWchar and no shaping, so 𠮷 (U+20BB7) cannot be
// drawn through its fonts and Arabic would come out unjoined and reversed. Pango shapes
// every script, picks glyphs per character through fontconfig (Noto Sans, Noto Sans CJK,
// Noto Sans Arabic, Noto Color Emoji) and lays out bidi text.
//
// renderText() is pure (any thread; each call builds its own Pango context). TextCache
// is UI-thread only (it owns GL textures): one texture per (text, style), kept while it
// is drawn and released a second after it was last drawn, or at once by clear() when a
// guest's journey ends (privacy). Failures: a text that cannot be laid out gives an
// empty image; nothing throws.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ui/texture.h"
#include "ui/theme.h"

namespace kiosk::ui {

enum class Align { kLeft, kCenter, kRight };

struct TextStyle {
  float px = 38;  // font size in pixels (em)
  bool bold = false;
  Color color;
  float maxWidth = 0;          // 0 = one line, as wide as it needs
  int maxLines = 1;            // with maxWidth: wrap up to this many lines, then ellipsize
  Align align = Align::kLeft;  // on the glass, whatever the text's direction
  std::string language;        // BCP 47, picks CJK glyph variants; empty = zh-CN
  float lineHeight = 0;        // pixels from line to line; 0 = the fonts' own
};

struct TextBitmap {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgba;  // straight alpha, rows top to bottom
  int lines = 0;
  bool ellipsized = false;
  int unknownGlyphs = 0;  // characters no installed font has (would be boxes)
  float baseline = 0;     // of the first line, from the top
};

TextBitmap renderText(std::string_view text, const TextStyle& style);

// The font families Pango draws the text with in this style, in the order of its runs
// (which CJK face a language gets; tests and diagnostics).
std::vector<std::string> fontFamilies(std::string_view text, const TextStyle& style);

struct TextTexture {
  std::uint32_t texture = 0;
  int width = 0;
  int height = 0;
  int lines = 0;
  bool ellipsized = false;
  int unknownGlyphs = 0;
  float baseline = 0;
};

class TextCache {
 public:
  TextCache();
  ~TextCache();
  TextCache(const TextCache&) = delete;
  TextCache& operator=(const TextCache&) = delete;

  // The texture for the text in this style, rendered on first use.
  const TextTexture& get(std::string_view text, const TextStyle& style);

  // Call once per frame: releases textures not drawn for about a second.
  void endFrame();
  // Releases every texture now (end of a journey).
  void clear();

  std::size_t size() const { return entries_.size(); }
  std::size_t renderedTotal() const { return renderedTotal_; }

 private:
  struct Entry {
    Texture texture;
    TextTexture info;
    std::uint64_t lastUsed = 0;
  };
  struct PangoState;
  std::unique_ptr<PangoState> pango_;
  std::unordered_map<std::string, Entry> entries_;
  std::uint64_t frame_ = 0;
  std::size_t renderedTotal_ = 0;
};

}  // namespace kiosk::ui
