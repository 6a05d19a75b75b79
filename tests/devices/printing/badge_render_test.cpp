// Badge rendering with the real Cairo, Pango, fontconfig and the installed Noto fonts.
#include <gtest/gtest.h>
#include <pango/pangocairo.h>

#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>

#include <cmath>
#include <filesystem>
#include <regex>
#include <string>

#include "devices/printing/badge_renderer.h"
#include "documents/image_codec.h"
#include "support/temp_dir.h"
#include "test_names.h"

// fontconfig keeps its font caches for the life of the process and stores pointers in
// them as offsets that LeakSanitizer cannot follow, so at exit the caches (and Pango and
// Cairo objects held only through them) look leaked. LeakSanitizer reads this hook in
// sanitizer builds (see tests/lsan.supp); releasing the caches with
// FcFini instead is not reliable (Pango still holds references at exit and FcFini
// asserts). The real upstream Cairo leak is handled in canvas.cpp.
extern "C" const char* __lsan_default_suppressions();
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n";
}

namespace kiosk::devices {
namespace {

using testing::hardNames;

constexpr double kPointsPerMm = 72.0 / 25.4;

BadgeRenderer defaultRenderer() {
  auto t = defaultBadgeTemplate();
  EXPECT_TRUE(t.ok()) << (t ? "" : t.error().message);
  return BadgeRenderer(std::move(t).value());
}

BadgeData sampleBadge(std::string name) {
  BadgeData d;
  d.eventName = "2026 Global Logistics Summit · 全球物流峰会";
  d.guestName = std::move(name);
  d.company = "Shanghai Port Authority 上海港务局";
  d.title = "Deputy Director";
  d.category = GuestCategory::kVip;
  d.categoryLabel = "VIP 贵宾";
  d.meetingName = "Plenary: Future of Ports";
  d.meetingRoom = "Hall A";
  d.seat = "12-08";
  d.qrText = "KT1:TESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTEST";
  return d;
}

struct PdfPage {
  int pages = 0;
  double widthPt = 0;
  double heightPt = 0;
};

// Cairo writes the page tree uncompressed: "/Type /Page" per page and
// "/MediaBox [ 0 0 W H ]".
PdfPage inspectPdf(const std::vector<std::uint8_t>& pdf) {
  const std::string text(pdf.begin(), pdf.end());
  PdfPage page;
  static const std::regex pageRe(R"(/Type\s*/Page[^s])");
  page.pages = static_cast<int>(std::distance(
      std::sregex_iterator(text.begin(), text.end(), pageRe), std::sregex_iterator()));
  std::smatch m;
  static const std::regex box(R"(/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\])");
  if (std::regex_search(text, m, box)) {
    page.widthPt = std::stod(m[1]);
    page.heightPt = std::stod(m[2]);
  }
  return page;
}

// Bounding box (pixels) of everything that is not white.
struct PixelBox {
  int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
  bool empty() const { return x1 < 0; }
};
PixelBox inkBox(const RgbaImage& image) {
  PixelBox b;
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      const std::uint8_t* p = image.at(x, y);
      if (p[0] < 250 || p[1] < 250 || p[2] < 250) {
        b.x0 = std::min(b.x0, x);
        b.y0 = std::min(b.y0, y);
        b.x1 = std::max(b.x1, x);
        b.y1 = std::max(b.y1, y);
      }
    }
  }
  return b;
}

std::string decodeQr(const RgbaImage& image) {
  std::vector<std::uint8_t> lum(static_cast<std::size_t>(image.width * image.height));
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      const std::uint8_t* p = image.at(x, y);
      lum[static_cast<std::size_t>(y * image.width + x)] =
          static_cast<std::uint8_t>((p[0] * 30 + p[1] * 59 + p[2] * 11) / 100);
    }
  }
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  const auto result = ZXing::ReadBarcode(
      ZXing::ImageView(lum.data(), image.width, image.height, ZXing::ImageFormat::Lum), hints);
  return result.isValid() ? result.text() : std::string();
}

