#include "devices/camera/frame_pacer.h"

#include <algorithm>
#include <thread>

namespace kiosk::devices::detail {

FramePacer::FramePacer(double fps)
    : period_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(1.0 / std::clamp(fps, 0.5, 240.0)))) {}

void FramePacer::wait() {
  const auto now = std::chrono::steady_clock::now();
  if (next_ == std::chrono::steady_clock::time_point{} || now > next_ + period_) {
    next_ = now + period_;
    return;
  }
  std::this_thread::sleep_until(next_);
  next_ += period_;
}

}  // namespace kiosk::devices::detail
