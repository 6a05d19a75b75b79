#include "central/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace kiosk::central {

RateLimiter::RateLimiter(double perSecond, double burst)
    : perSecond_(perSecond), burst_(std::max(burst, 1.0)) {}

std::optional<Millis> RateLimiter::take(const std::string& key, Instant now) {
  if (perSecond_ <= 0) {
    return std::nullopt;
  }
  std::lock_guard lock(mutex_);
  if (buckets_.size() > 100000) {
    // Keys of clients long gone: a full bucket is the same as no bucket.
    std::erase_if(buckets_, [&](const auto& entry) {
      const double idle = std::chrono::duration<double>(now - entry.second.last).count();
      return entry.second.tokens + idle * perSecond_ >= burst_;
    });
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!inserted) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + std::max(elapsed, 0.0) * perSecond_);
    b.last = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return std::nullopt;
  }
  const double wait = (1.0 - b.tokens) / perSecond_;
  return Millis(std::max<std::int64_t>(1000, static_cast<std::int64_t>(std::ceil(wait * 1000))));
}

}  // namespace kiosk::central
