// A USB/V4L2 camera read through OpenCV's V4L2 backend.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "devices/camera/camera_source.h"
#include "kiosk/core/time.h"

namespace kiosk::devices {

struct V4l2CameraOptions {
  std::string device = "/dev/video0";  // a device path, or an index such as "0"
  int width = 1280;
  int height = 720;
  double fps = 30;
  bool preferMjpeg = true;  // ask for MJPEG (USB cameras reach 720p30 only with it)
  std::chrono::milliseconds retryInterval{1000};  // reopen attempts while absent
};

// Owns the capture handle. One thread (see CameraSource). A missing device is state
// kNoCamera, an unplugged one kDisconnected; read() retries opening about every
// `retryInterval` and returns to kStreaming on its own when the camera is back.
// read() never spins: while there is no camera it waits about a frame time; a camera
// that stalls without unplugging blocks a read for at most ~1 s (the constructor sets
// OPENCV_VIDEOIO_V4L_SELECT_TIMEOUT=1 unless the environment already has it).
class V4l2CameraSource final : public CameraSource {
 public:
  V4l2CameraSource(V4l2CameraOptions options, const Clock& clock);
  ~V4l2CameraSource() override;
  V4l2CameraSource(const V4l2CameraSource&) = delete;
  V4l2CameraSource& operator=(const V4l2CameraSource&) = delete;

  CameraStatus open() override;
  std::optional<CameraFrame> read() override;
  CameraStatus status() const override { return status_; }
  std::string describe() const override;
  double nominalFps() const override { return options_.fps; }

  // "/dev/video3" for "3"; other text unchanged.
  static std::string devicePath(const std::string& device);

 private:
  struct Impl;
  void closeDevice(CameraState state, CameraProblem problem, std::string reason);

  V4l2CameraOptions options_;
  const Clock& clock_;
  std::unique_ptr<Impl> impl_;
  CameraStatus status_;
  std::string negotiated_;  // "1280x720 MJPG 30fps" once open
  std::chrono::steady_clock::time_point lastAttempt_{};
  int consecutiveFailures_ = 0;
  std::uint64_t sequence_ = 0;
};

}  // namespace kiosk::devices
