// The guided badge photo: face detection tells the guest what to do until the face is
// well placed and steady, a countdown runs, and the photo is taken and cropped to the
// badge's photo box.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "devices/camera/frame.h"
#include "kiosk/core/result.h"
#include "kiosk/core/time.h"

namespace kiosk::devices {

// What the screen tells the guest. Left and right are the guest's own.
enum class PhotoHint {
  kNoFace,
  kTooDark,
  kMoveCloser,
  kMoveBack,
  kMoveLeft,
  kMoveRight,
  kHoldStill,
  kCountdown,  // face well placed and steady; see PhotoGuidance::countdownSeconds
  kCaptured,   // photo() holds the picture; retake() starts over
  kOptedOut,   // the guest declined a photo
};
// "no_face", "too_dark", "move_closer", "move_back", "move_left", "move_right",
// "hold_still", "countdown", "captured", "opted_out" (catalog keys "photo.<id>")
const char* toString(PhotoHint hint);

struct PhotoGuideOptions {
  // Debian's opencv-data ships the cascade here.
  std::string cascadePath = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml";
  int outputWidth = 600;  // the badge's photo box; its aspect ratio sets the crop
  int outputHeight = 800;
  Millis countdown{3000};
  float minFaceWidth = 0.14f;     // face width / frame width; smaller: move closer
  float maxFaceWidth = 0.40f;     // larger: move back
  float centerTolerance = 0.12f;  // face centre off the frame centre, fraction of the width
  float maxMovement = 0.03f;      // face centre shift between updates, fraction of the width
  double minBrightness = 50;      // mean luminance of the frame, 0-255; darker: too dark
  // Frames are shrunk to this width to find faces: the cascade's cost grows with the
  // pixel count, and its 24-pixel window then still finds faces down to a tenth of the
  // frame width (smaller ones are people passing by, not the guest).
  int detectionWidth = 240;
  float faceHeightInPhoto = 0.42f;   // detected face box height / photo height
  float faceCenterYInPhoto = 0.45f;  // face centre from the photo's top / photo height
  int jpegQuality = 90;
  bool mirrored = false;  // frames are mirrored (selfie view): swaps the left/right hints
};

struct PhotoGuidance {
  PhotoHint hint = PhotoHint::kNoFace;
  int countdownSeconds = 0;           // 3, 2, 1 while kCountdown
  std::optional<NormalizedBox> face;  // the face the guide follows, for an on-screen frame
};

struct CapturedPhoto {
  std::vector<std::uint8_t> jpeg;
  int width = 0;
  int height = 0;
  NormalizedBox crop;  // the part of the frame in the photo
  TimePoint takenAt{};
};

// Frames in, guidance out: no threads, no clock of its own (time is passed in). Owns the
// face detector. One thread at a time. An update costs one Haar cascade pass over a
// 240-wide copy of the frame: tens of milliseconds on this machine class, too much for
// the UI thread at 60 fps, so run it on a worker (or at a reduced rate) and show the
// latest guidance. The colour part of a frame goes into the photo when present, else
// the gray one.
// A face is followed once it was detected in two consecutive updates at about the same
// place (a single detection is too often a pattern on the wall); the largest face wins.
// Failures: create() fails (kNotFound) when the cascade file cannot be loaded; update()
// never fails (a broken frame is "no face").
class PhotoGuide {
 public:
  static Result<PhotoGuide> create(PhotoGuideOptions options = {});
  ~PhotoGuide();
  PhotoGuide(PhotoGuide&&) noexcept;
  PhotoGuide& operator=(PhotoGuide&&) noexcept;

  // Looks at one frame taken at `now` (monotonic within a session). Once the countdown
  // has run out with the face steady and centred, takes the photo from this frame.
  PhotoGuidance update(const CameraFrame& frame, TimePoint now);

  const std::optional<CapturedPhoto>& photo() const;
  PhotoGuidance current() const;

  // Discards the photo (if any) and guides again; also undoes an opt-out.
  void retake();
  // The guest declines: no photo; update() answers kOptedOut until retake().
  void optOut();
  // The journey is over: drops everything it holds of the guest (the photo, the shrunk
  // copy of the last frame it looked at, the face it followed) and starts over.
  void forget();
  // Whether it holds a picture of someone (the photo or a copy of a frame).
  bool holdsImage() const;

 private:
  struct Impl;
  explicit PhotoGuide(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::devices
