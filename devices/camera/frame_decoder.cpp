#include "devices/camera/frame_decoder.h"

#define ZX_USE_UTF8 1
#include <ZXing/DecodeHints.h>
#include <ZXing/ImageView.h>
#include <ZXing/ReadBarcode.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "devices/camera/cv_frames.h"

namespace kiosk::devices {

namespace {

ZXing::BarcodeFormat toZxing(CodeFormat format) {
  switch (format) {
    case CodeFormat::kQrCode:
      return ZXing::BarcodeFormat::QRCode;
    case CodeFormat::kMicroQrCode:
      return ZXing::BarcodeFormat::MicroQRCode;
    case CodeFormat::kDataMatrix:
      return ZXing::BarcodeFormat::DataMatrix;
    case CodeFormat::kAztec:
      return ZXing::BarcodeFormat::Aztec;
    case CodeFormat::kPdf417:
      return ZXing::BarcodeFormat::PDF417;
    case CodeFormat::kCode128:
      return ZXing::BarcodeFormat::Code128;
    case CodeFormat::kCode39:
      return ZXing::BarcodeFormat::Code39;
    case CodeFormat::kCode93:
      return ZXing::BarcodeFormat::Code93;
    case CodeFormat::kCodabar:
      return ZXing::BarcodeFormat::Codabar;
    case CodeFormat::kEan8:
      return ZXing::BarcodeFormat::EAN8;
    case CodeFormat::kEan13:
      return ZXing::BarcodeFormat::EAN13;
    case CodeFormat::kUpcA:
      return ZXing::BarcodeFormat::UPCA;
    case CodeFormat::kUpcE:
      return ZXing::BarcodeFormat::UPCE;
    case CodeFormat::kItf:
      return ZXing::BarcodeFormat::ITF;
  }
  return ZXing::BarcodeFormat::QRCode;
}

CodeFormat fromZxing(ZXing::BarcodeFormat format) {
  for (int i = 0; i <= static_cast<int>(CodeFormat::kItf); ++i) {
    const auto candidate = static_cast<CodeFormat>(i);
    if (toZxing(candidate) == format) {
      return candidate;
    }
  }
  return CodeFormat::kQrCode;
}

ZXing::BarcodeFormats toZxing(const std::vector<CodeFormat>& formats) {
  ZXing::BarcodeFormats out;
  for (const auto format : formats) {
    out |= toZxing(format);
  }
  if (out.empty()) {
    out = ZXing::BarcodeFormat::QRCode;
  }
  return out;
}

// Where a pass ran: the image it saw and how it maps back onto the original frame.
struct PassGeometry {
  double scale = 1;    // original pixels per pass pixel
  double offsetX = 0;  // pass origin in original pixels
  double offsetY = 0;
  int frameWidth = 1;
  int frameHeight = 1;
};

struct PassResult {
  std::vector<DecodedCode> codes;
  std::optional<cv::Rect> located;  // a code found but not read, in original pixels
};

PassResult runPass(const cv::Mat& image, const ZXing::DecodeHints& hints,
                   const PassGeometry& geometry) {
  PassResult out;
  if (image.empty()) {
    return out;
  }
  ZXing::Results results;
  try {
    const ZXing::ImageView view(image.data, image.cols, image.rows, ZXing::ImageFormat::Lum,
                                static_cast<int>(image.step));
    results = ZXing::ReadBarcodes(view, hints);
  } catch (const std::exception&) {
    return out;  // a library failure on one image is no code in that image
  }
  for (const auto& result : results) {
    const auto& pos = result.position();
    double minX = pos[0].x;
    double maxX = pos[0].x;
    double minY = pos[0].y;
    double maxY = pos[0].y;
    for (const auto& p : pos) {
      minX = std::min(minX, static_cast<double>(p.x));
      maxX = std::max(maxX, static_cast<double>(p.x));
      minY = std::min(minY, static_cast<double>(p.y));
      maxY = std::max(maxY, static_cast<double>(p.y));
    }
    minX = minX * geometry.scale + geometry.offsetX;
    maxX = maxX * geometry.scale + geometry.offsetX;
    minY = minY * geometry.scale + geometry.offsetY;
    maxY = maxY * geometry.scale + geometry.offsetY;
    if (!result.isValid()) {
      if (!out.located) {
        out.located = cv::Rect(cv::Point(cvFloor(minX), cvFloor(minY)),
                               cv::Point(cvCeil(maxX) + 1, cvCeil(maxY) + 1));
      }
      continue;
    }
    DecodedCode code;
    code.text = result.text();
    code.format = fromZxing(result.format());
    code.box = NormalizedBox{static_cast<float>(minX / geometry.frameWidth),
                             static_cast<float>(minY / geometry.frameHeight),
                             static_cast<float>((maxX - minX) / geometry.frameWidth),
                             static_cast<float>((maxY - minY) / geometry.frameHeight)};
    out.codes.push_back(std::move(code));
  }
  return out;
}

ZXing::DecodeHints fastHints(const ZXing::BarcodeFormats& formats) {
  return ZXing::DecodeHints()
      .setFormats(formats)
      .setTryHarder(false)
      .setTryRotate(false)
      .setTryDownscale(false)
      // Located-but-unread codes come back as errors: the cue for a closer look.
      .setReturnErrors(true);
}

ZXing::DecodeHints hardHints(const ZXing::BarcodeFormats& formats) {
  return ZXing::DecodeHints()
      .setFormats(formats)
      .setTryHarder(true)
      .setTryRotate(false)
      .setTryDownscale(true);
}

ZXing::DecodeHints stillHints(const ZXing::BarcodeFormats& formats) {
  return ZXing::DecodeHints()
      .setFormats(formats)
      .setTryHarder(true)
      .setTryRotate(true)
      .setTryDownscale(true);
}

void removeDuplicates(std::vector<DecodedCode>& codes) {
  std::vector<DecodedCode> unique;
  for (auto& code : codes) {
    const bool seen = std::any_of(unique.begin(), unique.end(), [&](const DecodedCode& other) {
      return other.text == code.text && other.format == code.format;
    });
    if (!seen) {
      unique.push_back(std::move(code));
    }
  }
  codes = std::move(unique);
}

double rankScore(const DecodedCode& code) {
  const double dx = static_cast<double>(code.box.centerX()) - 0.5;
  const double dy = static_cast<double>(code.box.centerY()) - 0.5;
  // 0 at the centre, ~0.7 in a corner: a code in a corner must be about twice the area
  // of a central one to win.
  const double offCentre = std::sqrt(dx * dx + dy * dy);
  return static_cast<double>(code.box.area()) * (1.5 - offCentre);
}

}  // namespace

void rankCodes(std::vector<DecodedCode>& codes) {
  std::stable_sort(codes.begin(), codes.end(), [](const DecodedCode& a, const DecodedCode& b) {
    return rankScore(a) > rankScore(b);
  });
}

// ---------------------------------------------------------------------------------------
// FrameDecoder

struct FrameDecoder::Impl {
  ZXing::BarcodeFormats formats;
  ZXing::DecodeHints fast;
  ZXing::DecodeHints fastNoErrors;
  ZXing::DecodeHints hard;
  cv::Mat small;
  cv::Mat scratch;
  unsigned framesWithoutCode = 0;
  unsigned thoroughTurn = 0;
};

FrameDecoder::FrameDecoder(FrameDecoderOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  impl_->formats = toZxing(options_.formats);
  impl_->fast = fastHints(impl_->formats);
  impl_->fastNoErrors = fastHints(impl_->formats).setReturnErrors(false);
  impl_->hard = hardHints(impl_->formats);
  options_.fastMaxWidth = std::max(64, options_.fastMaxWidth);
}

FrameDecoder::~FrameDecoder() = default;

std::vector<DecodedCode> FrameDecoder::decode(const GrayFrame& frame) {
  const auto start = std::chrono::steady_clock::now();
  report_ = FrameDecodeReport{};
  std::vector<DecodedCode> codes;
  if (frame.empty() || frame.pixels.size() < frame.byteSize()) {
    return codes;
  }
  auto& impl = *impl_;
  try {
    const cv::Mat full = detail::grayView(frame);
    const int factor = (frame.width + options_.fastMaxWidth - 1) / options_.fastMaxWidth;
    const cv::Mat* fastImage = &full;
    if (factor > 1) {
      cv::resize(full, impl.small, cv::Size(frame.width / factor, frame.height / factor), 0, 0,
                 cv::INTER_AREA);
      fastImage = &impl.small;
    }
    const PassGeometry fullGeometry{1, 0, 0, frame.width, frame.height};
    const PassGeometry fastGeometry{static_cast<double>(frame.width) / fastImage->cols, 0, 0,
                                    frame.width, frame.height};

    PassResult pass = runPass(*fastImage, impl.fast, fastGeometry);
    codes = std::move(pass.codes);

    if (codes.empty() && pass.located) {
      // The cheap pass saw finder patterns but could not read the code: read that
      // region at full resolution, trying harder, with a margin for the quiet zone.
      report_.likelyCode = true;
      report_.thorough = true;
      cv::Rect roi = *pass.located;
      const int margin = std::max(roi.width, roi.height) / 3 + 8;
      roi.x -= margin;
      roi.y -= margin;
      roi.width += 2 * margin;
      roi.height += 2 * margin;
      roi &= cv::Rect(0, 0, frame.width, frame.height);
      if (roi.area() > 0) {
        const PassGeometry roiGeometry{1, static_cast<double>(roi.x), static_cast<double>(roi.y),
                                       frame.width, frame.height};
        codes = runPass(full(roi), impl.hard, roiGeometry).codes;
      }
    }

    if (codes.empty() && options_.thoroughEvery > 0 && !report_.thorough &&
        ++impl.framesWithoutCode % static_cast<unsigned>(options_.thoroughEvery) == 0) {
      report_.thorough = true;
      // Rotation of the expensive passes: full resolution trying harder (small, distant
      // or hard codes; it retries downscaled too), and the inverted cheap image
      // (light-on-dark codes, e.g. phones in dark mode; ZXing 1.4 does not invert).
      const unsigned kinds = options_.tryInverted ? 2 : 1;
      if (impl.thoroughTurn++ % kinds == 0) {
        codes = runPass(full, impl.hard, fullGeometry).codes;
      } else {
        cv::bitwise_not(*fastImage, impl.scratch);
        codes = runPass(impl.scratch, impl.fastNoErrors, fastGeometry).codes;
      }
    }
  } catch (const cv::Exception&) {
    codes.clear();
  }
  if (!codes.empty()) {
    impl.framesWithoutCode = 0;
  }
  removeDuplicates(codes);
  rankCodes(codes);
  report_.millis =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return codes;
}

// ---------------------------------------------------------------------------------------
// Still images

std::vector<DecodedCode> decodeStill(const GrayFrame& image,
                                     const std::vector<CodeFormat>& formats) {
  std::vector<DecodedCode> codes;
  if (image.empty() || image.pixels.size() < image.byteSize()) {
    return codes;
  }
  const auto zxFormats = toZxing(formats);
  const auto hints = stillHints(zxFormats);
  try {
    const cv::Mat full = detail::grayView(image);
    const PassGeometry geometry{1, 0, 0, image.width, image.height};
    codes = runPass(full, hints, geometry).codes;
    // Retries, each a different way a photo defeats the binarizer; cheapest first and
    // stopping at the first that reads anything.
    cv::Mat work;
    if (codes.empty()) {
      cv::bitwise_not(full, work);
      codes = runPass(work, hints, geometry).codes;
    }
    const int longSide = std::max(image.width, image.height);
    if (codes.empty() && longSide <= 1600) {
      // Small codes: modules of one or two pixels read better after upsampling.
      cv::resize(full, work, cv::Size(), 2, 2, cv::INTER_CUBIC);
      codes = runPass(work, hints, PassGeometry{0.5, 0, 0, image.width, image.height}).codes;
    }
    if (codes.empty() && longSide >= 400) {
      cv::resize(full, work, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
      codes = runPass(work, hints,
                      PassGeometry{static_cast<double>(image.width) / work.cols, 0, 0, image.width,
                                   image.height})
                  .codes;
    }
    if (codes.empty()) {
      // Sensor noise and JPEG artefacts.
      cv::GaussianBlur(full, work, cv::Size(5, 5), 0);
      codes = runPass(work, hints, geometry).codes;
    }
    if (codes.empty()) {
      cv::medianBlur(full, work, 3);
      codes = runPass(work, hints, geometry).codes;
    }
    if (codes.empty()) {
      // Uneven light where a global threshold does better than the local one.
      cv::threshold(full, work, 0, 255, cv::THRESH_BINARY | cv::THRESH_OTSU);
      codes = runPass(work, hints, geometry).codes;
    }
  } catch (const cv::Exception&) {
    codes.clear();
  }
  removeDuplicates(codes);
  rankCodes(codes);
  return codes;
}

Result<GrayFrame> loadGrayImage(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return makeError(ErrorKind::kNotFound, "no such file: " + path);
  }
  cv::Mat image;
  try {
    image = cv::imread(path, cv::IMREAD_GRAYSCALE);
  } catch (const cv::Exception& e) {
    return makeError(ErrorKind::kInvalidInput, "cannot read image " + path + ": " + e.what());
  }
  if (image.empty()) {
    return makeError(ErrorKind::kInvalidInput, "not a readable image: " + path);
  }
  return detail::grayFrameFromMat(image);
}

Result<std::vector<DecodedCode>> decodeImageFile(const std::string& path,
                                                 const std::vector<CodeFormat>& formats) {
  auto image = loadGrayImage(path);
  if (!image) {
    return image.error();
  }
  return decodeStill(*image, formats);
}

}  // namespace kiosk::devices
