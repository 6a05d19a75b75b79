#include "devices/camera/synthetic_scene.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <random>
#include <variant>

#include "devices/camera/cv_frames.h"
#include "documents/qr_code.h"

namespace kiosk::devices {

namespace {
constexpr double kPi = 3.14159265358979323846;
// How far the camera shakes and the noise pattern moves; the textures carry a margin.
constexpr int kMargin = 24;
// Noise is drawn once into a larger tile and cropped at a random offset per frame:
// cv::randn over a full frame every frame would cost more than decoding it.
constexpr int kNoiseTileExtra = 64;

struct EmptyContent {};
struct CodeContent {
  cv::Mat phone;    // the code on a phone screen with its dark bezel, 8-bit gray
  cv::Rect2f code;  // where the code (with quiet zone) is on the phone
};
struct ImageContent {
  cv::Mat image;  // 8-bit gray
};
struct FaceContent {
  FacePlacement placement;
};
using Content = std::variant<EmptyContent, CodeContent, ImageContent, FaceContent>;

cv::Mat makeBackground(int width, int height, std::mt19937& rng) {
  cv::Mat small(9, 16, CV_32F);
  cv::randu(small, 95.0, 165.0);
  cv::Mat background;
  cv::resize(small, background, cv::Size(width, height), 0, 0, cv::INTER_CUBIC);
  background.convertTo(background, CV_8U);
  // Lobby furniture: door frames, posters, a counter edge; random but fixed per seed.
  std::uniform_int_distribution<int> xs(0, width - 1);
  std::uniform_int_distribution<int> ys(0, height - 1);
  std::uniform_int_distribution<int> shade(60, 210);
  for (int i = 0; i < 10; ++i) {
    const cv::Point a(xs(rng), ys(rng));
    const cv::Point b(a.x + xs(rng) / 4, a.y + ys(rng) / 4);
    cv::rectangle(background, a, b, cv::Scalar(shade(rng)), i % 3 == 0 ? -1 : 3, cv::LINE_AA);
  }
  std::uniform_int_distribution<int> lean(-height / 40, height / 40);
  for (int i = 0; i < 6; ++i) {
    const int x = xs(rng);
    cv::line(background, cv::Point(x, 0), cv::Point(x + lean(rng), height - 1),
             cv::Scalar(shade(rng)), 2 + i % 3, cv::LINE_AA);
  }
  cv::GaussianBlur(background, background, cv::Size(0, 0), 1.5);
  return background;
}

cv::Mat makeNoiseTile(int width, int height, double sigma, std::mt19937& rng) {
  cv::Mat noise(height, width, CV_16S);
  cv::RNG local(rng());  // not cv::theRNG(): that is the calling thread's, shared state
  local.fill(noise, cv::RNG::NORMAL, 0.0, sigma);
  return noise;
}

CodeContent makePhone(const QrMatrix& qr) {
  constexpr int kModule = 8;
  int side = 0;
  const auto raster = rasterizeQr(qr, kModule, side);
  cv::Mat code(side, side, CV_8U, const_cast<std::uint8_t*>(raster.data()));
  // A phone screen is not paper: the dark modules glow a little, white is not white.
  cv::Mat screen;
  code.convertTo(screen, CV_8U, (225.0 - 35.0) / 255.0, 35.0);
  const int bezel = side / 10;
  cv::Mat phone(side + 2 * bezel, side + 2 * bezel + bezel / 2, CV_8U, cv::Scalar(28));
  const cv::Rect codeRect(bezel + bezel / 4, bezel, side, side);
  screen.copyTo(phone(codeRect));
  return CodeContent{phone, cv::Rect2f(codeRect)};
}

// Draws the face used by tests and the demo's photo step; proportions follow a real
// head so that the Haar cascade's eye/nose/cheek contrasts are present.
void drawFace(cv::Mat& img, cv::Point2f c, float w) {
  const float h = w * 1.3f;
  auto pt = [](float x, float y) { return cv::Point(cvRound(x), cvRound(y)); };
  auto sz = [](float x, float y) { return cv::Size(cvRound(x), cvRound(y)); };
  const int thin = std::max(1, cvRound(w * 0.02f));
  const int thick = std::max(2, cvRound(w * 0.03f));
  cv::ellipse(img, pt(c.x, c.y - h * 0.12f), sz(w * 0.56f, h * 0.55f), 0, 0, 360, cv::Scalar(40),
              -1, cv::LINE_AA);  // hair
  cv::rectangle(img, pt(c.x - w * 0.2f, c.y + h * 0.3f), pt(c.x + w * 0.2f, c.y + h * 0.8f),
                cv::Scalar(150), -1);  // neck
  cv::ellipse(img, pt(c.x, c.y + h * 1.1f), sz(w * 1.1f, h * 0.45f), 0, 180, 360, cv::Scalar(70),
              -1, cv::LINE_AA);  // shoulders
  cv::ellipse(img, c, sz(w * 0.5f, h * 0.5f), 0, 0, 360, cv::Scalar(185), -1, cv::LINE_AA);
  cv::ellipse(img, pt(c.x, c.y - h * 0.42f), sz(w * 0.5f, h * 0.16f), 0, 180, 360, cv::Scalar(40),
              -1, cv::LINE_AA);  // fringe
  const float eyeY = c.y - h * 0.08f;
  for (const float side : {-1.0f, 1.0f}) {
    const cv::Point eye = pt(c.x + side * w * 0.2f, eyeY);
    cv::ellipse(img, eye, sz(w * 0.14f, h * 0.07f), 0, 0, 360, cv::Scalar(120), -1,
                cv::LINE_AA);  // socket shadow
    cv::ellipse(img, eye, sz(w * 0.09f, h * 0.035f), 0, 0, 360, cv::Scalar(230), -1, cv::LINE_AA);
    cv::circle(img, eye, cvRound(w * 0.035f), cv::Scalar(30), -1, cv::LINE_AA);
    cv::ellipse(img, pt(static_cast<float>(eye.x), eyeY - h * 0.09f), sz(w * 0.12f, h * 0.03f), 0,
                180, 360, cv::Scalar(50), thick, cv::LINE_AA);  // brow
  }
  cv::line(img, pt(c.x - w * 0.03f, eyeY + h * 0.02f), pt(c.x - w * 0.06f, c.y + h * 0.12f),
           cv::Scalar(140), thin, cv::LINE_AA);
  cv::ellipse(img, pt(c.x, c.y + h * 0.14f), sz(w * 0.08f, h * 0.03f), 0, 0, 180, cv::Scalar(120),
              thin, cv::LINE_AA);
  cv::ellipse(img, pt(c.x, c.y + h * 0.27f), sz(w * 0.16f, h * 0.04f), 0, 0, 180, cv::Scalar(90),
              thick, cv::LINE_AA);
}
}  // namespace

struct SyntheticScene::Impl {
  SyntheticSceneOptions options;
  std::mt19937 rng;
  cv::Mat background;  // (width + 2 margin) x (height + 2 margin)
  cv::Mat noise;       // CV_16S tile, larger than a frame
  Content content;
  double light = 1.0;
  std::optional<NormalizedBox> lastCodeBox;
  cv::Mat canvas;
  cv::Mat work16;