TEST(BadgeTemplate, DefaultTemplateHasEveryStockAtItsPhysicalSize) {
  auto t = defaultBadgeTemplate();
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_DOUBLE_EQ(t->layout(BadgeSize::kCr80).widthMm, 85.60);
  EXPECT_DOUBLE_EQ(t->layout(BadgeSize::kCr80).heightMm, 53.98);
  EXPECT_DOUBLE_EQ(t->layout(BadgeSize::k4x3).widthMm, 101.6);
  EXPECT_DOUBLE_EQ(t->layout(BadgeSize::k4x3).heightMm, 76.2);
  EXPECT_DOUBLE_EQ(t->layout(BadgeSize::k62mm).widthMm, 62.0);
  EXPECT_DOUBLE_EQ(t->layout(BadgeSize::k62mm).heightMm, 100.0);
  EXPECT_DOUBLE_EQ(t->layout(BadgeSize::kA6).widthMm, 105.0);
  EXPECT_DOUBLE_EQ(t->layout(BadgeSize::kA6).heightMm, 148.0);
  EXPECT_EQ(t->layout(BadgeSize::kA6).media, "iso_a6_105x148mm");
  EXPECT_NE(t->colors(GuestCategory::kVip).fill, t->colors(GuestCategory::kPress).fill);
  for (const BadgeSize size : kAllBadgeSizes) {
    const BadgeLayout& l = t->layout(size);
    EXPECT_TRUE(l.qr && l.photo && l.band && l.company && l.title && l.meeting && l.event)
        << toString(size);
    EXPECT_GT(l.name.style.maxLines, 1) << toString(size);
  }
}

TEST(BadgeTemplate, ParsesTheShippedFileToo) {
  auto t = loadBadgeTemplate(KIOSK_SOURCE_DIR "/assets/badges/default.toml");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->name, "Lobby kiosk default");
  EXPECT_EQ(loadBadgeTemplate("/nonexistent/badge.toml").error().kind, ErrorKind::kNotFound);
}

TEST(BadgeTemplate, RejectsBrokenTemplatesWithTheKeyPath) {
  std::string base = R"(
[colors]
background = "#FFFFFF"
header = "#000000"
header_text = "#FFFFFF"
text = "#000000"
muted = "#777777"
[categories.vip]
color = "#B8860B"
[categories.government]
color = "#9B1C2E"
[categories.business]
color = "#1F5FA8"
[categories.press]
color = "#2E7D32"
[categories.staff]
color = "#D35400"
[categories.other]
color = "#5F6B77"
[sizes.4x3]
width_mm = 101.6
height_mm = 76.2
name = { box = [5, 5, 90, 20], max_pt = 20, min_pt = 8 }
[sizes.62mm]
width_mm = 62
height_mm = 100
name = { box = [5, 5, 50, 20], max_pt = 20, min_pt = 8 }
[sizes.a6]
width_mm = 105
height_mm = 148
name = { box = [5, 5, 90, 20], max_pt = 20, min_pt = 8 }
)";
  auto withCr80 = [&](const std::string& cr80) {
    return parseBadgeTemplate(base + "[sizes.cr80]\n" + cr80, "test.toml");
  };
  auto ok = withCr80(
      "width_mm = 85.6\nheight_mm = 53.98\nname = { box = [1, 1, 80, 20], max_pt = 16, "
      "min_pt = 8 }\n");
  ASSERT_TRUE(ok.ok()) << ok.error().message;

  struct Case {
    std::string cr80;
    std::string expected;
  } cases[] = {
      {"width_mm = 85.6\nheight_mm = 53.98\n", "sizes.cr80.name"},
      {"width_mm = 90\nheight_mm = 53.98\nname = { box = [1, 1, 80, 20], max_pt = 16 }\n",
       "sizes.cr80.width_mm"},
      {"width_mm = 85.6\nheight_mm = 53.98\nname = { box = [10, 1, 80, 20], max_pt = 16 }\n",
       "outside the page"},
      {"width_mm = 85.6\nheight_mm = 53.98\nname = { box = [1, 1, 80, 20], max_pt = 6, min_pt = "
       "8 }\n",
       "min_pt"},
      {"width_mm = 85.6\nheight_mm = 53.98\nname = { box = [1, 1, 80], max_pt = 16 }\n",
       "sizes.cr80.name.box"},
      {"width_mm = 85.6\nheight_mm = 53.98\nname = { box = [1, 1, 80, 20], max_pt = 16, color = "
       "\"red\" }\n",
       "#RRGGBB"},
      {"width_mm = 85.6\nheight_mm = 53.98\nname = { box = [1, 1, 80, 20], max_pt = 16 \n",
       "test.toml:"},
  };
  for (const auto& c : cases) {
    auto t = withCr80(c.cr80);
    ASSERT_FALSE(t.ok()) << c.cr80;
    EXPECT_EQ(t.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(t.error().message.find(c.expected), std::string::npos) << t.error().message;
  }
}

