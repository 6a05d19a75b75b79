#include "offline-cache/sync_backoff.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <string>

namespace kiosk::cache {

SyncBackoff::SyncBackoff(Millis base, Millis cap, std::uint32_t seed)
    : base_(std::max(base, Millis(1))), cap_(std::max(cap, base_)), rng_(seed) {}

Millis SyncBackoff::nextDelay() {
  // Doubling stops once the cap is reached, so the shift never overflows.
  Millis full = base_;
  for (int i = 0; i < failures_ && full < cap_; ++i) {
    full *= 2;
  }
  full = std::min(full, cap_);
  ++failures_;
  const auto half = full.count() / 2;
  std::uniform_int_distribution<std::int64_t> jitter(0, std::max<std::int64_t>(half, 0));
  return Millis(full.count() - half + jitter(rng_));
}

Millis SyncBackoff::nextDelayAtLeast(Millis hint) {
  const Millis backoff = nextDelay();
  std::uniform_int_distribution<std::int64_t> jitter(0,
                                                     std::max<std::int64_t>(hint.count() / 10, 0));
  return std::max(backoff, hint + Millis(jitter(rng_)));
}

std::optional<Millis> parseRetryAfter(std::string_view value, TimePoint now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
    value.remove_suffix(1);
  }
  if (value.empty()) {
    return std::nullopt;
  }
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    std::int64_t seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || end != value.data() + value.size()) {
      return std::nullopt;
    }
    // A day is plenty; a larger value is a broken server, not a plan.
    return Millis(std::min<std::int64_t>(seconds, 86400) * 1000);
  }
  // IMF-fixdate, the only form servers must send (RFC 9110).
  std::tm tm{};
  const std::string text(value);
  const char* end = ::strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') {
    return std::nullopt;
  }
  const auto at = fromUnixSeconds(static_cast<std::int64_t>(::timegm(&tm)));
  if (at <= now) {
    return Millis(0);
  }
  return std::min(std::chrono::duration_cast<Millis>(at - now), Millis(86400 * 1000));
}

}  // namespace kiosk::cache