  explicit Impl(SyntheticSceneOptions opts) : options(opts), rng(opts.seed) {
    options.width = std::max(64, options.width);
    options.height = std::max(48, options.height);
    background = makeBackground(options.width + 2 * kMargin, options.height + 2 * kMargin, rng);
    noise = makeNoiseTile(options.width + kNoiseTileExtra, options.height + kNoiseTileExtra,
                          options.noiseSigma, rng);
  }

  void drawCode(const CodeContent& code, double t) {
    const cv::Mat& phone = code.phone;
    const double w = options.width;
    const double h = options.height;
    const double m = options.motion;
    const double side = options.codeHeightFraction * h * (1.0 + 0.08 * std::sin(0.6 * t) * m);
    const double cx = w / 2 + 0.12 * w * std::sin(0.7 * t) * m;
    const double cy = h / 2 + 0.08 * h * std::sin(0.9 * t + 1.0) * m;
    const double angle = 8.0 * kPi / 180.0 * std::sin(0.5 * t) * m;
    const double tilt = 0.08 * std::sin(0.4 * t) * m;  // top edge narrower or wider
    const double scale = side / static_cast<double>(code.code.height);
    const double hw = phone.cols * scale / 2;
    const double hh = phone.rows * scale / 2;
    const std::array<cv::Point2d, 4> local = {
        cv::Point2d(-hw * (1 - tilt), -hh), cv::Point2d(hw * (1 - tilt), -hh),
        cv::Point2d(hw * (1 + tilt), hh), cv::Point2d(-hw * (1 + tilt), hh)};
    std::array<cv::Point2f, 4> dst{};
    for (std::size_t i = 0; i < 4; ++i) {
      const double x = local[i].x * std::cos(angle) - local[i].y * std::sin(angle);
      const double y = local[i].x * std::sin(angle) + local[i].y * std::cos(angle);
      dst[i] = cv::Point2f(static_cast<float>(cx + x), static_cast<float>(cy + y));
    }
    const std::array<cv::Point2f, 4> src = {
        cv::Point2f(0, 0), cv::Point2f(static_cast<float>(phone.cols), 0),
        cv::Point2f(static_cast<float>(phone.cols), static_cast<float>(phone.rows)),
        cv::Point2f(0, static_cast<float>(phone.rows))};
    const cv::Mat transform = cv::getPerspectiveTransform(src.data(), dst.data());
    cv::warpPerspective(phone, canvas, transform, canvas.size(), cv::INTER_AREA,
                        cv::BORDER_TRANSPARENT);
    const std::vector<cv::Point2f> codeCorners = {
        code.code.tl(), cv::Point2f(code.code.x + code.code.width, code.code.y), code.code.br(),
        cv::Point2f(code.code.x, code.code.y + code.code.height)};
    std::vector<cv::Point2f> drawn;
    cv::perspectiveTransform(codeCorners, drawn, transform);
    float minX = drawn[0].x;
    float maxX = drawn[0].x;
    float minY = drawn[0].y;
    float maxY = drawn[0].y;
    for (const auto& p : drawn) {
      minX = std::min(minX, p.x);
      maxX = std::max(maxX, p.x);
      minY = std::min(minY, p.y);
      maxY = std::max(maxY, p.y);
    }
    lastCodeBox = NormalizedBox{minX / options.width, minY / options.height,
                                (maxX - minX) / options.width, (maxY - minY) / options.height};
  }