TEST(BadgeRenderer, PdfIsOnePageOfExactlyThePhysicalSize) {
  const BadgeRenderer renderer = defaultRenderer();
  const struct {
    BadgeSize size;
    double w, h;
  } expected[] = {{BadgeSize::kCr80, 85.60, 53.98},
                  {BadgeSize::k4x3, 101.6, 76.2},
                  {BadgeSize::k62mm, 62.0, 100.0},
                  {BadgeSize::kA6, 105.0, 148.0}};
  for (const auto& e : expected) {
    auto pdf = renderer.renderPdf(sampleBadge("Zoë Müller"), e.size);
    ASSERT_TRUE(pdf.ok()) << pdf.error().message;
    const PdfPage page = inspectPdf(*pdf);
    EXPECT_EQ(page.pages, 1) << toString(e.size);
    EXPECT_NEAR(page.widthPt, e.w * kPointsPerMm, 0.01) << toString(e.size);
    EXPECT_NEAR(page.heightPt, e.h * kPointsPerMm, 0.01) << toString(e.size);
  }
}

TEST(BadgeRenderer, RasterHasTheRequestedDpiAndIsOpaque) {
  const BadgeRenderer renderer = defaultRenderer();
  auto image = renderer.renderRgba(sampleBadge("Zoë Müller"), BadgeSize::kCr80, 150);
  ASSERT_TRUE(image.ok()) << image.error().message;
  EXPECT_EQ(image->width, static_cast<int>(std::lround(85.60 / 25.4 * 150)));
  EXPECT_EQ(image->height, static_cast<int>(std::lround(53.98 / 25.4 * 150)));
  ASSERT_EQ(image->pixels.size(), static_cast<std::size_t>(image->width * image->height * 4));
  for (std::size_t i = 3; i < image->pixels.size(); i += 4) {
    ASSERT_EQ(image->pixels[i], 255);
  }
  // The header is the template's header colour, in RGBA order.
  const Rgb header = defaultRenderer().badgeTemplate().header;
  const std::uint8_t* p = image->at(2, 2);
  EXPECT_NEAR(p[0], header.r * 255, 1);
  EXPECT_NEAR(p[1], header.g * 255, 1);
  EXPECT_NEAR(p[2], header.b * 255, 1);
  EXPECT_FALSE(renderer.renderRgba(sampleBadge("x"), BadgeSize::kCr80, 0).ok());
}

