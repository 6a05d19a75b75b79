// Builds the configured camera source (the app's composition root calls this).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "devices/camera/camera_source.h"
#include "kiosk/core/time.h"

namespace kiosk::devices {

class SyntheticSource;

enum class CameraKind {
  kAuto,         // the V4L2 device when its node exists at startup, else synthetic
  kV4l2,         // a V4L2 camera (absent: state kNoCamera, retried every second)
  kVideoFile,    // a video file
  kImageFolder,  // a folder of images
  kSynthetic,    // the synthetic scene
};
// "auto", "v4l2", "file", "folder", "synthetic"
const char* toString(CameraKind kind);
std::optional<CameraKind> parseCameraKind(std::string_view text);

struct CameraConfig {
  CameraKind kind = CameraKind::kAuto;
  std::string device = "/dev/video0";  // kV4l2/kAuto: a path or an index ("0")
  std::string path;                    // kVideoFile: the file; kImageFolder: the folder
  int width = 1280;                    // kV4l2 request, kSynthetic size
  int height = 720;
  double fps = 30;          // kVideoFile: 0 = the file's own rate
  bool loop = false;        // kVideoFile, kImageFolder
  bool preferMjpeg = true;  // kV4l2
  std::uint32_t seed = 1;   // kSynthetic
};

// Never fails: a bad device or path yields a source whose status says so. The clock
// stamps capture times and must outlive the source.
std::unique_ptr<CameraSource> makeCameraSource(const CameraConfig& config, const Clock& clock);

// The synthetic source behind a CameraSource, or null when it is another kind (the
// app uses it to present codes and images in scripted runs and the demo).
SyntheticSource* asSynthetic(CameraSource& source);

}  // namespace kiosk::devices
