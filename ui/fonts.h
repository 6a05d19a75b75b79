// The ImGui fonts of the terminal: Noto Sans CJK (SC) through ImGui's FreeType
// builder, at the few sizes the screens use, with a glyph set built from the string
// catalogs (plus ASCII). Roster text never goes through these fonts (see
// text_cache.h): Debian's ImGui has 16-bit ImWchar and no shaping.
//
// Owns read-only memory maps of the font files (shared by every size, so a 20 MB .ttc
// is mapped once instead of copied per size). UI thread only: build() changes the
// current ImGui context's font atlas; the renderer's font texture must be recreated
// afterwards (Window::rebuildFonts does both).
// Failures: locate() fails (kNotFound) when fontconfig finds no Noto Sans CJK; build()
// fails when FreeType cannot build the atlas.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kiosk/core/result.h"
#include "ui/theme.h"

struct ImFont;

namespace kiosk::ui {

enum class FontRole { kCaption, kBody, kBodyBold, kButton, kTitle, kHero };

struct FontFiles {
  std::string regular;
  int regularIndex = 0;  // face in a .ttc collection
  std::string bold;
  int boldIndex = 0;
};

// Finds Noto Sans CJK SC (regular and bold) through fontconfig.
Result<FontFiles> locateFonts();

class Fonts {
 public:
  static Result<std::unique_ptr<Fonts>> open(const FontFiles& files);
  ~Fonts();
  Fonts(const Fonts&) = delete;
  Fonts& operator=(const Fonts&) = delete;

  // Rebuilds the current ImGui context's atlas for these sizes and glyphs. Code points
  // above U+FFFF are skipped (16-bit ImWchar); ASCII is always included.
  Status build(const Metrics& metrics, const std::vector<char32_t>& codePoints);

  ImFont* font(FontRole role) const;
  float px(FontRole role) const;
  double lastBuildMillis() const { return lastBuildMillis_; }

  // True when the regular face has a glyph for the code point (tests: no tofu).
  bool covers(char32_t codePoint) const;

 private:
  struct Mapping;
  Fonts() = default;
  std::unique_ptr<Mapping> regular_;
  std::unique_ptr<Mapping> bold_;
  FontFiles files_;
  std::vector<unsigned short> ranges_;  // must outlive the atlas configuration
  std::vector<unsigned short> heroRanges_;
  ImFont* fonts_[6] = {};
  float px_[6] = {};
  double lastBuildMillis_ = 0;
};

}  // namespace kiosk::ui