TEST(BadgeRenderer, WritesPdfAndPngFiles) {
  const BadgeRenderer renderer = defaultRenderer();
  testing::TempDir tmp;
  const std::filesystem::path dir = tmp.path();
  ASSERT_TRUE(renderer.writePdf(sampleBadge("Zoë"), BadgeSize::kA6, (dir / "b.pdf").string()).ok());
  ASSERT_TRUE(
      renderer.writePng(sampleBadge("Zoë"), BadgeSize::kA6, 96, (dir / "b.png").string()).ok());
  EXPECT_GT(std::filesystem::file_size(dir / "b.pdf"), 1000u);
  EXPECT_GT(std::filesystem::file_size(dir / "b.png"), 1000u);
  EXPECT_FALSE(std::filesystem::exists(dir / "b.pdf.part"));
  EXPECT_FALSE(
      renderer.writePdf(sampleBadge("Zoë"), BadgeSize::kA6, (dir / "no/such/dir.pdf").string())
          .ok());
}

class HardNameTest : public ::testing::TestWithParam<std::tuple<BadgeSize, int>> {};

// Every field of a badge with each hard name: no missing glyphs, the name fits in its
// box (ink and logical extents), is not ellipsized and never goes below min_pt.
TEST_P(HardNameTest, NoTofuAndTheNameStaysInItsBox) {
  const auto [size, index] = GetParam();
  const auto name = hardNames()[static_cast<std::size_t>(index)];
  const BadgeRenderer renderer = defaultRenderer();
  BadgeReport report;
  auto pdf = renderer.renderPdf(sampleBadge(name.text), size, &report);
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  EXPECT_TRUE(report.warnings.empty());
  for (const auto& field : report.fields) {
    EXPECT_EQ(field.fit.unknownGlyphs, 0) << field.field << " with " << name.label;
    EXPECT_TRUE(field.fit.fits) << field.field;
    EXPECT_TRUE(field.box.contains(field.fit.ink)) << field.field;
  }
  const BadgeFieldReport* n = report.find("name");
  ASSERT_NE(n, nullptr);
  const TextStyle& style = renderer.badgeTemplate().layout(size).name.style;
  EXPECT_TRUE(n->box.contains(n->fit.ink)) << name.label;
  EXPECT_TRUE(n->box.contains(n->fit.logical)) << name.label;
  EXPECT_FALSE(n->fit.ellipsized) << name.label << " at " << toString(size);
  EXPECT_GE(n->fit.sizePt, style.minPt);
  EXPECT_LE(n->fit.lines, style.overflowLines);
  EXPECT_GT(n->fit.ink.w, 0);
}

// The same in pixels, independent of what Pango says about itself: the name alone on a
// 300 dpi raster leaves no ink outside its box.
TEST_P(HardNameTest, NamePixelsStayInsideTheBox) {
  const auto [size, index] = GetParam();
  const auto name = hardNames()[static_cast<std::size_t>(index)];
  const BadgeRenderer renderer = defaultRenderer();
  const BadgeLayout& layout = renderer.badgeTemplate().layout(size);
  constexpr double kDpi = 300;
  auto canvas = Canvas::raster(layout.widthMm, layout.heightMm, kDpi);
  ASSERT_TRUE(canvas.ok());
  const TextFit fit = canvas->drawText(layout.name.box, name.text, layout.name.style);
  const PixelBox px = inkBox(canvas->toRgba());
  ASSERT_FALSE(px.empty()) << "nothing drawn for " << name.label;
  const double scale = kDpi / 25.4;
  const RectMm& box = layout.name.box;
  // One pixel of anti-aliasing slack on each side.
  EXPECT_GE(px.x0, std::floor(box.x * scale) - 1) << name.label;
  EXPECT_GE(px.y0, std::floor(box.y * scale) - 1) << name.label;
  EXPECT_LE(px.x1, std::ceil(box.right() * scale) + 1) << name.label;
  EXPECT_LE(px.y1, std::ceil(box.bottom() * scale) + 1) << name.label;
  EXPECT_EQ(fit.unknownGlyphs, 0);
}

