#include "devices/camera/wedge_scanner_decoder.h"

#include <gtest/gtest.h>

#include <string>

namespace kiosk::devices {
namespace {

const TimePoint kT0 = fromUnixMillis(1'800'000'000'000);

// Types `text` one character per event, `gap` apart, starting at `start`; returns the
// time of the last character.
TimePoint type(WedgeScannerDecoder& wedge, const std::string& text, TimePoint start, Millis gap) {
  TimePoint t = start;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i > 0) {
      t += gap;
    }
    wedge.onText(std::string_view(text).substr(i, 1), t);
  }
  return t;
}

TEST(WedgeScannerDecoder, ScannerSpeedBurstWithEnterIsACode) {
  WedgeScannerDecoder wedge;
  const TimePoint last = type(wedge, "K1.abc-123_XYZ", kT0, Millis{4});
  EXPECT_TRUE(wedge.assembling(last + Millis{10}));
  const auto code = wedge.onEnter(last + Millis{5});
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(code->text, "K1.abc-123_XYZ");
  EXPECT_EQ(code->source, ScanSource::kWedgeScanner);
  EXPECT_EQ(code->seenAt, last + Millis{5});
  EXPECT_FALSE(wedge.assembling(last + Millis{6}));
}

TEST(WedgeScannerDecoder, HumanTypingIsNotAScan) {
  WedgeScannerDecoder wedge;
  const TimePoint last = type(wedge, "ZHANG WEI", kT0, Millis{140});
  EXPECT_FALSE(wedge.onEnter(last + Millis{150}).has_value());
}

TEST(WedgeScannerDecoder, FastTypistJustOverTheGapIsNotAScan) {
  WedgeScannerDecoder wedge(WedgeScannerOptions{Millis{50}, 4, 4096, Millis{300}});
  const TimePoint last = type(wedge, "123456", kT0, Millis{51});
  EXPECT_FALSE(wedge.onEnter(last + Millis{10}).has_value());
}

TEST(WedgeScannerDecoder, SlowEnterAfterAFastBurstIsNotAScan) {
  WedgeScannerDecoder wedge;
  const TimePoint last = type(wedge, "ABCDEFGH", kT0, Millis{3});
  EXPECT_FALSE(wedge.onEnter(last + Millis{1500}).has_value());
}

TEST(WedgeScannerDecoder, ScanRightAfterHumanTypingStillReads) {
  WedgeScannerDecoder wedge;
  TimePoint t = type(wedge, "abc", kT0, Millis{200});
  t = type(wedge, "BOOKING-7781", t + Millis{300}, Millis{5});
  const auto code = wedge.onEnter(t + Millis{5});
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(code->text, "BOOKING-7781");
}

// Key times come with the events, which SDL stamps once per frame: a slow frame (a
// software-rendered terminal) or a stalled sender puts a pause inside a scan.
TEST(WedgeScannerDecoder, PausesInsideAScanFromSlowFramesStillRead) {
  WedgeScannerDecoder wedge;
  // A 60-character token read in four frames 120 ms apart: every character of a frame
  // carries the frame's time.
  const std::string token = "KT1:" + std::string(56, 'A');
  TimePoint t = kT0;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (i > 0 && i % 15 == 0) {
      t += Millis{120};
    }
    wedge.onText(std::string_view(token).substr(i, 1), t);
    if (i > 0) {
      EXPECT_TRUE(wedge.assembling(t + Millis{100})) << "held back across a pause, at " << i;
    }
  }
  const auto code = wedge.onEnter(t + Millis{120});
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(code->text, token);
}

// A busy machine stalled the sender right after the first characters.
TEST(WedgeScannerDecoder, AStalledSenderStillReads) {
  WedgeScannerDecoder wedge;
  TimePoint t = type(wedge, "KT1", kT0, Millis{1});
  t = type(wedge, ":ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRSTUVWXYZ", t + Millis{700},
           Millis{1});
  EXPECT_TRUE(wedge.assembling(t + Millis{500}));
  const auto code = wedge.onEnter(t + Millis{1});
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(code->text.substr(0, 4), "KT1:");
}

