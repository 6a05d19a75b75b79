#include "devices/camera/photo_guide.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "devices/camera/cv_frames.h"

namespace kiosk::devices {

const char* toString(PhotoHint hint) {
  switch (hint) {
    case PhotoHint::kNoFace:
      return "no_face";
    case PhotoHint::kTooDark:
      return "too_dark";
    case PhotoHint::kMoveCloser:
      return "move_closer";
    case PhotoHint::kMoveBack:
      return "move_back";
    case PhotoHint::kMoveLeft:
      return "move_left";
    case PhotoHint::kMoveRight:
      return "move_right";
    case PhotoHint::kHoldStill:
      return "hold_still";
    case PhotoHint::kCountdown:
      return "countdown";
    case PhotoHint::kCaptured:
      return "captured";
    case PhotoHint::kOptedOut:
      return "opted_out";
  }
  return "no_face";
}

namespace {
// Two detections within this distance (fraction of the frame) are the same face.
constexpr float kSameFace = 0.1f;
}  // namespace

struct PhotoGuide::Impl {
  PhotoGuideOptions options;
  cv::CascadeClassifier cascade;
  cv::Mat small;
  PhotoGuidance current;
  std::optional<CapturedPhoto> photo;
  std::optional<NormalizedBox> previousFace;  // the last confirmed face
  std::optional<NormalizedBox> candidate;     // the last detection, confirmed or not
  std::optional<TimePoint> steadySince;
  bool optedOut = false;

  std::optional<NormalizedBox> detectFace(const cv::Mat& gray, double& brightness) {
    const int width = std::max(32, std::min(options.detectionWidth, gray.cols));
    const int height = std::max(1, gray.rows * width / gray.cols);
    cv::resize(gray, small, cv::Size(width, height), 0, 0, cv::INTER_AREA);
    brightness = cv::mean(small)[0];
    if (brightness < options.minBrightness) {
      return std::nullopt;
    }
    // No histogram equalization: the cascade normalizes each window's contrast itself,
    // and equalizing turns smooth wall shading into eye-and-cheek patterns.
    std::vector<cv::Rect> faces;
    // The cascade's own 24x24 window is the smallest face; a 1.15 scale step finds the
    // same faces as 1.1 at two thirds of the cost.
    cascade.detectMultiScale(small, faces, 1.15, 4, 0, cv::Size(24, 24));
    if (faces.empty()) {
      return std::nullopt;
    }
    // The guest is the one closest to the camera: the largest face.
    const auto best =
        std::max_element(faces.begin(), faces.end(),
                         [](const auto& a, const auto& b) { return a.area() < b.area(); });
    return NormalizedBox{static_cast<float>(best->x) / static_cast<float>(width),
                         static_cast<float>(best->y) / static_cast<float>(height),
                         static_cast<float>(best->width) / static_cast<float>(width),
                         static_cast<float>(best->height) / static_cast<float>(height)};
  }

  PhotoHint placementHint(const NormalizedBox& face) const {
    if (face.width < options.minFaceWidth) {
      return PhotoHint::kMoveCloser;
    }
    if (face.width > options.maxFaceWidth) {
      return PhotoHint::kMoveBack;
    }
    const float offset = face.centerX() - 0.5f;
    if (std::abs(offset) > options.centerTolerance) {
      // The camera faces the guest: a face right of centre in an unmirrored frame is on
      // the guest's left, so the guest should move to their right.
      const bool faceOnImageRight = offset > 0;
      const bool moveRight = faceOnImageRight != options.mirrored;
      return moveRight ? PhotoHint::kMoveRight : PhotoHint::kMoveLeft;
    }
    return PhotoHint::kCountdown;
  }