INSTANTIATE_TEST_SUITE_P(AllSizes, HardNameTest,
                         ::testing::Combine(::testing::ValuesIn(kAllBadgeSizes),
                                            ::testing::Range(0,
                                                             static_cast<int>(hardNames().size()))),
                         [](const auto& p) {
                           const std::string size = toString(std::get<0>(p.param));
                           // Test names must start like identifiers: "4x3" becomes "size4x3".
                           return (size == "4x3" ? "size" + size : size) + "_" +
                                  hardNames()[static_cast<std::size_t>(std::get<1>(p.param))].label;
                         });

TEST(BadgeRenderer, NameShrinksThenWrapsThenEllipsizesOnlyAsALastResort) {
  const BadgeRenderer renderer = defaultRenderer();
  const TextStyle& style = renderer.badgeTemplate().layout(BadgeSize::kCr80).name.style;
  auto nameFit = [&](const std::string& name) {
    BadgeReport report;
    EXPECT_TRUE(renderer.renderPdf(sampleBadge(name), BadgeSize::kCr80, &report).ok());
    return report.find("name")->fit;
  };
  const TextFit shortName = nameFit("Li Wei");
  EXPECT_DOUBLE_EQ(shortName.sizePt, style.maxPt);
  EXPECT_EQ(shortName.lines, 1);

  const TextFit medium = nameFit("Zhang Xiaoming-Fischer");
  EXPECT_LT(medium.sizePt, style.maxPt);
  EXPECT_GE(medium.sizePt, style.wrapBelowPt);
  EXPECT_EQ(medium.lines, 1);

  const TextFit longName = nameFit("Alexandra Catherine Montgomery-Smith Jr.");
  EXPECT_EQ(longName.lines, 2);
  EXPECT_FALSE(longName.ellipsized);

  const TextFit eighty = nameFit(testing::eightyCharacterName());
  EXPECT_FALSE(eighty.ellipsized);
  EXPECT_GE(eighty.lines, 2);

  std::string absurd;
  for (int i = 0; i < 12; ++i) {
    absurd += "Bartholomew-Fitzgerald ";
  }
  const TextFit last = nameFit(absurd);
  EXPECT_TRUE(last.ellipsized);
  EXPECT_DOUBLE_EQ(last.sizePt, style.minPt);
  EXPECT_TRUE(last.fits);
}

// Which installed fonts actually draw the rare characters (through fontconfig fallback
// from the template's family list).
TEST(BadgeFonts, RareCharactersComeFromAnInstalledCjkFont) {
  PangoFontMap* map = pango_cairo_font_map_get_default();
  PangoContext* context = pango_font_map_create_context(map);
  pango_context_set_language(context, pango_language_from_string("zh-cn"));
  for (const char* text : {"㛃", "𠮷"}) {
    PangoLayout* layout = pango_layout_new(context);
    PangoFontDescription* font = pango_font_description_from_string("Noto Sans Bold 20");
    pango_font_description_set_family(font, kDefaultFontFamilies);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    pango_layout_set_text(layout, text, -1);
    EXPECT_EQ(pango_layout_get_unknown_glyphs_count(layout), 0) << text;
    PangoLayoutIter* iter = pango_layout_get_iter(layout);
    PangoLayoutRun* run = pango_layout_iter_get_run_readonly(iter);
    ASSERT_NE(run, nullptr);
    PangoFontDescription* used = pango_font_describe(run->item->analysis.font);
    const std::string family = pango_font_description_get_family(used);
    std::cout << "U+" << std::hex << g_utf8_get_char(text) << std::dec << " " << text
              << " is drawn with \"" << family << "\"\n";
    EXPECT_NE(family.find("CJK"), std::string::npos) << text << " drawn with " << family;
    pango_font_description_free(used);
    pango_layout_iter_free(iter);
    g_object_unref(layout);
  }
  g_object_unref(context);
}

