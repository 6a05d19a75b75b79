// OffsetClock: another clock shifted by a fixed amount - a central server whose clock runs
// ahead of or behind the terminals', for tests and `kiosk-central serve --clock-offset-s`.
// Thread-safe (the base clock is).
#pragma once

#include "kiosk/core/time.h"

namespace kiosk::central {

class OffsetClock final : public Clock {
 public:
  OffsetClock(const Clock& base, Millis offset) : base_(base), offset_(offset) {}
  TimePoint now() const override { return base_.now() + offset_; }

 private:
  const Clock& base_;
  Millis offset_;
};

}  // namespace kiosk::central
