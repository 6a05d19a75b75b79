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
  Millis maxGap{50};          // between two characters of a run, and on average in a scan
  std::size_t minLength = 4;  // characters (code points); shorter bursts are keyboard noise
  std::size_t maxLength = 4096;
  // The longest pause inside one scan: key times are only as fine as the events they
  // come with (SDL stamps them once per frame, and a software-rendered frame can take
  // 100 ms or more), and a busy machine can stall the sender for a moment. People's
  // typing stays out by the average and the lone keys (below), not by this.
  Millis maxPause{1000};
};

// Pure and clock-free: time comes with every event. One thread (the UI thread).
// Characters at most `maxGap` apart form a run. A scan is Enter after one or more runs
// of at least two characters each, joined by pauses of at most `maxPause`, with Enter at
// most `maxPause` after the last character and at most `maxGap` per character on
// average from the first character to Enter. A character alone between two pauses is a
// person's key and ends what came before, so human typing never becomes a scan and a
// scan right after typing still is.
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
  TimePoint inOrder(TimePoint at) const;

  WedgeScannerOptions options_;
  std::string buffer_;
  std::size_t codePoints_ = 0;
  std::size_t runCodePoints_ = 0;  // of the run the last character belongs to
  TimePoint firstAt_{};
  TimePoint lastAt_{};
  bool overflow_ = false;
};

}  // namespace kiosk::devices