TEST(BadgeRenderer, QrCodeOnTheBadgeDecodesToTheGuestCode) {
  const BadgeRenderer renderer = defaultRenderer();
  for (const BadgeSize size : kAllBadgeSizes) {
    BadgeData data = sampleBadge("Zoë 🚀");
    data.qrText =
        "KT1:AEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAI"
        "BAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIBAEAQCA";
    auto image = renderer.renderRgba(data, size, 300);
    ASSERT_TRUE(image.ok());
    EXPECT_EQ(decodeQr(*image), data.qrText) << toString(size);
  }
}

TEST(BadgeRenderer, PhotoIsDrawnAndEmbeddedAsJpegOtherwiseInitials) {
  const BadgeRenderer renderer = defaultRenderer();
  RgbaImage photo;
  photo.width = 240;
  photo.height = 300;
  photo.pixels.assign(static_cast<std::size_t>(photo.width * photo.height * 4), 0);
  for (int y = 0; y < photo.height; ++y) {
    for (int x = 0; x < photo.width; ++x) {
      std::uint8_t* p = photo.at(x, y);
      p[0] = 30;
      p[1] = 160;
      p[2] = 60;
      p[3] = 255;
    }
  }
  auto jpeg = encodeJpeg(photo, 85);
  ASSERT_TRUE(jpeg.ok());
  BadgeData data = sampleBadge("Zoë Müller");
  data.photoJpeg = *jpeg;

  BadgeReport report;
  auto pdf = renderer.renderPdf(data, BadgeSize::k4x3, &report);
  ASSERT_TRUE(pdf.ok());
  const std::string text(pdf->begin(), pdf->end());
  EXPECT_NE(text.find("/DCTDecode"), std::string::npos) << "the JPEG is not embedded as is";
  EXPECT_EQ(report.find("initials"), nullptr);

  auto image = renderer.renderRgba(data, BadgeSize::k4x3, 150);
  ASSERT_TRUE(image.ok());
  const RectMm box = renderer.badgeTemplate().layout(BadgeSize::k4x3).photo->box;
  const std::uint8_t* centre = image->at(static_cast<int>((box.x + box.w / 2) / 25.4 * 150),
                                         static_cast<int>((box.y + box.h / 2) / 25.4 * 150));
  EXPECT_NEAR(centre[0], 30, 12);
  EXPECT_NEAR(centre[1], 160, 12);
  EXPECT_NEAR(centre[2], 60, 12);

  data.photoJpeg.clear();
  ASSERT_TRUE(renderer.renderPdf(data, BadgeSize::k4x3, &report).ok());
  ASSERT_NE(report.find("initials"), nullptr);
  EXPECT_TRUE(report.warnings.empty());

  data.photoJpeg = {0xFF, 0xD8, 0xFF, 0x00, 0x01};  // a JPEG that stops after its header
  ASSERT_TRUE(renderer.renderPdf(data, BadgeSize::k4x3, &report).ok());
  EXPECT_NE(report.find("initials"), nullptr);
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].find("photo"), std::string::npos);
}

TEST(BadgeRenderer, CategoryBandHasTheCategoryColourAndColourEmojiAreColoured) {
  const BadgeRenderer renderer = defaultRenderer();
  BadgeData data = sampleBadge("Zoë 🚀");
  data.category = GuestCategory::kPress;
  data.categoryLabel = "Press 媒体";
  BadgeReport report;
  auto image = renderer.renderRgba(data, BadgeSize::kCr80, 300, &report);
  ASSERT_TRUE(image.ok());
  const RectMm band = renderer.badgeTemplate().layout(BadgeSize::kCr80).band->box;
  const Rgb press = renderer.badgeTemplate().colors(GuestCategory::kPress).fill;
  const std::uint8_t* p = image->at(static_cast<int>((band.x + 1) / 25.4 * 300),
                                    static_cast<int>((band.y + 1) / 25.4 * 300));
  EXPECT_NEAR(p[0], press.r * 255, 1);
  EXPECT_NEAR(p[1], press.g * 255, 1);
  EXPECT_NEAR(p[2], press.b * 255, 1);

  // The name is near-black text; the rocket must add saturated pixels to its ink box.
  const RectMm ink = report.find("name")->fit.ink;
  int coloured = 0;
  for (int y = static_cast<int>(ink.y / 25.4 * 300);
       y < static_cast<int>(ink.bottom() / 25.4 * 300); ++y) {
    for (int x = static_cast<int>(ink.x / 25.4 * 300);
         x < static_cast<int>(ink.right() / 25.4 * 300); ++x) {
      const std::uint8_t* q = image->at(x, y);
      const int hi = std::max({q[0], q[1], q[2]});
      const int lo = std::min({q[0], q[1], q[2]});
      coloured += hi - lo > 60 ? 1 : 0;
    }
  }
  EXPECT_GT(coloured, 100) << "the emoji came out without colour";
}

