// The camera scanning pipeline: capture thread -> newest-wins slot -> decode worker ->
// scan events, plus the newest preview frame for the screen.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "devices/camera/camera_source.h"
#include "devices/camera/frame.h"
#include "devices/camera/frame_decoder.h"
#include "devices/camera/scan_deduplicator.h"
#include "devices/camera/scanned_code.h"

namespace kiosk::devices {

struct ScanPipelineOptions {
  FrameDecoderOptions decoder;
  // A text is reported again only after it was out of view this long (ignored when a
  // shared ScanDeduplicator is passed in: its window applies).
  Millis repeatWindow{3000};
  // Preview frames are shrunk to at most this width for the screen; 0 = full size.
  int previewMaxWidth = 640;
  // Scans not yet polled are kept up to this many (oldest dropped first); the UI polls
  // every frame, so this only matters when it stalls.
  std::size_t maxQueuedScans = 16;
};

struct ScanPipelineStatus {
  CameraStatus camera;
  std::string source;             // the source's describe()
  bool scanning = true;           // decoding enabled (see setScanning)
  double framesPerSecond = 0;     // captured, over the last ~30 frames
  double decodeMillisMedian = 0;  // over the last 64 decoded frames
  double decodeMillisLast = 0;
  std::uint64_t framesCaptured = 0;
  std::uint64_t framesDecoded = 0;
  std::uint64_t framesDropped = 0;  // replaced in the slot before the decoder took them
  std::uint64_t scansReported = 0;
};

// Owns the source and two std::jthread workers: capture (reads the source, publishes the
// newest frame and preview) and decode (takes only the newest frame; frames that arrive
// while it works are dropped, never queued, so a scan is never older than one decode).
//
// Threads: construct, start, stop and destroy on one thread (the composition root);
// pollScan(), latestPreview(), latestFrame(), status() and setScanning() may be called
// from any thread and never block on camera or decoder work (short locks only) - the UI
// calls them once per frame.
// Failures: a missing or unplugged camera shows in status().camera and recovers when
// the source does; exceptions inside the workers are caught and reported in status().
// Stopping is prompt: at most one frame time plus the decode in progress.
class ScanPipeline {
 public:
  // `sharedDeduplicator` (optional, must outlive the pipeline) lets camera scans and
  // wedge-scanner scans count once between them.
  ScanPipeline(std::unique_ptr<CameraSource> source, ScanPipelineOptions options = {},
               ScanDeduplicator* sharedDeduplicator = nullptr);
  ~ScanPipeline();
  ScanPipeline(const ScanPipeline&) = delete;
  ScanPipeline& operator=(const ScanPipeline&) = delete;

  void start();
  void stop();  // idempotent; the destructor calls it

  // The next scan event, oldest first; nullopt when there is none. Never blocks.
  std::optional<ScannedCode> pollScan();

  // The newest preview (RGB, at most previewMaxWidth wide); its `sequence` changes with
  // every new camera frame, so the UI re-uploads only when it differs. Null before the
  // first frame. Shared and immutable: holding it costs no copy.
  std::shared_ptr<const RgbFrame> latestPreview() const;

  // The newest full-size camera frame (for the guided photo). Null before the first.
  std::shared_ptr<const CameraFrame> latestFrame() const;

  ScanPipelineStatus status() const;

  // Pauses (false) or resumes decoding; the camera and previews keep running (the photo
  // step needs the camera but no scans).
  void setScanning(bool enabled);

  // The source, e.g. to steer a SyntheticSource. Calls on it follow its own thread rules.
  CameraSource& source() { return *source_; }

 private:
  struct Shared;
  std::unique_ptr<CameraSource> source_;
  std::unique_ptr<Shared> shared_;
};

}  // namespace kiosk::devices
