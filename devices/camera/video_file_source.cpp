#include "devices/camera/video_file_source.h"

#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>
#include <thread>

#include "devices/camera/cv_frames.h"

namespace kiosk::devices {

struct VideoFileSource::Impl {
  cv::VideoCapture capture;
  cv::Mat image;
};

VideoFileSource::VideoFileSource(VideoFileOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      impl_(std::make_unique<Impl>()),
      fps_(options_.fps > 0 ? options_.fps : 30),
      pacer_(fps_) {}

VideoFileSource::~VideoFileSource() {
  try {
    impl_->capture.release();
  } catch (...) {  // NOLINT(bugprone-empty-catch): destructors never throw
  }
}

CameraStatus VideoFileSource::open() {
  opened_ = true;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(options_.path, ec)) {
    status_ = CameraStatus{CameraState::kNoCamera, CameraProblem::kNotFound,
                           "no video file at " + options_.path};
    return status_;
  }
  try {
    // FFmpeg reads what cameras and phones record; OpenCV's own MJPEG reader is the
    // fallback. Not CAP_ANY: it would also probe camera backends (gPhoto2 scans USB).
    bool opened = false;
    for (const int backend : {cv::CAP_FFMPEG, cv::CAP_OPENCV_MJPEG}) {
      if (impl_->capture.open(options_.path, backend)) {
        opened = true;
        break;
      }
    }
    if (!opened) {
      status_ = CameraStatus{CameraState::kError, CameraProblem::kUnreadable,
                             "cannot decode video " + options_.path};
      return status_;
    }
    if (options_.fps <= 0) {
      const double fileFps = impl_->capture.get(cv::CAP_PROP_FPS);
      fps_ = fileFps > 0 && fileFps < 241 ? fileFps : 30;
      pacer_ = detail::FramePacer(fps_);
    }
    status_ = CameraStatus{CameraState::kStreaming, CameraProblem::kNone, ""};
  } catch (const cv::Exception& e) {
    status_ = CameraStatus{CameraState::kError, CameraProblem::kUnreadable,
                           std::string("cannot open video: ") + e.what()};
  }
  return status_;
}

std::optional<CameraFrame> VideoFileSource::read() {
  if (!opened_) {
    open();
  }
  if (status_.state != CameraState::kStreaming) {
    // Nothing will change by itself; wait a frame so a caller's loop does not spin.
    std::this_thread::sleep_for(pacer_.period());
    return std::nullopt;
  }
  pacer_.wait();
  try {
    auto& cap = impl_->capture;
    if (!cap.read(impl_->image) || impl_->image.empty()) {
      if (!options_.loop) {
        status_ =
            CameraStatus{CameraState::kEnded, CameraProblem::kEnded, "end of " + options_.path};
        return std::nullopt;
      }
      cap.set(cv::CAP_PROP_POS_FRAMES, 0);
      if (!cap.read(impl_->image) || impl_->image.empty()) {
        status_ = CameraStatus{CameraState::kError, CameraProblem::kUnreadable,
                               "cannot rewind " + options_.path};
        return std::nullopt;
      }
    }
  } catch (const cv::Exception& e) {
    status_ = CameraStatus{CameraState::kError, CameraProblem::kUnreadable,
                           std::string("video decode failed: ") + e.what()};
    return std::nullopt;
  }
  CameraFrame frame = detail::cameraFrameFromMat(impl_->image, options_.keepColor);
  detail::stampFrame(frame, clock_.now(), ++sequence_);
  return frame;
}

}  // namespace kiosk::devices
