// The camera port: where frames come from (a V4L2 camera, a video file, a folder of
// images, the synthetic scene). See camera_factory.h to build the configured one.
#pragma once

#include <optional>
#include <string>

#include "devices/camera/frame.h"

namespace kiosk::devices {

enum class CameraState {
  kStarting,      // not opened yet
  kStreaming,     // frames are arriving
  kNoCamera,      // nothing to open (no device node, missing file or folder); retried
  kDisconnected,  // was streaming, stopped delivering (unplugged); reopened automatically
  kEnded,         // a file or folder played to its end (sources without looping)
  kError,         // opened but unusable (unsupported format, unreadable file)
};
// "starting", "streaming", "no_camera", "disconnected", "ended", "error"
const char* toString(CameraState state);

// Why a camera is not streaming, as a code the terminal shows in the staff's language
// (the reason text is English, for logs and IT).
enum class CameraProblem {
  kNone,
  kNotFound,       // no device node, file or folder where the configuration points
  kBusy,           // the node exists but cannot be opened (another program, not a camera)
  kNoFrames,       // opened, then stopped delivering frames (unplugged, driver trouble)
  kUnreadable,     // the pictures cannot be decoded (format, codec, broken files)
  kEnded,          // a test video or folder played to its end
  kFailed,         // the capture code failed unexpectedly
  kNotConfigured,  // the terminal has no camera ([camera] device = none)
};
// "none", "not_found", "busy", "no_frames", "unreadable", "ended", "failed",
// "not_configured"
const char* toString(CameraProblem problem);

struct CameraStatus {
  CameraState state = CameraState::kStarting;
  CameraProblem problem = CameraProblem::kNone;
  std::string reason;  // human-readable, English, for staff and logs; empty when streaming
};

// A source of frames. Owns its device or file handle.
//
// Threads: one thread uses a source (open, read, status); it is the pipeline's capture
// thread once a ScanPipeline owns it. Implementations that take commands from other
// threads (SyntheticSource::present) say so.
// Failures: never exceptions. A missing or unplugged camera is a state (status()), and
// read() keeps retrying at its own pace, so a camera plugged in later starts streaming.
class CameraSource {
 public:
  virtual ~CameraSource() = default;

  // Opens the device or file. Returns the resulting status; on failure read() retries.
  virtual CameraStatus open() = 0;

  // The next frame. Blocks at most about one frame time (sources paced at their fps
  // wait for the frame's turn); nullopt when no frame came, status() says why.
  virtual std::optional<CameraFrame> read() = 0;

  virtual CameraStatus status() const = 0;

  // What this source is, for logs and the staff health screen ("v4l2 /dev/video0").
  virtual std::string describe() const = 0;

  // Nominal frame rate (frames per second) the source aims for.
  virtual double nominalFps() const = 0;
};

}  // namespace kiosk::devices