TEST(BadgeRenderer, MissingLogoIsAWarningAndTheEventNameTakesItsSpace) {
  const BadgeRenderer renderer = defaultRenderer();
  BadgeData data = sampleBadge("Zoë");
  BadgeReport noLogo;
  ASSERT_TRUE(renderer.renderPdf(data, BadgeSize::kCr80, &noLogo).ok());
  const BadgeLayout& layout = renderer.badgeTemplate().layout(BadgeSize::kCr80);
  EXPECT_DOUBLE_EQ(noLogo.find("event")->box.right(), layout.logo->right());

  data.logoPath = "/nonexistent/logo.png";
  BadgeReport badLogo;
  ASSERT_TRUE(renderer.renderPdf(data, BadgeSize::kCr80, &badLogo).ok());
  ASSERT_EQ(badLogo.warnings.size(), 1u);
  EXPECT_NE(badLogo.warnings[0].find("logo"), std::string::npos);
}

TEST(BadgeRenderer, LogoPngIsDrawnInItsBox) {
  testing::TempDir tmp;
  const std::filesystem::path dir = tmp.path();
  // A red square logo, written through the QR writer's PNG path would be grey; use a
  // raster canvas instead.
  auto logoCanvas = Canvas::raster(20, 20, 100);
  ASSERT_TRUE(logoCanvas.ok());
  logoCanvas->fillRect(RectMm{0, 0, 20, 20}, Rgb{1, 0, 0});
  const std::string logo = (dir / "logo.png").string();
  ASSERT_TRUE(logoCanvas->writePng(logo).ok());

  const BadgeRenderer renderer = defaultRenderer();
  BadgeData data = sampleBadge("Zoë");
  data.logoPath = logo;
  BadgeReport report;
  auto image = renderer.renderRgba(data, BadgeSize::kA6, 150, &report);
  ASSERT_TRUE(image.ok());
  EXPECT_TRUE(report.warnings.empty());
  const RectMm box = *renderer.badgeTemplate().layout(BadgeSize::kA6).logo;
  const std::uint8_t* p = image->at(static_cast<int>((box.x + box.w / 2) / 25.4 * 150),
                                    static_cast<int>((box.y + box.h / 2) / 25.4 * 150));
  EXPECT_GT(p[0], 240);
  EXPECT_LT(p[1], 15);
  EXPECT_LT(report.find("event")->box.right(), box.x);
}

TEST(BadgeInitials, FirstLettersOfFirstAndLastWord) {
  EXPECT_EQ(badgeInitials("Zoë Müller"), "ZM");
  EXPECT_EQ(badgeInitials("  ada   lovelace "), "AL");
  EXPECT_EQ(badgeInitials("王小明"), "王");
  EXPECT_EQ(badgeInitials("李 Chris 王"), "李王");
  EXPECT_EQ(badgeInitials("𠮷田 太郎"), "𠮷太");
  EXPECT_EQ(badgeInitials("e\xCC\x81mile zola"), "E\xCC\x81Z");  // combining acute stays
  EXPECT_EQ(badgeInitials("محمد بن سلمان"), "م\u200Cس");
  EXPECT_EQ(badgeInitials(""), "");
  EXPECT_EQ(badgeInitials("\xFF\xFE"), "\xFF");  // not UTF-8: no crash
}

