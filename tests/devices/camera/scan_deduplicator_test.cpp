#include "devices/camera/scan_deduplicator.h"

#include <gtest/gtest.h>

namespace kiosk::devices {
namespace {

const TimePoint kT0 = fromUnixMillis(1'800'000'000'000);

TEST(ScanDeduplicator, SameTextCountsOncePerWindow) {
  ScanDeduplicator dedup(Millis{3000});
  EXPECT_TRUE(dedup.accept("GUEST-1", kT0));
  EXPECT_FALSE(dedup.accept("GUEST-1", kT0 + Millis{1}));
  EXPECT_FALSE(dedup.accept("GUEST-1", kT0 + Millis{2999}));
  EXPECT_TRUE(dedup.accept("GUEST-1", kT0 + Millis{3000}));
  // The window restarts at the accepted report, not at the refused ones.
  EXPECT_FALSE(dedup.accept("GUEST-1", kT0 + Millis{5999}));
  EXPECT_TRUE(dedup.accept("GUEST-1", kT0 + Millis{6000}));
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