  std::optional<CapturedPhoto> takePhoto(const CameraFrame& frame, const NormalizedBox& face,
                                         TimePoint now) const {
    const bool color = !frame.color.empty();
    const int frameWidth = color ? frame.color.width : frame.gray.width;
    const int frameHeight = color ? frame.color.height : frame.gray.height;
    const double aspect = static_cast<double>(options.outputWidth) / options.outputHeight;
    double cropHeight = static_cast<double>(face.height) * frameHeight /
                        static_cast<double>(options.faceHeightInPhoto);
    double cropWidth = cropHeight * aspect;
    // A crop larger than the frame shrinks (same aspect) rather than leave the frame.
    const double fit = std::min({1.0, frameWidth / cropWidth, frameHeight / cropHeight});
    cropWidth *= fit;
    cropHeight *= fit;
    const double faceCx = static_cast<double>(face.centerX()) * frameWidth;
    const double faceCy = static_cast<double>(face.centerY()) * frameHeight;
    double left = faceCx - cropWidth / 2;
    double top = faceCy - static_cast<double>(options.faceCenterYInPhoto) * cropHeight;
    left = std::clamp(left, 0.0, frameWidth - cropWidth);
    top = std::clamp(top, 0.0, frameHeight - cropHeight);
    const cv::Rect rect(cvRound(left), cvRound(top), std::max(1, cvFloor(cropWidth)),
                        std::max(1, cvFloor(cropHeight)));
    const cv::Rect bounded = rect & cv::Rect(0, 0, frameWidth, frameHeight);
    if (bounded.area() <= 0) {
      return std::nullopt;
    }
    cv::Mat cropped;
    if (color) {
      cv::cvtColor(detail::rgbView(frame.color)(bounded), cropped, cv::COLOR_RGB2BGR);
    } else {
      cropped = detail::grayView(frame.gray)(bounded).clone();
    }
    cv::Mat resized;
    const cv::Size outSize(options.outputWidth, options.outputHeight);
    cv::resize(cropped, resized, outSize, 0, 0,
               bounded.width > outSize.width ? cv::INTER_AREA : cv::INTER_CUBIC);
    CapturedPhoto out;
    if (!cv::imencode(".jpg", resized, out.jpeg,
                      {cv::IMWRITE_JPEG_QUALITY, std::clamp(options.jpegQuality, 10, 100)})) {
      return std::nullopt;
    }
    out.width = outSize.width;
    out.height = outSize.height;
    out.crop = NormalizedBox{static_cast<float>(bounded.x) / static_cast<float>(frameWidth),
                             static_cast<float>(bounded.y) / static_cast<float>(frameHeight),
                             static_cast<float>(bounded.width) / static_cast<float>(frameWidth),
                             static_cast<float>(bounded.height) / static_cast<float>(frameHeight)};
    out.takenAt = now;
    return out;
  }

