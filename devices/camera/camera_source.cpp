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

const char* toString(CameraProblem problem) {
  switch (problem) {
    case CameraProblem::kNone:
      return "none";
    case CameraProblem::kNotFound:
      return "not_found";
    case CameraProblem::kBusy:
      return "busy";
    case CameraProblem::kNoFrames:
      return "no_frames";
    case CameraProblem::kUnreadable:
      return "unreadable";
    case CameraProblem::kEnded:
      return "ended";
    case CameraProblem::kFailed:
      return "failed";
    case CameraProblem::kNotConfigured:
      return "not_configured";
  }
  return "failed";
}

}  // namespace kiosk::devices