TEST(BadgeData, MakeBadgeDataFromGuest) {
  Event event;
  event.name = "Summit";
  Guest guest;
  guest.name = "Zoë";
  guest.company = "ACME";
  guest.category = GuestCategory::kPress;
  guest.meetings.push_back(Meeting{"Plenary", "Hall A", std::nullopt, "12-08"});
  const BadgeData data = makeBadgeData(event, guest, "KT1:X");
  EXPECT_EQ(data.eventName, "Summit");
  EXPECT_EQ(data.categoryLabel, "Press");
  EXPECT_EQ(data.meetingRoom, "Hall A");
  EXPECT_EQ(data.seat, "12-08");
  EXPECT_EQ(makeBadgeData(event, guest, "", "媒体").categoryLabel, "媒体");
  EXPECT_EQ(parseBadgeSize("A6"), BadgeSize::kA6);
  EXPECT_EQ(parseBadgeSize("62MM"), BadgeSize::k62mm);
  EXPECT_EQ(parseBadgeSize("a4"), std::nullopt);
}

// A room named "Room 3" prints as "Room 3", not "Room Room 3" or "房间 Room 3".
TEST(BadgeData, TheLabelIsNotRepeatedWhenTheValueStartsWithIt) {
  EXPECT_EQ(labelled("Room", "3"), "Room 3");
  EXPECT_EQ(labelled("Room", "Room 3"), "Room 3");
  EXPECT_EQ(labelled("Room", "room 305"), "room 305");
  EXPECT_EQ(labelled("Room", "Roomba Hall"), "Room Roomba Hall");
  EXPECT_EQ(labelled("Room", "Hall A"), "Room Hall A");
  EXPECT_EQ(labelled("房间", "房间 3"), "房间 3");
  EXPECT_EQ(labelled("房间", "房间3"), "房间3");
  EXPECT_EQ(labelled("房间", "305"), "房间 305");
  EXPECT_EQ(labelled("Seat", "Seat A-12"), "Seat A-12");
  EXPECT_EQ(labelled("座位", "A-12"), "座位 A-12");
  EXPECT_EQ(labelled("", "A-12"), "A-12");
  // The label in the other language is not repeated either.
  EXPECT_EQ(labelled("房间", "Room 305", {"Room", "Seat"}), "Room 305");
  EXPECT_EQ(labelled("Room", "房间 3", {"房间", "座位"}), "房间 3");
  EXPECT_EQ(labelled("房间", "Hall A", {"Room", "Seat"}), "房间 Hall A");
}

TEST(ImageCodec, JpegRoundTripAndCorruptInput) {
  RgbaImage image;
  image.width = 16;
  image.height = 8;
  image.pixels.assign(16 * 8 * 4, 200);
  auto jpeg = encodeJpeg(image, 90);
  ASSERT_TRUE(jpeg.ok());
  EXPECT_EQ(sniffImageFormat(*jpeg), ImageFormat::kJpeg);
  auto back = decodeJpeg(*jpeg);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->width, 16);
  EXPECT_EQ(back->height, 8);
  EXPECT_NEAR(back->at(3, 3)[0], 200, 3);
  std::vector<std::uint8_t> truncated(jpeg->begin(), jpeg->begin() + 20);
  EXPECT_EQ(decodeJpeg(truncated).error().kind, ErrorKind::kInvalidInput);
  EXPECT_FALSE(decodeJpeg({}).ok());
  EXPECT_FALSE(encodeJpeg(RgbaImage{}, 90).ok());
}

}  // namespace
}  // namespace kiosk::devices
