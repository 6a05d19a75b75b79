#include "kiosk/app/terminal_photo.h"

#include <chrono>

#include "devices/camera/scan_pipeline.h"

namespace kiosk::app {

PhotoWorker::PhotoWorker(devices::ScanPipeline* pipeline, const Clock& clock,
                         devices::PhotoGuideOptions options)
    : pipeline_(pipeline), clock_(clock), options_(std::move(options)) {
  snapshot_.available = pipeline_ != nullptr;
  thread_ = std::jthread([this](std::stop_token stop) { run(std::move(stop)); });
}

PhotoWorker::~PhotoWorker() {
  thread_.request_stop();
  wake_.notify_all();
}

void PhotoWorker::command(PhotoCommand command) {
  {
    std::lock_guard lock(mutex_);
    switch (command) {
      case PhotoCommand::kStart:
        snapshot_.active = true;
        snapshot_.captured = false;
        snapshot_.hint = "no_face";
        snapshot_.countdown = 0;
        snapshot_.face.reset();
        snapshot_.preview.reset();
        snapshot_.jpeg.reset();
        retakeRequested_ = true;
        break;
      case PhotoCommand::kRetake:
        snapshot_.active = true;
        snapshot_.captured = false;
        snapshot_.hint = "no_face";
        snapshot_.countdown = 0;
        snapshot_.preview.reset();
        snapshot_.jpeg.reset();
        retakeRequested_ = true;
        break;
      case PhotoCommand::kStop:
        // Guidance stops; a photo already taken stays for the check-in and the badge.
        snapshot_.active = false;
        break;
    }
  }
  wake_.notify_all();
}

PhotoSnapshot PhotoWorker::snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

void PhotoWorker::clear() {
  {
    std::lock_guard lock(mutex_);
    snapshot_.active = false;
    snapshot_.captured = false;
    snapshot_.face.reset();
    snapshot_.preview.reset();
    snapshot_.jpeg.reset();
    snapshot_.hint = "no_face";
    snapshot_.countdown = 0;
    // The guide lives on the worker thread: it drops the guest there.
    forgetRequested_ = true;
  }
  wake_.notify_all();
}

bool PhotoWorker::holdsGuestImage() const {
  std::lock_guard lock(mutex_);
  return snapshot_.preview != nullptr || snapshot_.jpeg != nullptr || guideHoldsImage_;
}

void PhotoWorker::run(std::stop_token stop) {
  if (pipeline_ == nullptr) {
    return;
  }
  // The cascade loads once, on this thread (tens of milliseconds).
  auto created = devices::PhotoGuide::create(options_);
  if (!created) {
    std::lock_guard lock(mutex_);
    snapshot_.available = false;
    snapshot_.error = created.error().message;
    return;
  }
  devices::PhotoGuide guide = std::move(*created);
  std::uint64_t lastSequence = 0;
  while (!stop.stop_requested()) {
    bool retake = false;
    bool forget = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, stop, [&] { return snapshot_.active || forgetRequested_; });
      if (stop.stop_requested()) {
        return;
      }
      retake = retakeRequested_;
      retakeRequested_ = false;
      forget = forgetRequested_;
      forgetRequested_ = false;
    }
    if (forget) {
      guide.forget();
      std::lock_guard lock(mutex_);
      guideHoldsImage_ = guide.holdsImage();
      if (!snapshot_.active) {
        continue;
      }
    }
    if (retake) {
      guide.retake();
    }
    auto frame = pipeline_->latestFrame();
    if (frame && frame->sequence() != lastSequence) {
      lastSequence = frame->sequence();
      const auto guidance = guide.update(*frame, clock_.now());
      std::shared_ptr<const devices::RgbaImage> preview;
      std::shared_ptr<const std::vector<std::uint8_t>> jpeg;
      const bool captured = guidance.hint == devices::PhotoHint::kCaptured && guide.photo();
      if (captured) {
        jpeg = std::make_shared<const std::vector<std::uint8_t>>(guide.photo()->jpeg);
        auto decoded = devices::decodeJpeg(*jpeg);
        if (decoded) {
          preview = std::make_shared<const devices::RgbaImage>(std::move(*decoded));
        }
      }
      std::lock_guard lock(mutex_);
      guideHoldsImage_ = guide.holdsImage();
      if (!snapshot_.active || retakeRequested_) {
        continue;  // stopped, restarted or cleared meanwhile: this result is stale
      }
      snapshot_.hint = devices::toString(guidance.hint);
      snapshot_.countdown = guidance.countdownSeconds;
      snapshot_.face = guidance.face;
      if (captured && !snapshot_.captured) {
        snapshot_.captured = true;
        snapshot_.jpeg = jpeg;
        snapshot_.preview = preview;
      }
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, stop, std::chrono::milliseconds(25),
                   [&] { return retakeRequested_ || forgetRequested_; });
  }
}

}  // namespace kiosk::app
