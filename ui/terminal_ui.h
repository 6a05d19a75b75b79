// TerminalUi: one frame of the terminal's screen. Picks the screen for the flow's
// state, draws the frame around it (header band, staff band, reach area, idle
// countdown), keeps the images the screens show as textures, and returns what the user
// did as flow events.
//
// Owns the roster-text cache and the image textures; borrows the window, the fonts and
// the catalogs. UI thread only. Per frame: prepare() before Window::beginFrame (it may
// rebuild the font atlas: new screen size or large text), draw() inside the frame.
// Failures: prepare() returns the font builder's error (the app keeps the old atlas).
#pragma once

#include <memory>
#include <vector>

#include "kiosk/core/flow.h"
#include "ui/catalog.h"
#include "ui/controls.h"
#include "ui/fonts.h"
#include "ui/terminal_view.h"
#include "ui/text_cache.h"
#include "ui/texture.h"
#include "ui/theme.h"
#include "ui/widgets.h"
#include "ui/window.h"

namespace kiosk::ui {

class TerminalUi {
 public:
  // `diagonalInches`: the panel's size, for the millimetre sizes of touch targets.
  TerminalUi(Window& window, Fonts& fonts, const Catalogs& catalogs,
             float diagonalInches = kDefaultDiagonalInches);
  ~TerminalUi();
  TerminalUi(const TerminalUi&) = delete;
  TerminalUi& operator=(const TerminalUi&) = delete;

  Status prepare(const TerminalView& view);
  std::vector<FlowEvent> draw(const TerminalView& view, double seconds);
  // Ends the frame's bookkeeping (releases text textures no longer drawn).
  void finishFrame();

  // Drops every texture that may show a guest (names, photo, badge) at once, and what
  // the keyboard was composing.
  void releasePersonalData();

  // Pinyin for the on-screen keyboard (borrowed; none: Latin letters only).
  void setInputMethod(InputMethod* inputMethod) { inputMethod_ = inputMethod; }

  const Palette& palette(const TerminalView& view) const;
  ControlRegistry& controls() { return controls_; }
  const TextCache& texts() const { return text_; }
  const Catalogs& catalogs() const { return catalogs_; }
  double fontBuildMillis() const { return fonts_.lastBuildMillis(); }
  const Metrics& metrics() const { return metrics_; }

 private:
  void updateImages(const TerminalView& view);
  Layout layoutFor(const TerminalView& view) const;

  Window& window_;
  Fonts& fonts_;
  const Catalogs& catalogs_;
  float diagonalInches_;
  ControlRegistry controls_;
  TextCache text_;
  Metrics metrics_;
  int builtWidth_ = 0;
  int builtHeight_ = 0;
  bool builtLarge_ = false;
  Texture preview_;
  std::uint64_t previewSequence_ = 0;
  Texture photo_;
  const void* photoSource_ = nullptr;
  Texture badge_;
  Texture stock_;
  const void* stockSource_ = nullptr;
  const void* badgeSource_ = nullptr;
  InputMethod* inputMethod_ = nullptr;
  KeyboardState keyboard_;
  std::size_t lastFocus_ = 0;  // screen and field: a new one drops the composition
};

}  // namespace kiosk::ui