TEST(WedgeScannerDecoder, QuickHumanKeysAroundPausesAreNotAScan) {
  WedgeScannerDecoder wedge;
  // Pairs typed quickly, pauses between: on average far slower than a scanner.
  TimePoint t = type(wedge, "zh", kT0, Millis{30});
  t = type(wedge, "an", t + Millis{200}, Millis{40});
  t = type(wedge, "g", t + Millis{180}, Millis{40});
  EXPECT_FALSE(wedge.onEnter(t + Millis{120}).has_value());
}

TEST(WedgeScannerDecoder, ShortBurstIsKeyboardNoise) {
  WedgeScannerDecoder wedge;
  const TimePoint last = type(wedge, "ab", kT0, Millis{5});
  EXPECT_FALSE(wedge.onEnter(last + Millis{5}).has_value());
}

TEST(WedgeScannerDecoder, MinimumLengthCountsCharactersNotBytes) {
  WedgeScannerDecoder wedge(WedgeScannerOptions{Millis{50}, 3, 4096, Millis{300}});
  // Three characters, nine bytes: a scanner set to send UTF-8.
  wedge.onText("\xe5\xbc\xa0", kT0);
  wedge.onText("\xe4\xbc\x9f", kT0 + Millis{3});
  EXPECT_FALSE(wedge.onEnter(kT0 + Millis{6}).has_value());
  wedge.onText("\xe5\xbc\xa0", kT0 + Millis{100});
  wedge.onText("\xe4\xbc\x9f", kT0 + Millis{103});
  wedge.onText("!", kT0 + Millis{106});
  const auto code = wedge.onEnter(kT0 + Millis{108});
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(code->text, "\xe5\xbc\xa0\xe4\xbc\x9f!");
}

TEST(WedgeScannerDecoder, OtherKeyBreaksTheBurst) {
  WedgeScannerDecoder wedge;
  const TimePoint last = type(wedge, "ABCDEFG", kT0, Millis{5});
  wedge.onOtherKey(last + Millis{2});
  EXPECT_FALSE(wedge.onEnter(last + Millis{4}).has_value());
}

TEST(WedgeScannerDecoder, EnterAloneIsNothingAndConsecutiveScansAreSeparate) {
  WedgeScannerDecoder wedge;
  EXPECT_FALSE(wedge.onEnter(kT0).has_value());
  TimePoint t = type(wedge, "FIRST-CODE", kT0 + Millis{1000}, Millis{4});
  const auto first = wedge.onEnter(t + Millis{4});
  t = type(wedge, "SECOND-CODE", t + Millis{20}, Millis{4});
  const auto second = wedge.onEnter(t + Millis{4});
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->text, "FIRST-CODE");
  EXPECT_EQ(second->text, "SECOND-CODE");
}

// The terminal puts each key's millisecond on the devices' clock as it handles the key,
// reading the two clocks, whose milliseconds turn at different moments, once per key:
// keys of one millisecond can come out a millisecond apart the wrong way round. That is
// still one scan.
TEST(WedgeScannerDecoder, AKeyStampedJustBeforeTheOneBeforeItStillBelongsToTheScan) {
  WedgeScannerDecoder wedge;
  const TimePoint t = type(wedge, "WLF-7", kT0, Millis{0}) + Millis{1};
  wedge.onText("K", t);
  wedge.onText("3", t - Millis{1});
  wedge.onText("Q", t);
  const auto code = wedge.onEnter(t - Millis{1});
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(code->text, "WLF-7K3Q");
}

// A clock set back by more than a scanner's key gap is not jitter: what came before is
// not joined to what comes after.
TEST(WedgeScannerDecoder, AClockSetBackStartsAgain) {
  WedgeScannerDecoder wedge;
  type(wedge, "STALE", kT0, Millis{2});
  const TimePoint last = type(wedge, "WLF-7K3Q", kT0 - Millis{60'000}, Millis{2});
  const auto code = wedge.onEnter(last + Millis{2});
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(code->text, "WLF-7K3Q");
}

TEST(WedgeScannerDecoder, OverlongBurstIsDropped) {
  WedgeScannerDecoder wedge(WedgeScannerOptions{Millis{50}, 4, 16, Millis{300}});
  const TimePoint last = type(wedge, std::string(40, 'x'), kT0, Millis{1});
  EXPECT_FALSE(wedge.onEnter(last + Millis{1}).has_value());
}

}  // namespace
}  // namespace kiosk::devices
