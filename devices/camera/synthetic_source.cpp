#include "devices/camera/synthetic_source.h"

#include <opencv2/imgcodecs.hpp>

#include "documents/qr_code.h"

namespace kiosk::devices {

SyntheticSource::SyntheticSource(SyntheticSourceOptions options, const Clock& clock)
    : options_(options), clock_(clock), pacer_(options.fps), scene_(options.scene) {}

CameraStatus SyntheticSource::open() {
  opened_ = true;
  return CameraStatus{CameraState::kStreaming, CameraProblem::kNone, ""};
}

CameraStatus SyntheticSource::status() const {
  return opened_ ? CameraStatus{CameraState::kStreaming, CameraProblem::kNone, ""} : CameraStatus{};
}

std::string SyntheticSource::describe() const {
  return "synthetic " + std::to_string(options_.scene.width) + "x" +
         std::to_string(options_.scene.height);
}

std::optional<CameraFrame> SyntheticSource::read() {
  opened_ = true;
  pacer_.wait();
  std::vector<std::function<void(SyntheticScene&)>> commands;
  {
    std::lock_guard lock(mutex_);
    commands.swap(pending_);
  }
  for (auto& command : commands) {
    command(scene_);
  }
  CameraFrame frame;
  // Scene time follows the frame count, not the wall clock, so the motion is the same
  // at any load; the capture time is the clock's.
  frame.gray = scene_.render(static_cast<double>(sequence_) / options_.fps);
  frame.gray.capturedAt = clock_.now();
  frame.gray.sequence = ++sequence_;
  return frame;
}

Status SyntheticSource::present(const std::string& text) {
  // Checked here so that the caller learns about a text that cannot be a QR code.
  if (auto qr = encodeQr(text); !qr) {
    return qr.error();
  }
  std::lock_guard lock(mutex_);
  pending_.emplace_back([text](SyntheticScene& scene) { (void)scene.showCode(text); });
  return okStatus();
}

Status SyntheticSource::presentImage(const std::string& path) {
  bool readable = false;
  try {
    readable = cv::haveImageReader(path);  // reads the file's signature only
  } catch (const cv::Exception&) {
    readable = false;
  }
  if (!readable) {
    return makeError(ErrorKind::kNotFound, "not a readable image: " + path);
  }
  std::lock_guard lock(mutex_);
  pending_.emplace_back([path](SyntheticScene& scene) {
    if (!scene.showImage(path)) {
      scene.clear();  // vanished or corrupt after the check: show the empty lobby
    }
  });
  return okStatus();
}

void SyntheticSource::presentFace(FacePlacement placement) {
  std::lock_guard lock(mutex_);
  pending_.emplace_back([placement](SyntheticScene& scene) { scene.showFace(placement); });
}

void SyntheticSource::setLight(double gain) {
  std::lock_guard lock(mutex_);
  pending_.emplace_back([gain](SyntheticScene& scene) { scene.setLight(gain); });
}

void SyntheticSource::clear() {
  std::lock_guard lock(mutex_);
  pending_.emplace_back([](SyntheticScene& scene) { scene.clear(); });
}

}  // namespace kiosk::devices
