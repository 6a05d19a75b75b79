// RateLimiter: token buckets per key (device id, or client address before a device is
// known), so that one misbehaving terminal or a code-guessing client cannot starve the rest.
//
// Thread-safe (one mutex; the work inside is a map lookup). Time comes in from the caller.
// A rate of 0 or less means no limit.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "kiosk/core/time.h"

namespace kiosk::central {

class RateLimiter {
 public:
  using Instant = std::chrono::steady_clock::time_point;

  RateLimiter(double perSecond, double burst);

  // Takes one token for `key`. nullopt when allowed; otherwise how long until a token is
  // available (for Retry-After, at least 1 s).
  std::optional<Millis> take(const std::string& key, Instant now);

 private:
  struct Bucket {
    double tokens = 0;
    Instant last{};
  };
  double perSecond_;
  double burst_;
  std::mutex mutex_;
  std::map<std::string, Bucket, std::less<>> buckets_;
};

}  // namespace kiosk::central
