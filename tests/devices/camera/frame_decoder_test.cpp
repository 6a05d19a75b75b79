#include "devices/camera/frame_decoder.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "devices/camera/synthetic_scene.h"
#include "documents/qr_code.h"
#include "tests/devices/camera/test_support.h"

namespace kiosk::devices {
namespace {

const std::string kToken =
    "K1.eyJrIjoiazEiLCJlIjo0MiwiZyI6MTIzNDV9.Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg";

// Draws `text` as a QR code of `side` pixels (with quiet zone) centred at (cx, cy).
void drawCode(cv::Mat& canvas, const std::string& text, int side, int cx, int cy) {
  auto qr = encodeQr(text);
  ASSERT_TRUE(qr.ok());
  int rasterSide = 0;
  auto raster = rasterizeQr(*qr, 8, rasterSide);
  const cv::Mat code(rasterSide, rasterSide, CV_8U, raster.data());
  cv::Mat scaled;
  cv::resize(code, scaled, cv::Size(side, side), 0, 0, cv::INTER_AREA);
  scaled.copyTo(canvas(cv::Rect(cx - side / 2, cy - side / 2, side, side)));
}

GrayFrame toFrame(const cv::Mat& image) {
  GrayFrame frame;
  frame.width = image.cols;
  frame.height = image.rows;
  frame.pixels.assign(image.datastart, image.dataend);
  return frame;
}

GrayFrame sceneFrame(SyntheticScene& scene, int index) {
  return scene.render(index / 30.0);
}

TEST(FrameDecoder, ReadsTheCodeInASyntheticCameraFrame) {
  SyntheticScene scene;
  ASSERT_TRUE(scene.showCode(kToken).ok());
  FrameDecoder decoder;
  int read = 0;
  for (int i = 0; i < 30; ++i) {
    const GrayFrame frame = sceneFrame(scene, i);
    const auto codes = decoder.decode(frame);
    if (!codes.empty()) {
      ++read;
      EXPECT_EQ(codes.front().text, kToken);
      EXPECT_EQ(codes.front().format, CodeFormat::kQrCode);
      // The reported box is where the scene drew the code.
      const auto drawn = scene.lastCodeBox();
      ASSERT_TRUE(drawn.has_value());
      EXPECT_NEAR(codes.front().box.centerX(), drawn->centerX(), 0.03);
      EXPECT_NEAR(codes.front().box.centerY(), drawn->centerY(), 0.03);
    }
  }
  // Motion, blur and noise cost a frame now and then, not most of them.
  EXPECT_GE(read, 24);
}

TEST(FrameDecoder, EmptyLobbyFramesYieldNothing) {
  SyntheticScene scene;
  FrameDecoder decoder;
  for (int i = 0; i < 45; ++i) {
    EXPECT_TRUE(decoder.decode(sceneFrame(scene, i)).empty()) << "frame " << i;
  }
}

TEST(FrameDecoder, InvertedCodeIsReadWithinAFewFrames) {
  SyntheticScene scene;
  ASSERT_TRUE(scene.showCode(kToken).ok());
  // The cheap pass alone does not read light-on-dark codes (ZXing 1.4 has no inversion)...
  FrameDecoder cheapOnly(FrameDecoderOptions{{CodeFormat::kQrCode}, 960, 0, true});
  for (int i = 0; i < 6; ++i) {
    EXPECT_TRUE(cheapOnly.decode(test::inverted(sceneFrame(scene, i))).empty());
  }
  // ...the expensive rotation does, within a few frames.
  FrameDecoder decoder;
  std::optional<std::string> text;
  int frames = 0;
  for (; frames < 12 && !text; ++frames) {
    const auto codes = decoder.decode(test::inverted(sceneFrame(scene, frames)));
    if (!codes.empty()) {
      text = codes.front().text;
    }
  }
  ASSERT_TRUE(text.has_value()) << "inverted code not read in 12 frames";
  EXPECT_EQ(*text, kToken);
  EXPECT_LE(frames, 3 * decoder.options().thoroughEvery);
}

TEST(FrameDecoder, SmallDistantCodeIsReadAtFullResolution) {
  cv::Mat canvas(720, 1280, CV_8U, cv::Scalar(140));
  cv::randn(canvas, 140, 12);
  // 90 pixels for ~40 modules: about one pixel per module once halved.
  drawCode(canvas, "DISTANT-CODE-0042", 90, 400, 300);
  const GrayFrame frame = toFrame(canvas);
  FrameDecoder decoder;
  std::optional<std::string> text;
  for (int i = 0; i < 9 && !text; ++i) {
    const auto codes = decoder.decode(frame);
    if (!codes.empty()) {
      text = codes.front().text;
    }
  }
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, "DISTANT-CODE-0042");
}

TEST(FrameDecoder, MostCentralOfTwoEqualCodesWins) {
  cv::Mat canvas(720, 1280, CV_8U, cv::Scalar(150));
  drawCode(canvas, "CORNER", 220, 170, 150);
  drawCode(canvas, "CENTRE", 220, 660, 380);
  FrameDecoder decoder;
  const auto codes = decoder.decode(toFrame(canvas));
  ASSERT_EQ(codes.size(), 2u);
  EXPECT_EQ(codes[0].text, "CENTRE");
  EXPECT_EQ(codes[1].text, "CORNER");
  EXPECT_NEAR(codes[0].box.centerX(), 660.0f / 1280, 0.02);
}

TEST(FrameDecoder, LargestOfTwoCodesWins) {
  cv::Mat canvas(720, 1280, CV_8U, cv::Scalar(150));
  // Both equally far from the centre, one much larger (held closer to the camera).
  drawCode(canvas, "NEAR-GUEST", 330, 420, 360);
  drawCode(canvas, "FAR-GUEST", 150, 860, 360);
  FrameDecoder decoder;
  const auto codes = decoder.decode(toFrame(canvas));
  ASSERT_EQ(codes.size(), 2u);
  EXPECT_EQ(codes[0].text, "NEAR-GUEST");
}

TEST(FrameDecoder, BrokenFramesYieldNothing) {
  FrameDecoder decoder;
  EXPECT_TRUE(decoder.decode(GrayFrame{}).empty());
  GrayFrame truncated;
  truncated.width = 640;
  truncated.height = 480;
  truncated.pixels.resize(100);
  EXPECT_TRUE(decoder.decode(truncated).empty());
}

TEST(DecodeImageFile, ReadsAGeneratedPng) {
  test::TempDir dir;
  auto qr = encodeQr("https://example.org/invite?c=ABC123");
  ASSERT_TRUE(qr.ok());
  const std::string path = (dir.path() / "code.png").string();
  ASSERT_TRUE(writeQrPng(*qr, path, 4).ok());
  auto codes = decodeImageFile(path);
  ASSERT_TRUE(codes.ok()) << codes.error().message;
  ASSERT_EQ(codes->size(), 1u);
  EXPECT_EQ(codes->front().text, "https://example.org/invite?c=ABC123");
}

// Codes carry UTF-8 (the phone summary is Chinese): encodeQr used ZXing's default
// ISO-8859-1 and refused it.
TEST(DecodeImageFile, Utf8TextRoundTrips) {
  test::TempDir dir;
  const std::string text = "张伟 · 3号班车 08:30 酒店北门 · Zoë 𠮷";
  auto qr = encodeQr(text);
  ASSERT_TRUE(qr.ok()) << qr.error().message;
  const std::string path = (dir.path() / "utf8.png").string();
  ASSERT_TRUE(writeQrPng(*qr, path, 4).ok());
  auto codes = decodeImageFile(path);
  ASSERT_TRUE(codes.ok()) << codes.error().message;
  ASSERT_EQ(codes->size(), 1u);
  EXPECT_EQ(codes->front().text, text);
}

TEST(DecodeImageFile, ReadsAnInvertedImage) {
  test::TempDir dir;
  cv::Mat canvas(400, 400, CV_8U, cv::Scalar(255));
  drawCode(canvas, "WHITE-ON-BLACK", 300, 200, 200);
  cv::bitwise_not(canvas, canvas);
  const std::string path = (dir.path() / "inverted.png").string();
  ASSERT_TRUE(cv::imwrite(path, canvas));
  auto codes = decodeImageFile(path);
  ASSERT_TRUE(codes.ok());
  ASSERT_FALSE(codes->empty());
  EXPECT_EQ(codes->front().text, "WHITE-ON-BLACK");
}

TEST(DecodeImageFile, ImageWithoutCodeIsEmptyNotAnError) {
  test::TempDir dir;
  cv::Mat canvas(300, 300, CV_8U);
  cv::randn(canvas, 128, 40);
  const std::string path = (dir.path() / "noise.png").string();
  ASSERT_TRUE(cv::imwrite(path, canvas));
  auto codes = decodeImageFile(path);
  ASSERT_TRUE(codes.ok());
  EXPECT_TRUE(codes->empty());
}

TEST(DecodeImageFile, MissingAndUnreadableFilesAreErrors) {
  test::TempDir dir;
  auto missing = decodeImageFile((dir.path() / "nope.png").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  const std::string text = (dir.path() / "notes.png").string();
  {
    std::FILE* f = std::fopen(text.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("not an image", f);
    std::fclose(f);
  }
  auto unreadable = decodeImageFile(text);
  ASSERT_FALSE(unreadable.ok());
  EXPECT_EQ(unreadable.error().kind, ErrorKind::kInvalidInput);
}

TEST(CodeFormat, NamesRoundTrip) {
  for (int i = 0; i <= static_cast<int>(CodeFormat::kItf); ++i) {
    const auto format = static_cast<CodeFormat>(i);
    EXPECT_EQ(parseCodeFormat(toString(format)), format);
  }
  EXPECT_FALSE(parseCodeFormat("qrcode").has_value());
  const auto list = parseCodeFormats("qr,data_matrix");
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(*list, (std::vector<CodeFormat>{CodeFormat::kQrCode, CodeFormat::kDataMatrix}));
  EXPECT_FALSE(parseCodeFormats("").has_value());
  EXPECT_FALSE(parseCodeFormats("qr,bogus").has_value());
}

}  // namespace
}  // namespace kiosk::devices
