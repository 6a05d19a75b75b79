#include "devices/camera/scan_deduplicator.h"

namespace kiosk::devices {

bool ScanDeduplicator::accept(const std::string& text, TimePoint at) {
  std::lock_guard lock(mutex_);
  forgetOlderThan(at);
  const auto it = lastAccepted_.find(text);
  // A time before the recorded one (clock stepped back, reordered inputs) is a repeat.
  if (it != lastAccepted_.end() && at - it->second < window_) {
    return false;
  }
  lastAccepted_[text] = at;
  return true;
}

void ScanDeduplicator::reset() {
  std::lock_guard lock(mutex_);
  lastAccepted_.clear();
}

void ScanDeduplicator::forgetOlderThan(TimePoint at) {
  for (auto it = lastAccepted_.begin(); it != lastAccepted_.end();) {
    if (at - it->second >= window_) {
      it = lastAccepted_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace kiosk::devices
