// PhotoWorker: the guided badge photo off the UI thread.
//
// Owns a PhotoGuide (face detection, a few ms per frame) and one std::jthread that, while
// a photo is being taken, feeds it the newest camera frame and publishes the guidance
// (newest wins) and, once taken, the photo (JPEG for the badge and the record, RGBA for
// the screen).
//
// Threads: command(), snapshot() and clear() from any thread (short locks); construct
// and destroy on the composition root's thread. Failures: without a camera or without
// the face cascade the snapshot says `available = false` and the guest can only skip.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "devices/camera/frame.h"
#include "devices/camera/photo_guide.h"
#include "documents/image_codec.h"
#include "kiosk/core/flow.h"

namespace kiosk::devices {
class ScanPipeline;
}

namespace kiosk::app {

struct PhotoSnapshot {
  bool active = false;
  bool available = true;
  std::string hint = "no_face";  // PhotoHint id
  int countdown = 0;
  bool captured = false;
  std::optional<devices::NormalizedBox> face;
  std::shared_ptr<const devices::RgbaImage> preview;      // the photo, for the screen
  std::shared_ptr<const std::vector<std::uint8_t>> jpeg;  // the photo, for badge and record
  std::string error;
};

class PhotoWorker {
 public:
  // `pipeline` may be null (no camera); `clock` times the countdown (a ManualClock in
  // scripted runs, so a script decides when it has run out).
  PhotoWorker(devices::ScanPipeline* pipeline, const Clock& clock,
              devices::PhotoGuideOptions options);
  ~PhotoWorker();
  PhotoWorker(const PhotoWorker&) = delete;
  PhotoWorker& operator=(const PhotoWorker&) = delete;

  void command(PhotoCommand command);
  PhotoSnapshot snapshot() const;
  // End of a journey (done, idle reset, cancel, staff takeover): forgets the photo, here
  // at once and in the face guide on the worker thread moments later.
  void clear();
  // Whether it still holds a picture of the last guest: the photo it published, or one
  // in the face guide (the photo, a copy of the last frame it looked at).
  bool holdsGuestImage() const;

 private:
  void run(std::stop_token stop);

  devices::ScanPipeline* pipeline_;
  const Clock& clock_;
  devices::PhotoGuideOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  PhotoSnapshot snapshot_;
  bool retakeRequested_ = false;
  bool forgetRequested_ = false;
  bool guideHoldsImage_ = false;  // the worker's guide, as of its last update or forget
  std::jthread thread_;
};

}  // namespace kiosk::app
