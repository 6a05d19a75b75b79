#include "devices/camera/image_folder_source.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <thread>

#include "devices/camera/cv_frames.h"

namespace kiosk::devices {

namespace {
bool isImageFile(const std::filesystem::path& path) {
  static constexpr std::array<const char*, 10> kExtensions = {
      ".png", ".jpg", ".jpeg", ".bmp", ".pgm", ".ppm", ".pbm", ".tif", ".tiff", ".webp"};
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end();
}
}  // namespace

ImageFolderSource::ImageFolderSource(ImageFolderOptions options, const Clock& clock)
    : options_(std::move(options)), clock_(clock), pacer_(options_.fps) {}

CameraStatus ImageFolderSource::open() {
  opened_ = true;
  files_.clear();
  next_ = 0;
  std::error_code ec;
  if (!std::filesystem::is_directory(options_.path, ec)) {
    status_ = CameraStatus{CameraState::kNoCamera, CameraProblem::kNotFound,
                           "no image folder at " + options_.path};
    return status_;
  }
  for (const auto& entry : std::filesystem::directory_iterator(options_.path, ec)) {
    if (entry.is_regular_file(ec) && isImageFile(entry.path())) {
      files_.push_back(entry.path().string());
    }
  }
  std::sort(files_.begin(), files_.end());
  if (files_.empty()) {
    status_ = CameraStatus{CameraState::kNoCamera, CameraProblem::kNotFound,
                           "no images in " + options_.path};
  } else {
    status_ = CameraStatus{CameraState::kStreaming, CameraProblem::kNone, ""};
  }
  return status_;
}

std::optional<CameraFrame> ImageFolderSource::read() {
  if (!opened_) {
    open();
  }
  if (status_.state != CameraState::kStreaming) {
    std::this_thread::sleep_for(pacer_.period());
    return std::nullopt;
  }
  pacer_.wait();
  // Unreadable files are skipped, but at most one pass over the folder per call.
  for (std::size_t attempt = 0; attempt < files_.size(); ++attempt) {
    if (next_ >= files_.size()) {
      if (!options_.loop) {
        status_ =
            CameraStatus{CameraState::kEnded, CameraProblem::kEnded, "end of " + options_.path};
        return std::nullopt;
      }
      next_ = 0;
    }
    const std::string& file = files_[next_++];
    cv::Mat image;
    try {
      image = cv::imread(file, options_.keepColor ? cv::IMREAD_COLOR : cv::IMREAD_GRAYSCALE);
    } catch (const cv::Exception&) {
      image.release();
    }
    if (image.empty()) {
      continue;
    }
    CameraFrame frame = detail::cameraFrameFromMat(image, options_.keepColor);
    detail::stampFrame(frame, clock_.now(), ++sequence_);
    return frame;
  }
  status_ = CameraStatus{CameraState::kError, CameraProblem::kUnreadable,
                         "no readable image in " + options_.path};
  return std::nullopt;
}

}  // namespace kiosk::devices
