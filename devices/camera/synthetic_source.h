// The synthetic camera: a SyntheticScene played at a frame rate, steerable from other
// threads. Used by the demo, scripted runs, tests and terminals with no camera yet.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "devices/camera/camera_source.h"
#include "devices/camera/frame_pacer.h"
#include "devices/camera/synthetic_scene.h"
#include "kiosk/core/time.h"

namespace kiosk::devices {

struct SyntheticSourceOptions {
  SyntheticSceneOptions scene;
  double fps = 30;
};

// Owns its scene. read() and open() belong to one thread (the capture thread); present(),
// presentImage(), presentFace(), setLight() and clear() may be called from any thread,
// never wait for a frame being rendered, and take effect at the next frame. Never fails
// to stream; a present that fails its check (text too long for a QR code, file that is
// not an image) leaves the scene as it was and returns the error.
class SyntheticSource final : public CameraSource {
 public:
  SyntheticSource(SyntheticSourceOptions options, const Clock& clock);

  CameraStatus open() override;
  std::optional<CameraFrame> read() override;
  CameraStatus status() const override;
  std::string describe() const override;
  double nominalFps() const override { return options_.fps; }

  // A phone showing `text` as a QR code enters the scene.
  Status present(const std::string& text);
  // The image file fills the view ("present an image to the camera").
  Status presentImage(const std::string& path);
  // A drawn face stands in front of the camera (guided photo without a person).
  void presentFace(FacePlacement placement = {});
  void setLight(double gain);
  // The empty lobby.
  void clear();

 private:
  SyntheticSourceOptions options_;
  const Clock& clock_;
  detail::FramePacer pacer_;
  SyntheticScene scene_;  // capture thread only
  std::mutex mutex_;      // guards pending_
  std::vector<std::function<void(SyntheticScene&)>> pending_;
  std::atomic<bool> opened_ = false;
  std::uint64_t sequence_ = 0;
};

}  // namespace kiosk::devices
