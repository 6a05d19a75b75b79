// Assembles codes from a keyboard-wedge scanner: a USB scanner that "types" the code
// and presses Enter. The UI feeds it the text and key events it receives (SDL text
// input), with their timestamps; this class decides what was a scan.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "devices/camera/scanned_code.h"
#include "kiosk/core/time.h"

namespace kiosk::devices {

struct WedgeScannerOptions {
  // A scanner types a character every few milliseconds; people take 100 ms or more.
  Millis maxGap{50};          // between two characters, and from the last one to Enter
  std::size_t minLength = 4;  // characters (code points); shorter bursts are keyboard noise
  std::size_t maxLength = 4096;
};

// Pure and clock-free: time comes with every event. One thread (the UI thread).
// A burst of characters, each at most `maxGap` after the previous one, ended by Enter
// at most `maxGap` after the last character, is a scan. A slower gap starts a new
// burst, so human typing never becomes a scan and a scan right after typing still is.
class WedgeScannerDecoder {
 public:
  explicit WedgeScannerDecoder(WedgeScannerOptions options = {}) : options_(options) {}

  // Text input (one or more UTF-8 characters, as one SDL_TEXTINPUT event) at `at`.
  void onText(std::string_view utf8, TimePoint at);

  // Enter/Return at `at`: the code when the burst before it was scanner-fast, else
  // nullopt. The burst is consumed either way.
  std::optional<ScannedCode> onEnter(TimePoint at);

  // Any other key (Backspace, Tab, arrows) ends a burst without a code.
  void onOtherKey(TimePoint at);

  // True while characters typed scanner-fast are waiting for their Enter; the UI may
  // hold them back from a focused text field meanwhile.
  bool assembling(TimePoint now) const;

  void reset();

 private:
  WedgeScannerOptions options_;
  std::string buffer_;
  std::size_t codePoints_ = 0;
  TimePoint lastAt_{};
  bool overflow_ = false;
};

}  // namespace kiosk::devices
