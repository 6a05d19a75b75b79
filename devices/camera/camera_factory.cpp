#include "devices/camera/camera_factory.h"

#include <filesystem>

#include "devices/camera/image_folder_source.h"
#include "devices/camera/synthetic_source.h"
#include "devices/camera/v4l2_camera_source.h"
#include "devices/camera/video_file_source.h"

namespace kiosk::devices {

const char* toString(CameraKind kind) {
  switch (kind) {
    case CameraKind::kAuto:
      return "auto";
    case CameraKind::kV4l2:
      return "v4l2";
    case CameraKind::kVideoFile:
      return "file";
    case CameraKind::kImageFolder:
      return "folder";
    case CameraKind::kSynthetic:
      return "synthetic";
  }
  return "auto";
}

std::optional<CameraKind> parseCameraKind(std::string_view text) {
  for (const auto kind : {CameraKind::kAuto, CameraKind::kV4l2, CameraKind::kVideoFile,
                          CameraKind::kImageFolder, CameraKind::kSynthetic}) {
    if (text == toString(kind)) {
      return kind;
    }
  }
  return std::nullopt;
}

std::unique_ptr<CameraSource> makeCameraSource(const CameraConfig& config, const Clock& clock) {
  CameraKind kind = config.kind;
  if (kind == CameraKind::kAuto) {
    std::error_code ec;
    kind = std::filesystem::exists(V4l2CameraSource::devicePath(config.device), ec)
               ? CameraKind::kV4l2
               : CameraKind::kSynthetic;
  }
  switch (kind) {
    case CameraKind::kV4l2: {
      V4l2CameraOptions options;
      options.device = config.device;
      options.width = config.width;
      options.height = config.height;
      options.fps = config.fps > 0 ? config.fps : 30;
      options.preferMjpeg = config.preferMjpeg;
      return std::make_unique<V4l2CameraSource>(options, clock);
    }
    case CameraKind::kVideoFile: {
      VideoFileOptions options;
      options.path = config.path;
      options.fps = config.fps;
      options.loop = config.loop;
      return std::make_unique<VideoFileSource>(options, clock);
    }
    case CameraKind::kImageFolder: {
      ImageFolderOptions options;
      options.path = config.path;
      options.fps = config.fps > 0 ? config.fps : 10;
      options.loop = config.loop;
      return std::make_unique<ImageFolderSource>(options, clock);
    }
    case CameraKind::kAuto:
    case CameraKind::kSynthetic:
      break;
  }
  SyntheticSourceOptions options;
  options.scene.width = config.width;
  options.scene.height = config.height;
  options.scene.seed = config.seed;
  options.fps = config.fps > 0 ? config.fps : 30;
  return std::make_unique<SyntheticSource>(options, clock);
}

SyntheticSource* asSynthetic(CameraSource& source) {
  return dynamic_cast<SyntheticSource*>(&source);
}

}  // namespace kiosk::devices
