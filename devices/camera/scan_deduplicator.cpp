#include "devices/camera/scan_deduplicator.h"

#include <algorithm>

namespace kiosk::devices {

bool ScanDeduplicator::accept(const std::string& text, TimePoint at) {
  std::lock_guard lock(mutex_);
  forgetOlderThan(at);
  const auto it = lastSeen_.find(text);
  if (it != lastSeen_.end()) {
    // Seen within the window (or a time before the recorded one: a clock stepped back,
    // reordered inputs): a repeat, which keeps the text remembered while it stays in view.
    it->second = std::max(it->second, at);
    return false;
  }
  lastSeen_.emplace(text, at);
  return true;
}

void ScanDeduplicator::reset() {
  std::lock_guard lock(mutex_);
  lastSeen_.clear();
}

void ScanDeduplicator::forgetOlderThan(TimePoint at) {
  for (auto it = lastSeen_.begin(); it != lastSeen_.end();) {
    if (at - it->second >= window_) {
      it = lastSeen_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace kiosk::devices
