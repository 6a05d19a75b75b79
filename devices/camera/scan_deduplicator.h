// Suppresses repeats of the same code within a time window, across inputs.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "kiosk/core/time.h"

namespace kiosk::devices {

// Remembers which texts were accepted and when. A text accepted at t is refused until
// t + window, whichever input (camera, wedge scanner) it comes from; the window counts
// from the accepted report, so a code held in view is reported again once per window.
//
// Any thread (internally locked; calls are short). Time comes in as arguments (the
// scan's own time), so tests need no clock. Default window: 3 s. Memory: texts older
// than the window are forgotten on the next call.
class ScanDeduplicator {
 public:
  explicit ScanDeduplicator(Millis window = Millis{3000}) : window_(window) {}

  // True when `text` should count as a new scan at `at` (and records it); false when it
  // repeats a scan accepted less than the window ago.
  bool accept(const std::string& text, TimePoint at);

  // Forget everything (after the flow resets, for instance).
  void reset();

  Millis window() const { return window_; }

 private:
  void forgetOlderThan(TimePoint at);

  Millis window_;
  std::mutex mutex_;
  std::map<std::string, TimePoint, std::less<>> lastAccepted_;
};

}  // namespace kiosk::devices
