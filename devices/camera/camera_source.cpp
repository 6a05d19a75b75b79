#include "devices/camera/camera_source.h"

namespace kiosk::devices {

const char* toString(CameraState state) {
  switch (state) {
    case CameraState::kStarting:
      return "starting";
    case CameraState::kStreaming:
      return "streaming";
    case CameraState::kNoCamera:
      return "no_camera";
    case CameraState::kDisconnected:
      return "disconnected";
    case CameraState::kEnded:
      return "ended";
    case CameraState::kError:
      return "error";
  }
  return "error";
}

}  // namespace kiosk::devices
