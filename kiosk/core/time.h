// Time in the core: a millisecond UTC time point, a Clock port so that tests never
// sleep, and ISO 8601 conversion. Local display times use the event's IANA timezone
// through ICU (local_time.h).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kiosk {

using Millis = std::chrono::milliseconds;
using TimePoint = std::chrono::sys_time<Millis>;

// Port: where "now" comes from. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override;
};

// A clock that only moves when told to; for tests and scripted runs. Worker threads
// read it while the thread driving the run moves it (ThreadSanitizer found that race).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint(Millis(now_.load())); }
  void set(TimePoint t) { now_.store(t.time_since_epoch().count()); }
  void advance(Millis d) { now_.fetch_add(d.count()); }

 private:
  std::atomic<Millis::rep> now_;
};

std::int64_t toUnixMillis(TimePoint t);
TimePoint fromUnixMillis(std::int64_t ms);
std::int64_t toUnixSeconds(TimePoint t);
TimePoint fromUnixSeconds(std::int64_t s);

// "2026-11-23T09:30:00Z" (seconds precision) or with ".123" when includeMillis.
std::string formatIso8601(TimePoint t, bool includeMillis = false);

// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" with "Z", "+HH:MM", "+HHMM" or no
// offset. A time without an offset is read in `defaultOffset` (minutes east of UTC).
// A space may stand for the 'T'. Returns nullopt for anything else, including
// impossible dates (2026-02-30).
std::optional<TimePoint> parseIso8601(std::string_view text, int defaultOffsetMinutes = 0);

// A calendar date "YYYY-MM-DD", validated; nullopt when malformed or impossible.
std::optional<std::chrono::year_month_day> parseDate(std::string_view text);
std::string formatDate(std::chrono::year_month_day date);

}  // namespace kiosk
