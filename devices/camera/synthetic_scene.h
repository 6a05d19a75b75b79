// A synthetic camera scene: a textured lobby background with a QR code on a phone,
// a picture, or a drawn face in front of it, rendered with the nuisances of a real
// camera (drift, rotation, scale and perspective change, blur, sensor noise).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "devices/camera/frame.h"
#include "kiosk/core/result.h"

namespace kiosk::devices {

struct SyntheticSceneOptions {
  int width = 1280;
  int height = 720;
  std::uint32_t seed = 1;
  double noiseSigma = 5.0;           // gaussian sensor noise, gray levels
  double blurSigma = 0.8;            // optical blur, pixels
  double motion = 1.0;               // scale of drift, rotation and tilt; 0 = still
  double codeHeightFraction = 0.35;  // side of the code (with quiet zone) / frame height
};

// Where a drawn face sits: centre (fractions of the frame width and height) and the
// width of the face oval (fraction of the frame width). A face detector's box is about
// 1.3 times the oval's width (it takes in the hair and ears).
struct FacePlacement {
  float centerX = 0.5f;
  float centerY = 0.42f;
  float width = 0.12f;
};

// Not thread-safe: one thread renders and changes the content (SyntheticSource adds the
// locking for cross-thread commands). Rendering is deterministic for a given seed,
// content and time.
class SyntheticScene {
 public:
  explicit SyntheticScene(SyntheticSceneOptions options = {});
  ~SyntheticScene();
  SyntheticScene(SyntheticScene&&) noexcept;
  SyntheticScene& operator=(SyntheticScene&&) noexcept;

  // An empty lobby: most frames of a real kiosk camera have no code.
  void clear();
  // A phone showing this text as a QR code enters the scene. Fails (kInvalidInput) when
  // the text does not fit in a QR code; the scene is then unchanged.
  Status showCode(const std::string& text);
  // The picture at `path` fills most of the view (held up to the camera), nearly still.
  // Fails (kNotFound) when the file cannot be read; the scene is then unchanged.
  Status showImage(const std::string& path);
  // A drawn, shaded face (hair, eyes, brows, nose, mouth, shoulders) that OpenCV's
  // frontal-face Haar cascade detects; for exercising the guided photo without a person.
  void showFace(FacePlacement placement = {});
  // Scene brightness gain (1 = normal, 0.1 = a dark lobby).
  void setLight(double gain);

  // The frame at `seconds` since the scene started.
  GrayFrame render(double seconds);

  // Where the code was drawn in the last render (normalized), when one was.
  std::optional<NormalizedBox> lastCodeBox() const;

  const SyntheticSceneOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::devices
