// Suppresses repeats of the same code within a time window, across inputs.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "kiosk/core/time.h"

namespace kiosk::devices {

// Remembers which texts were seen and when. A text is accepted when it has not been
// seen for the window, whichever input (camera, wedge scanner) it comes from; every
// sighting, accepted or not, restarts its window. A code held in view is therefore
// reported once, and again only after it has left the view for the window: a phone left
// in front of the camera after its guest's journey does not start the journey again.
//
// Any thread (internally locked; calls are short). Time comes in as arguments (the
// scan's own time, on one clock for every input), so tests need no clock. Default
// window: 3 s. Memory: texts not seen for the window are forgotten on the next call.
class ScanDeduplicator {
 public:
  explicit ScanDeduplicator(Millis window = Millis{3000}) : window_(window) {}

  // True when `text` should count as a new scan at `at`; false when it was seen less than
  // the window ago. Records the sighting either way.
  bool accept(const std::string& text, TimePoint at);

  // Forget everything (after the flow resets, for instance).
  void reset();

  Millis window() const { return window_; }

 private:
  void forgetOlderThan(TimePoint at);

  Millis window_;
  std::mutex mutex_;
  std::map<std::string, TimePoint, std::less<>> lastSeen_;
};

}  // namespace kiosk::devices
