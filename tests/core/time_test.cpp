#include "kiosk/core/time.h"

#include <gtest/gtest.h>

namespace kiosk {
namespace {

TEST(Iso8601, ParsesCommonForms) {
  EXPECT_EQ(toUnixSeconds(*parseIso8601("1970-01-01T00:00:00Z")), 0);
  EXPECT_EQ(toUnixSeconds(*parseIso8601("2026-11-23T09:30:00+08:00")),
            toUnixSeconds(*parseIso8601("2026-11-23T01:30:00Z")));
  EXPECT_EQ(toUnixSeconds(*parseIso8601("2026-11-23 09:30", 480)),
            toUnixSeconds(*parseIso8601("2026-11-23T01:30Z")));
  EXPECT_EQ(toUnixMillis(*parseIso8601("2026-11-23T01:30:00.25Z")) % 1000, 250);
  EXPECT_EQ(toUnixSeconds(*parseIso8601("2026-11-23")),
            toUnixSeconds(*parseIso8601("2026-11-23T00:00Z")));
  EXPECT_EQ(toUnixSeconds(*parseIso8601("2026-11-23T09:30:00+0800")),
            toUnixSeconds(*parseIso8601("2026-11-23T01:30:00Z")));
}

TEST(Iso8601, RejectsMalformedAndImpossible) {
  for (const char* bad :
       {"", "2026-02-30", "2026-13-01", "2026-11-23T25:00", "2026-11-23T09:3",
        "2026-11-23T09:30:00+08", "2026/11/23", "2026-11-23T09:30:00Zjunk", "tomorrow"}) {
    EXPECT_FALSE(parseIso8601(bad)) << bad;
  }
}

TEST(Iso8601, FormatsUtc) {
  const auto t = *parseIso8601("2026-11-23T09:30:05.123+08:00");
  EXPECT_EQ(formatIso8601(t), "2026-11-23T01:30:05Z");
  EXPECT_EQ(formatIso8601(t, true), "2026-11-23T01:30:05.123Z");
}

}  // namespace
}  // namespace kiosk
