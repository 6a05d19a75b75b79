// Retry timing of the sync engine: exponential backoff with jitter, and the server's
// Retry-After header.
//
// SyncBackoff is a small value type owned by one thread (the sync thread); it has no
// clock of its own: callers add the delay to their own time point. Defaults: 1 s base,
// 30 s cap, "equal jitter" (half the delay fixed, half random) so that twenty terminals
// that lost the server at the same moment do not come back in lock step.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

#include "kiosk/core/time.h"

namespace kiosk::cache {

class SyncBackoff {
 public:
  SyncBackoff(Millis base, Millis cap, std::uint32_t seed);

  // The delay before the next attempt after one more failure; grows 1x, 2x, 4x ... up to
  // the cap, then stays there.
  Millis nextDelay();
  // The server asked for at least `hint` (429 Retry-After): wait that long, plus jitter
  // up to a tenth, and never less than the backoff would have.
  Millis nextDelayAtLeast(Millis hint);
  void reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  Millis base_;
  Millis cap_;
  int failures_ = 0;
  std::mt19937 rng_;
};

// Retry-After: delta-seconds ("120") or an HTTP-date ("Wed, 21 Oct 2026 07:28:00 GMT",
// compared with `now`). nullopt when absent or unreadable; never negative.
std::optional<Millis> parseRetryAfter(std::string_view value, TimePoint now);

}  // namespace kiosk::cache
