#include "devices/printing/media_match.h"

#include <gtest/gtest.h>

namespace kiosk::devices {
namespace {

TEST(MediaMatch, ReadsTheSizeInPwgAndPpdNames) {
  auto a6 = mediaSize("iso_a6_105x148mm");
  ASSERT_TRUE(a6);
  EXPECT_DOUBLE_EQ(a6->width, 105);
  EXPECT_DOUBLE_EQ(a6->height, 148);
  auto card = mediaSize("oe_cr80-card_2.125x3.37in");
  ASSERT_TRUE(card);
  EXPECT_NEAR(card->width, 53.975, 1e-9);
  EXPECT_NEAR(card->height, 85.598, 1e-9);
  auto label = mediaSize("w288h216");
  ASSERT_TRUE(label);
  EXPECT_NEAR(label->width, 101.6, 1e-9);
  EXPECT_NEAR(label->height, 76.2, 1e-9);
  EXPECT_TRUE(mediaSize("custom_3x4in_3x4in"));
  for (const char* bad : {"", "a4", "main-roll", "custom_x4in", "iso_a6_105x148", "w0h10",
                          "custom_-3x4in", "oe_big_1e999x2in"}) {
    EXPECT_FALSE(mediaSize(bad)) << bad;
  }
}

TEST(MediaMatch, SameSizeEitherWayRound) {
  EXPECT_TRUE(sameSize({101.6, 76.2}, {76.2, 101.6}));
  EXPECT_TRUE(sameSize({85.6, 53.98}, {85.598, 53.975}));
  EXPECT_FALSE(sameSize({101.6, 76.2}, {101.6, 127}));
}

TEST(MediaMatch, PrefersLoadedThenSupportedAndSaysWhenTheStockIsWrong) {
  const std::string badge = "custom_101.6x76.2mm";
  // Loaded under the printer's own name: sent with that name.
  auto loaded = chooseMedia(badge, {"oe_4x3-label_4x3in"}, {"na_letter_8.5x11in"});
  EXPECT_EQ(loaded.fit, MediaFit::kLoaded);
  EXPECT_EQ(loaded.media, "oe_4x3-label_4x3in");
  // Nothing reported loaded, supported under another name.
  auto supported = chooseMedia(badge, {}, {"iso_a4_210x297mm", "custom_3x4in_3x4in"});
  EXPECT_EQ(supported.fit, MediaFit::kSupported);
  EXPECT_EQ(supported.media, "custom_3x4in_3x4in");
  // Cards loaded in a printer that could take the badge's labels: staff are told, and the
  // badge goes out in the size it has.
  auto wrong = chooseMedia(badge, {"oe_cr80-card_2.125x3.37in"},
                           {"oe_cr80-card_2.125x3.37in", "custom_3x4in_3x4in"});
  EXPECT_EQ(wrong.fit, MediaFit::kNotLoaded);
  EXPECT_EQ(wrong.loaded, "oe_cr80-card_2.125x3.37in");
  EXPECT_EQ(wrong.media, "custom_3x4in_3x4in");
  // A printer without the size at all.
  auto none = chooseMedia(badge, {}, {"iso_a4_210x297mm"});
  EXPECT_EQ(none.fit, MediaFit::kUnsupported);
  EXPECT_EQ(none.media, badge);
  // Nothing reported, or a badge media without a size: unknown, sent as configured.
  EXPECT_EQ(chooseMedia(badge, {}, {}).fit, MediaFit::kUnknown);
  EXPECT_EQ(chooseMedia("a4", {"iso_a4_210x297mm"}, {}).fit, MediaFit::kUnknown);
  EXPECT_EQ(chooseMedia("a4", {"iso_a4_210x297mm"}, {}).media, "a4");
}

}  // namespace
}  // namespace kiosk::devices
