#include "devices/camera/v4l2_camera_source.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>
#include <thread>

#include "devices/camera/cv_frames.h"

namespace kiosk::devices {

namespace {
// A few failed grabs in a row mean the device is gone; one can be a glitch.
constexpr int kFailuresBeforeDisconnect = 3;

std::string fourccText(double value) {
  const auto code = static_cast<unsigned>(value);
  std::string text;
  for (int i = 0; i < 4; ++i) {
    const auto c = static_cast<char>((code >> (8 * i)) & 0xffu);
    text.push_back(std::isprint(static_cast<unsigned char>(c)) != 0 ? c : '?');
  }
  return text;
}
}  // namespace

struct V4l2CameraSource::Impl {
  cv::VideoCapture capture;
  cv::Mat image;
};

V4l2CameraSource::V4l2CameraSource(V4l2CameraOptions options, const Clock& clock)
    : options_(std::move(options)), clock_(clock), impl_(std::make_unique<Impl>()) {
  // OpenCV's V4L2 backend waits 10 s in select() for a frame of a stalled camera, which
  // would hold up stop() and the disconnect detection that long. It reads this setting
  // once, at the first capture; an explicit setting in the environment wins (no
  // overwrite). Set here, at construction in the composition root, before any capture.
  setenv("OPENCV_VIDEOIO_V4L_SELECT_TIMEOUT", "1", 0);
}

V4l2CameraSource::~V4l2CameraSource() {
  try {
    impl_->capture.release();
  } catch (...) {  // NOLINT(bugprone-empty-catch): destructors never throw
  }
}

std::string V4l2CameraSource::devicePath(const std::string& device) {
  if (!device.empty() && std::all_of(device.begin(), device.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
      })) {
    return "/dev/video" + device;
  }
  return device;
}

std::string V4l2CameraSource::describe() const {
  std::string text = "v4l2 " + devicePath(options_.device);
  if (!negotiated_.empty()) {
    text += " " + negotiated_;
  }
  return text;
}

void V4l2CameraSource::closeDevice(CameraState state, CameraProblem problem, std::string reason) {
  try {
    impl_->capture.release();
  } catch (const cv::Exception&) {  // NOLINT(bugprone-empty-catch): already closing
  }
  status_ = CameraStatus{state, problem, std::move(reason)};
  consecutiveFailures_ = 0;
}

CameraStatus V4l2CameraSource::open() {
  lastAttempt_ = std::chrono::steady_clock::now();
  const std::string path = devicePath(options_.device);
  const bool wasStreaming =
      status_.state == CameraState::kStreaming || status_.state == CameraState::kDisconnected;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    status_ = CameraStatus{wasStreaming ? CameraState::kDisconnected : CameraState::kNoCamera,
                           CameraProblem::kNotFound,
                           "no camera at " + path + (wasStreaming ? " (unplugged?)" : "")};
    return status_;
  }
  try {
    auto& cap = impl_->capture;
    if (!cap.open(path, cv::CAP_V4L2)) {
      status_ = CameraStatus{wasStreaming ? CameraState::kDisconnected : CameraState::kNoCamera,
                             CameraProblem::kBusy,
                             "cannot open " + path + " (busy or not a capture device)"};
      return status_;
    }
    if (options_.preferMjpeg) {
      // The driver keeps its own format when it does not offer MJPEG; read back below.
      cap.set(cv::CAP_PROP_FOURCC, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'));
    }
    cap.set(cv::CAP_PROP_FRAME_WIDTH, options_.width);
    cap.set(cv::CAP_PROP_FRAME_HEIGHT, options_.height);
    cap.set(cv::CAP_PROP_FPS, options_.fps);
    // One buffered frame: a stale queue would add latency between the code and the scan.
    cap.set(cv::CAP_PROP_BUFFERSIZE, 1);
    negotiated_ = std::to_string(static_cast<int>(cap.get(cv::CAP_PROP_FRAME_WIDTH))) + "x" +
                  std::to_string(static_cast<int>(cap.get(cv::CAP_PROP_FRAME_HEIGHT))) + " " +
                  fourccText(cap.get(cv::CAP_PROP_FOURCC)) + " " +
                  std::to_string(static_cast<int>(cap.get(cv::CAP_PROP_FPS))) + "fps";
    status_ = CameraStatus{CameraState::kStreaming, CameraProblem::kNone, ""};
    consecutiveFailures_ = 0;
  } catch (const cv::Exception& e) {
    closeDevice(CameraState::kError, CameraProblem::kFailed,
                "cannot open " + path + ": " + e.what());
  }
  return status_;
}

std::optional<CameraFrame> V4l2CameraSource::read() {
  const auto framePeriod = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(1.0 / std::max(1.0, options_.fps)));
  if (!impl_->capture.isOpened()) {
    const auto now = std::chrono::steady_clock::now();
    if (lastAttempt_ == std::chrono::steady_clock::time_point{} ||
        now - lastAttempt_ >= options_.retryInterval) {
      open();
    }
    if (!impl_->capture.isOpened()) {
      std::this_thread::sleep_for(framePeriod);
      return std::nullopt;
    }
  }
  try {
    if (!impl_->capture.read(impl_->image) || impl_->image.empty()) {
      if (++consecutiveFailures_ >= kFailuresBeforeDisconnect) {
        closeDevice(CameraState::kDisconnected, CameraProblem::kNoFrames,
                    "camera " + devicePath(options_.device) + " stopped delivering frames");
        lastAttempt_ = std::chrono::steady_clock::now();
      }
      std::this_thread::sleep_for(framePeriod / 2);
      return std::nullopt;
    }
  } catch (const cv::Exception& e) {
    closeDevice(CameraState::kDisconnected, CameraProblem::kNoFrames,
                std::string("camera read failed: ") + e.what());
    lastAttempt_ = std::chrono::steady_clock::now();
    return std::nullopt;
  }
  consecutiveFailures_ = 0;
  status_ = CameraStatus{CameraState::kStreaming, CameraProblem::kNone, ""};
  CameraFrame frame = detail::cameraFrameFromMat(impl_->image, true);
  detail::stampFrame(frame, clock_.now(), ++sequence_);
  return frame;
}

}  // namespace kiosk::devices