  PhotoGuidance update(const CameraFrame& frame, TimePoint now) {
    if (optedOut) {
      current = PhotoGuidance{PhotoHint::kOptedOut, 0, std::nullopt};
      return current;
    }
    if (photo) {
      current = PhotoGuidance{PhotoHint::kCaptured, 0, current.face};
      return current;
    }
    const GrayFrame& gray = frame.gray;
    if (gray.empty() || gray.pixels.size() < gray.byteSize()) {
      candidate.reset();
      return guide(PhotoHint::kNoFace, std::nullopt);
    }
    double brightness = 0;
    std::optional<NormalizedBox> face;
    try {
      face = detectFace(detail::grayView(gray), brightness);
    } catch (const cv::Exception&) {
      candidate.reset();
      return guide(PhotoHint::kNoFace, std::nullopt);
    }
    if (brightness < options.minBrightness) {
      candidate.reset();
      return guide(PhotoHint::kTooDark, std::nullopt);
    }
    // A face counts once it was found twice in a row at about the same place: a single
    // detection is too often a pattern on the wall behind the guest.
    const std::optional<NormalizedBox> lastSeen = candidate;
    candidate = face;
    if (!face || !lastSeen || std::abs(face->centerX() - lastSeen->centerX()) > kSameFace ||
        std::abs(face->centerY() - lastSeen->centerY()) > kSameFace) {
      return guide(PhotoHint::kNoFace, std::nullopt);
    }
    const std::optional<NormalizedBox> previous = previousFace;
    previousFace = face;
    const PhotoHint placement = placementHint(*face);
    if (placement != PhotoHint::kCountdown) {
      return guide(placement, face);
    }
    if (!previous || std::abs(face->centerX() - previous->centerX()) > options.maxMovement ||
        std::abs(face->centerY() - previous->centerY()) > options.maxMovement ||
        std::abs(face->width - previous->width) > options.maxMovement) {
      return guide(PhotoHint::kHoldStill, face);
    }
    if (!steadySince) {
      steadySince = now;
    }
    const Millis elapsed = std::chrono::duration_cast<Millis>(now - *steadySince);
    if (elapsed >= options.countdown) {
      try {
        photo = takePhoto(frame, *face, now);
      } catch (const cv::Exception&) {
        photo.reset();
      }
      if (photo) {
        current = PhotoGuidance{PhotoHint::kCaptured, 0, face};
        return current;
      }
      steadySince.reset();  // encoding failed: count down again
      return guide(PhotoHint::kHoldStill, face);
    }
    const auto remaining = (options.countdown - elapsed).count();
    current =
        PhotoGuidance{PhotoHint::kCountdown, static_cast<int>((remaining + 999) / 1000), face};
    return current;
  }

  // A hint other than the countdown: the countdown starts over next time.
  PhotoGuidance guide(PhotoHint hint, std::optional<NormalizedBox> face) {
    steadySince.reset();
    if (!face) {
      previousFace.reset();
    }
    current = PhotoGuidance{hint, 0, face};
    return current;
  }
};

Result<PhotoGuide> PhotoGuide::create(PhotoGuideOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  auto& o = impl->options;
  o.outputWidth = std::max(16, o.outputWidth);
  o.outputHeight = std::max(16, o.outputHeight);
  o.faceHeightInPhoto = std::clamp(o.faceHeightInPhoto, 0.1f, 1.0f);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(o.cascadePath, ec)) {
    return makeError(ErrorKind::kNotFound,
                     "face cascade not found: " + o.cascadePath + " (Debian package opencv-data)");
  }
  try {
    if (!impl->cascade.load(o.cascadePath)) {
      return makeError(ErrorKind::kNotFound, "cannot load face cascade " + o.cascadePath);
    }
  } catch (const cv::Exception& e) {
    return makeError(ErrorKind::kNotFound,
                     "cannot load face cascade " + o.cascadePath + ": " + e.what());
  }
  return PhotoGuide(std::move(impl));
}

PhotoGuide::PhotoGuide(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PhotoGuide::~PhotoGuide() = default;
PhotoGuide::PhotoGuide(PhotoGuide&&) noexcept = default;
PhotoGuide& PhotoGuide::operator=(PhotoGuide&&) noexcept = default;

PhotoGuidance PhotoGuide::update(const CameraFrame& frame, TimePoint now) {
  return impl_->update(frame, now);
}

const std::optional<CapturedPhoto>& PhotoGuide::photo() const {
  return impl_->photo;
}

PhotoGuidance PhotoGuide::current() const {
  return impl_->current;
}

void PhotoGuide::retake() {
  impl_->photo.reset();
  impl_->optedOut = false;
  impl_->steadySince.reset();
  impl_->previousFace.reset();
  impl_->candidate.reset();
  impl_->current = PhotoGuidance{};
}

void PhotoGuide::forget() {
  retake();
  impl_->small.release();
}

bool PhotoGuide::holdsImage() const {
  return impl_->photo.has_value() || !impl_->small.empty();
}

void PhotoGuide::optOut() {
  impl_->optedOut = true;
  impl_->photo.reset();
  impl_->steadySince.reset();
  impl_->current = PhotoGuidance{PhotoHint::kOptedOut, 0, std::nullopt};
}

}  // namespace kiosk::devices
