// A video file played as a camera (demo loops, recorded lobby footage, tests).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "devices/camera/camera_source.h"
#include "devices/camera/frame_pacer.h"
#include "kiosk/core/time.h"

namespace kiosk::devices {

struct VideoFileOptions {
  std::string path;
  double fps = 0;     // 0 = the file's own rate (30 when the file does not say)
  bool loop = false;  // start over at the end instead of state kEnded
  bool keepColor = true;
};

// Owns the decoder handle. One thread (see CameraSource). read() delivers frames at
// the file's (or the given) rate. A missing file is kNoCamera, an undecodable one kError,
// the end kEnded (or a restart when looping).
class VideoFileSource final : public CameraSource {
 public:
  VideoFileSource(VideoFileOptions options, const Clock& clock);
  ~VideoFileSource() override;
  VideoFileSource(const VideoFileSource&) = delete;
  VideoFileSource& operator=(const VideoFileSource&) = delete;

  CameraStatus open() override;
  std::optional<CameraFrame> read() override;
  CameraStatus status() const override { return status_; }
  std::string describe() const override { return "video file " + options_.path; }
  double nominalFps() const override { return fps_; }

 private:
  struct Impl;

  VideoFileOptions options_;
  const Clock& clock_;
  std::unique_ptr<Impl> impl_;
  CameraStatus status_;
  double fps_ = 30;
  detail::FramePacer pacer_;
  bool opened_ = false;
  std::uint64_t sequence_ = 0;
};

}  // namespace kiosk::devices
