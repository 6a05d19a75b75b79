#include "devices/camera/scan_pipeline.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "devices/camera/cv_frames.h"

namespace kiosk::devices {

namespace {
constexpr std::size_t kFpsWindow = 30;
constexpr std::size_t kDecodeWindow = 64;

}  // namespace

struct ScanPipeline::Shared {
  ScanPipelineOptions options;
  ScanDeduplicator ownDeduplicator;
  ScanDeduplicator* deduplicator;

  mutable std::mutex mutex;  // guards everything below except the threads
  std::condition_variable_any frameReady;
  std::shared_ptr<const CameraFrame> slot;  // newest frame not yet decoded
  std::shared_ptr<const CameraFrame> latestFrame;
  std::shared_ptr<const RgbFrame> latestPreview;
  std::deque<ScannedCode> scans;
  ScanPipelineStatus status;
  std::deque<std::chrono::steady_clock::time_point> captureTimes;
  std::array<double, kDecodeWindow> decodeMillis{};
  std::size_t decodeCount = 0;

  std::jthread capture;
  std::jthread decode;

  Shared(ScanPipelineOptions opts, ScanDeduplicator* shared)
      : options(std::move(opts)),
        ownDeduplicator(options.repeatWindow),
        deduplicator(shared != nullptr ? shared : &ownDeduplicator) {}
};

ScanPipeline::ScanPipeline(std::unique_ptr<CameraSource> source, ScanPipelineOptions options,
                           ScanDeduplicator* sharedDeduplicator)
    : source_(std::move(source)),
      shared_(std::make_unique<Shared>(std::move(options), sharedDeduplicator)) {
  shared_->status.source = source_->describe();
}

ScanPipeline::~ScanPipeline() {
  stop();
}

void ScanPipeline::start() {
  auto& s = *shared_;
  if (s.capture.joinable() || s.decode.joinable()) {
    return;
  }
  CameraSource* source = source_.get();
  s.capture = std::jthread([&s, source](const std::stop_token& stop) {
    try {
      const CameraStatus opened = source->open();
      std::lock_guard lock(s.mutex);
      s.status.camera = opened;
      s.status.source = source->describe();
    } catch (const std::exception& e) {
      std::lock_guard lock(s.mutex);
      s.status.camera = CameraStatus{CameraState::kError, CameraProblem::kFailed, e.what()};
    }
    while (!stop.stop_requested()) {
      try {
        std::optional<CameraFrame> frame = source->read();
        const CameraStatus camera = source->status();
        if (!frame) {
          std::lock_guard lock(s.mutex);
          s.status.camera = camera;
          continue;
        }
        auto shared = std::make_shared<const CameraFrame>(std::move(*frame));
        std::shared_ptr<const RgbFrame> preview;
        if (RgbFrame small = detail::makePreview(*shared, s.options.previewMaxWidth);
            !small.empty()) {
          preview = std::make_shared<const RgbFrame>(std::move(small));
        }
        const auto now = std::chrono::steady_clock::now();
        {
          std::lock_guard lock(s.mutex);
          s.status.camera = camera;
          s.status.source = source->describe();
          ++s.status.framesCaptured;
          s.captureTimes.push_back(now);
          if (s.captureTimes.size() > kFpsWindow) {
            s.captureTimes.pop_front();
          }
          s.latestFrame = shared;
          s.latestPreview = std::move(preview);
          if (s.status.scanning) {
            if (s.slot) {
              ++s.status.framesDropped;
            }
            s.slot = std::move(shared);
          }
        }
        s.frameReady.notify_one();
      } catch (const std::exception& e) {
        {
          std::lock_guard lock(s.mutex);
          s.status.camera = CameraStatus{CameraState::kError, CameraProblem::kFailed,
                                         std::string("capture: ") + e.what()};
        }
        // A persistent failure must not spin a core.
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  });
  s.decode = std::jthread([&s](const std::stop_token& stop) {
    FrameDecoder decoder(s.options.decoder);
    while (true) {
      std::shared_ptr<const CameraFrame> frame;
      {
        std::unique_lock lock(s.mutex);
        if (!s.frameReady.wait(lock, stop, [&s] { return s.slot != nullptr; })) {
          return;  // stop requested
        }
        frame = std::move(s.slot);
        s.slot.reset();
      }
      std::vector<DecodedCode> codes;
      try {
        codes = decoder.decode(frame->gray);
      } catch (const std::exception&) {
        codes.clear();  // FrameDecoder does not throw; an allocation failure might
      }
      std::optional<ScannedCode> scan;
      if (!codes.empty() && s.deduplicator->accept(codes.front().text, frame->capturedAt())) {
        DecodedCode& best = codes.front();
        scan = ScannedCode{
            std::move(best.text), ScanSource::kCamera, frame->capturedAt(), best.format, best.box,
            frame->sequence()};
      }
      std::lock_guard lock(s.mutex);
      ++s.status.framesDecoded;
      s.status.decodeMillisLast = decoder.lastReport().millis;
      s.decodeMillis[s.decodeCount++ % kDecodeWindow] = decoder.lastReport().millis;
      if (scan) {
        ++s.status.scansReported;
        s.scans.push_back(std::move(*scan));
        while (s.scans.size() > std::max<std::size_t>(1, s.options.maxQueuedScans)) {
          s.scans.pop_front();
        }
      }
    }
  });
}

void ScanPipeline::stop() {
  auto& s = *shared_;
  s.capture.request_stop();
  s.decode.request_stop();
  if (s.capture.joinable()) {
    s.capture.join();
  }
  if (s.decode.joinable()) {
    s.decode.join();
  }
}

std::optional<ScannedCode> ScanPipeline::pollScan() {
  std::lock_guard lock(shared_->mutex);
  if (shared_->scans.empty()) {
    return std::nullopt;
  }
  ScannedCode scan = std::move(shared_->scans.front());
  shared_->scans.pop_front();
  return scan;
}

std::shared_ptr<const RgbFrame> ScanPipeline::latestPreview() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->latestPreview;
}

std::shared_ptr<const CameraFrame> ScanPipeline::latestFrame() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->latestFrame;
}

ScanPipelineStatus ScanPipeline::status() const {
  std::array<double, kDecodeWindow> window{};
  std::size_t count = 0;
  ScanPipelineStatus status;
  {
    std::lock_guard lock(shared_->mutex);
    status = shared_->status;
    const auto& times = shared_->captureTimes;
    const bool recent =
        !times.empty() && std::chrono::steady_clock::now() - times.back() < std::chrono::seconds(1);
    if (recent && times.size() >= 2) {
      const double seconds = std::chrono::duration<double>(times.back() - times.front()).count();
      status.framesPerSecond = seconds > 0 ? static_cast<double>(times.size() - 1) / seconds : 0;
    }
    count = std::min(shared_->decodeCount, kDecodeWindow);
    window = shared_->decodeMillis;
  }
  if (count > 0) {
    auto mid = window.begin() + static_cast<std::ptrdiff_t>(count / 2);
    std::nth_element(window.begin(), mid, window.begin() + static_cast<std::ptrdiff_t>(count));
    status.decodeMillisMedian = *mid;
  }
  return status;
}

void ScanPipeline::setScanning(bool enabled) {
  std::lock_guard lock(shared_->mutex);
  shared_->status.scanning = enabled;
  if (!enabled) {
    shared_->slot.reset();
  }
}

}  // namespace kiosk::devices
