#include "devices/camera/scan_deduplicator.h"

#include <gtest/gtest.h>

namespace kiosk::devices {
namespace {

const TimePoint kT0 = fromUnixMillis(1'800'000'000'000);

TEST(ScanDeduplicator, SameTextCountsOnceWhileItStaysInView) {
  ScanDeduplicator dedup(Millis{3000});
  EXPECT_TRUE(dedup.accept("GUEST-1", kT0));
  EXPECT_FALSE(dedup.accept("GUEST-1", kT0 + Millis{1}));
  // Held in view: every sighting restarts the window, so it is never reported again, here
  // for a minute of frames at 10 per second.
  for (int ms = 100; ms <= 60'000; ms += 100) {
    ASSERT_FALSE(dedup.accept("GUEST-1", kT0 + Millis{ms})) << ms;
  }
  // Out of view for a little less than the window: still the same showing.
  EXPECT_FALSE(dedup.accept("GUEST-1", kT0 + Millis{62'999}));
  // Out of view for the window: shown again, it counts again.
  EXPECT_TRUE(dedup.accept("GUEST-1", kT0 + Millis{65'999}));
}

// A phone left in front of the camera after its guest's journey: read every 0.6 s, and
// each read would start "welcome back" (and log a refusal) again.
TEST(ScanDeduplicator, ACodeLeftInViewAfterItsJourneyDoesNotLoop) {
  ScanDeduplicator dedup(Millis{3000});
  EXPECT_TRUE(dedup.accept("KT1:GUEST", kT0));
  int reports = 0;
  for (int ms = 600; ms <= 120'000; ms += 600) {
    reports += dedup.accept("KT1:GUEST", kT0 + Millis{ms}) ? 1 : 0;
  }
  EXPECT_EQ(reports, 0);
  // Taken away for a few seconds and shown again: a new scan.
  EXPECT_TRUE(dedup.accept("KT1:GUEST", kT0 + Millis{120'000 + 3000}));
}

TEST(ScanDeduplicator, DifferentTextsAreIndependent) {
  ScanDeduplicator dedup(Millis{3000});
  EXPECT_TRUE(dedup.accept("A", kT0));
  EXPECT_TRUE(dedup.accept("B", kT0 + Millis{10}));
  EXPECT_FALSE(dedup.accept("A", kT0 + Millis{20}));
  EXPECT_FALSE(dedup.accept("B", kT0 + Millis{30}));
}

TEST(ScanDeduplicator, CameraAndWedgeShareTheWindow) {
  // One deduplicator is shared by both inputs: the same code read by the camera and
  // then by the hand scanner a second later counts once.
  ScanDeduplicator shared(Millis{3000});
  const bool fromCamera = shared.accept("TOKEN", kT0);
  const bool fromWedge = shared.accept("TOKEN", kT0 + Millis{900});
  EXPECT_TRUE(fromCamera);
  EXPECT_FALSE(fromWedge);
}

TEST(ScanDeduplicator, TimeGoingBackwardsIsARepeat) {
  ScanDeduplicator dedup(Millis{3000});
  EXPECT_TRUE(dedup.accept("A", kT0));
  EXPECT_FALSE(dedup.accept("A", kT0 - Millis{500}));
}

TEST(ScanDeduplicator, ResetForgets) {
  ScanDeduplicator dedup(Millis{3000});
  EXPECT_TRUE(dedup.accept("A", kT0));
  dedup.reset();
  EXPECT_TRUE(dedup.accept("A", kT0 + Millis{1}));
}

}  // namespace
}  // namespace kiosk::devices
