// Times as guests read them: in the event's IANA time zone (ICU), not the terminal's.
// Pure functions, any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "kiosk/core/time.h"

namespace kiosk {

// True when ICU knows the zone ("Asia/Shanghai", "Europe/Berlin", "UTC").
bool isKnownTimeZone(std::string_view zone);

// Offset from UTC in minutes east at the instant `at` (daylight saving included).
// nullopt for an unknown zone.
std::optional<int> utcOffsetMinutes(std::string_view zone, TimePoint at);

// Parses an ISO 8601 local time; without an explicit offset the text is read as wall
// time in `zone` (daylight saving resolved for that date).
std::optional<TimePoint> parseLocalTime(std::string_view text, std::string_view zone);

// Formats `t` in `zone` with an ICU pattern ("HH:mm", "yyyy-MM-dd HH:mm", "EEE d MMM")
// and locale ("zh-CN", "en").
std::string formatLocal(TimePoint t, std::string_view zone, std::string_view pattern,
                        std::string_view locale = "en");

}  // namespace kiosk
