#include "kiosk/core/local_time.h"

#include <gtest/gtest.h>

namespace kiosk {
namespace {

TEST(LocalTime, OffsetsIncludeDaylightSaving) {
  EXPECT_EQ(utcOffsetMinutes("Asia/Shanghai", *parseIso8601("2026-07-01T00:00Z")), 480);
  EXPECT_EQ(utcOffsetMinutes("Europe/Berlin", *parseIso8601("2026-07-01T00:00Z")), 120);
  EXPECT_EQ(utcOffsetMinutes("Europe/Berlin", *parseIso8601("2026-12-01T00:00Z")), 60);
  EXPECT_FALSE(utcOffsetMinutes("Mars/Olympus", *parseIso8601("2026-12-01T00:00Z")));
  EXPECT_FALSE(isKnownTimeZone("Mars/Olympus"));
  EXPECT_TRUE(isKnownTimeZone("UTC"));
}

TEST(LocalTime, WallTimeIsReadInTheEventZone) {
  EXPECT_EQ(parseLocalTime("2026-11-23T08:30", "Asia/Shanghai"), parseIso8601("2026-11-23T00:30Z"));
  EXPECT_EQ(parseLocalTime("2026-07-01 08:30", "Europe/Berlin"), parseIso8601("2026-07-01T06:30Z"));
  // An explicit offset wins over the zone.
  EXPECT_EQ(parseLocalTime("2026-11-23T08:30+00:00", "Asia/Shanghai"),
            parseIso8601("2026-11-23T08:30Z"));
  EXPECT_FALSE(parseLocalTime("soon", "Asia/Shanghai"));
}

TEST(LocalTime, FormatsForGuests) {
  const auto t = *parseIso8601("2026-11-23T00:30Z");
  EXPECT_EQ(formatLocal(t, "Asia/Shanghai", "HH:mm"), "08:30");
  EXPECT_EQ(formatLocal(t, "Asia/Shanghai", "yyyy-MM-dd HH:mm"), "2026-11-23 08:30");
}

}  // namespace
}  // namespace kiosk
