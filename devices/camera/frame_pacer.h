// Internal to devices/camera: paces file and synthetic sources at their frame rate.
#pragma once

#include <chrono>

namespace kiosk::devices::detail {

// Sleeps until each frame's turn on the steady clock. When the caller falls behind by
// more than a frame, it starts over from now instead of bursting to catch up.
class FramePacer {
 public:
  explicit FramePacer(double fps);
  void wait();
  std::chrono::steady_clock::duration period() const { return period_; }

 private:
  std::chrono::steady_clock::duration period_;
  std::chrono::steady_clock::time_point next_{};
};

}  // namespace kiosk::devices::detail
