// A folder of still images played as camera frames (scripted runs, tests, demos).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "devices/camera/camera_source.h"
#include "devices/camera/frame_pacer.h"
#include "kiosk/core/time.h"

namespace kiosk::devices {

struct ImageFolderOptions {
  std::string path;
  double fps = 10;
  bool loop = false;
  bool keepColor = true;
};

// Plays the images of a folder (png, jpg, jpeg, bmp, pgm, ppm, tif, tiff, webp) in
// file-name order, one per frame at `fps`. One thread (see CameraSource). A missing or
// imageless folder is kNoCamera; an unreadable image is skipped; the end is kEnded
// unless looping. Images may differ in size; every frame has its image's size.
class ImageFolderSource final : public CameraSource {
 public:
  ImageFolderSource(ImageFolderOptions options, const Clock& clock);

  CameraStatus open() override;
  std::optional<CameraFrame> read() override;
  CameraStatus status() const override { return status_; }
  std::string describe() const override { return "image folder " + options_.path; }
  double nominalFps() const override { return options_.fps; }

  // The files open() found, in play order.
  const std::vector<std::string>& files() const { return files_; }

 private:
  ImageFolderOptions options_;
  const Clock& clock_;
  CameraStatus status_;
  detail::FramePacer pacer_;
  std::vector<std::string> files_;
  std::size_t next_ = 0;
  bool opened_ = false;
  std::uint64_t sequence_ = 0;
};

}  // namespace kiosk::devices