  void drawImage(const cv::Mat& image, double t) {
    const double scale =
        std::min(0.9 * options.width / image.cols, 0.9 * options.height / image.rows);
    // A hand holding a picture up: a pixel or two of tremor, nothing more.
    const double jx = 1.5 * std::sin(2.1 * t) * options.motion;
    const double jy = 1.5 * std::sin(1.7 * t + 0.5) * options.motion;
    const double x0 = (options.width - image.cols * scale) / 2 + jx;
    const double y0 = (options.height - image.rows * scale) / 2 + jy;
    const cv::Mat transform = (cv::Mat_<double>(2, 3) << scale, 0, x0, 0, scale, y0);
    cv::warpAffine(image, canvas, transform, canvas.size(),
                   scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR, cv::BORDER_TRANSPARENT);
  }

  GrayFrame render(double t) {
    lastCodeBox.reset();
    const double m = options.motion;
    const int shakeX = kMargin + cvRound(4 * std::sin(1.3 * t) * m);
    const int shakeY = kMargin + cvRound(3 * std::sin(1.1 * t + 2.0) * m);
    background(cv::Rect(shakeX, shakeY, options.width, options.height)).copyTo(canvas);
    if (const auto* code = std::get_if<CodeContent>(&content)) {
      drawCode(*code, t);
    } else if (const auto* image = std::get_if<ImageContent>(&content)) {
      drawImage(image->image, t);
    } else if (const auto* face = std::get_if<FaceContent>(&content)) {
      const auto& p = face->placement;
      // A person standing in front of a kiosk sways a little.
      const float sway = static_cast<float>(0.003 * std::sin(0.8 * t) * m);
      drawFace(canvas,
               cv::Point2f((p.centerX + sway) * static_cast<float>(options.width),
                           p.centerY * static_cast<float>(options.height)),
               p.width * static_cast<float>(options.width));
    }
    if (options.blurSigma > 0) {
      cv::GaussianBlur(canvas, canvas, cv::Size(0, 0), options.blurSigma);
    }
    std::uniform_int_distribution<int> offX(0, kNoiseTileExtra);
    std::uniform_int_distribution<int> offY(0, kNoiseTileExtra);
    const cv::Mat noiseCrop = noise(cv::Rect(offX(rng), offY(rng), options.width, options.height));
    canvas.convertTo(work16, CV_16S, light);
    cv::add(work16, noiseCrop, work16);
    GrayFrame frame;
    frame.width = options.width;
    frame.height = options.height;
    frame.pixels.resize(frame.byteSize());
    cv::Mat out = detail::grayView(frame);
    work16.convertTo(out, CV_8U);
    return frame;
  }
};

SyntheticScene::SyntheticScene(SyntheticSceneOptions options)
    : impl_(std::make_unique<Impl>(options)) {}
SyntheticScene::~SyntheticScene() = default;
SyntheticScene::SyntheticScene(SyntheticScene&&) noexcept = default;
SyntheticScene& SyntheticScene::operator=(SyntheticScene&&) noexcept = default;

void SyntheticScene::clear() {
  impl_->content = EmptyContent{};
}

Status SyntheticScene::showCode(const std::string& text) {
  auto qr = encodeQr(text, QrErrorCorrection::kMedium);
  if (!qr) {
    return qr.error();
  }
  impl_->content = makePhone(*qr);
  return okStatus();
}

Status SyntheticScene::showImage(const std::string& path) {
  cv::Mat image;
  try {
    image = cv::imread(path, cv::IMREAD_GRAYSCALE);
  } catch (const cv::Exception& e) {
    return makeError(ErrorKind::kNotFound, "cannot read image " + path + ": " + e.what());
  }
  if (image.empty()) {
    return makeError(ErrorKind::kNotFound, "cannot read image " + path);
  }
  impl_->content = ImageContent{image};
  return okStatus();
}

void SyntheticScene::showFace(FacePlacement placement) {
  impl_->content = FaceContent{placement};
}

void SyntheticScene::setLight(double gain) {
  impl_->light = std::clamp(gain, 0.0, 2.0);
}

GrayFrame SyntheticScene::render(double seconds) {
  return impl_->render(seconds);
}

std::optional<NormalizedBox> SyntheticScene::lastCodeBox() const {
  return impl_->lastCodeBox;
}

const SyntheticSceneOptions& SyntheticScene::options() const {
  return impl_->options;
}

}  // namespace kiosk::devices
