// The whole pipeline with real threads at a real frame rate: a source, the capture
// worker, the newest-wins slot, the decode worker and the polled scan events.
#include "devices/camera/scan_pipeline.h"

#include <gtest/gtest.h>

#include <fstream>

#include "devices/camera/synthetic_source.h"
#include "devices/camera/v4l2_camera_source.h"
#include "documents/qr_code.h"
#include "tests/devices/camera/test_support.h"

namespace kiosk::devices {
namespace {

using test::waitFor;

const std::string kToken = "K1.eyJrIjoiazEiLCJlIjo3LCJnIjo5OTl9.c2lnbmF0dXJlLWJ5dGVz";

struct SyntheticRig {
  SystemClock clock;
  SyntheticSource* synthetic = nullptr;
  std::unique_ptr<ScanPipeline> pipeline;

  explicit SyntheticRig(const ScanPipelineOptions& options = {},
                        ScanDeduplicator* shared = nullptr) {
    auto source = std::make_unique<SyntheticSource>(SyntheticSourceOptions{{1280, 720}, 30}, clock);
    synthetic = source.get();
    pipeline = std::make_unique<ScanPipeline>(std::move(source), options, shared);
    pipeline->start();
  }

  std::optional<ScannedCode> waitForScan() {
    std::optional<ScannedCode> scan;
    waitFor([&] { return (scan = pipeline->pollScan()).has_value(); });
    return scan;
  }

  void waitForDecodedFrames(std::uint64_t count) {
    const auto start = pipeline->status().framesDecoded;
    ASSERT_TRUE(waitFor([&] { return pipeline->status().framesDecoded >= start + count; }));
  }
};

TEST(ScanPipeline, CodeEnteringTheSceneBecomesOneScanEvent) {
  SyntheticRig rig;
  rig.waitForDecodedFrames(5);  // the empty lobby first
  EXPECT_FALSE(rig.pipeline->pollScan().has_value());

  const TimePoint presented = rig.clock.now();
  ASSERT_TRUE(rig.synthetic->present(kToken).ok());
  const auto scan = rig.waitForScan();
  ASSERT_TRUE(scan.has_value()) << "no scan within the timeout";
  EXPECT_EQ(scan->text, kToken);
  EXPECT_EQ(scan->source, ScanSource::kCamera);
  EXPECT_EQ(scan->format, CodeFormat::kQrCode);
  EXPECT_GE(scan->seenAt, presented);
  EXPECT_GT(scan->frameSequence, 0u);
  EXPECT_GT(scan->box.width, 0.1f);
  EXPECT_GT(scan->box.centerX(), 0.2f);
  EXPECT_LT(scan->box.centerX(), 0.8f);

  // The code stays in view for many more frames: still one event within the window.
  rig.waitForDecodedFrames(20);
  EXPECT_FALSE(rig.pipeline->pollScan().has_value());

  const auto status = rig.pipeline->status();
  EXPECT_EQ(status.camera.state, CameraState::kStreaming);
  EXPECT_EQ(status.scansReported, 1u);
  EXPECT_GT(status.framesCaptured, 20u);
  EXPECT_GT(status.framesPerSecond, 5.0);
  EXPECT_GT(status.decodeMillisMedian, 0.0);
}

TEST(ScanPipeline, SameCodeIsReportedAgainOnlyAfterLeavingTheView) {
  ScanPipelineOptions options;
  options.repeatWindow = Millis{400};
  SyntheticRig rig(options);
  ASSERT_TRUE(rig.synthetic->present(kToken).ok());
  const auto first = rig.waitForScan();
  ASSERT_TRUE(first.has_value());
  // In view for three windows' worth of decoded frames: no second report.
  const auto decodedBefore = rig.pipeline->status().framesDecoded;
  ASSERT_TRUE(waitFor([&] { return rig.clock.now() - first->seenAt > Millis{1200}; }));
  EXPECT_GT(rig.pipeline->status().framesDecoded, decodedBefore + 3) << "the code was read";
  EXPECT_FALSE(rig.pipeline->pollScan().has_value());
  // Out of view for longer than the window, then shown again: reported again.
  rig.synthetic->clear();
  const auto cleared = rig.clock.now();
  ASSERT_TRUE(waitFor([&] { return rig.clock.now() - cleared > Millis{600}; }));
  ASSERT_TRUE(rig.synthetic->present(kToken).ok());
  const auto second = rig.waitForScan();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->text, kToken);
}

TEST(ScanPipeline, SharedDeduplicatorSuppressesACodeTheWedgeAlreadyReported) {
  ScanDeduplicator shared(Millis{60'000});
  SystemClock clock;
  // The wedge scanner read the code a moment ago.
  ASSERT_TRUE(shared.accept(kToken, clock.now()));
  SyntheticRig rig(ScanPipelineOptions{}, &shared);
  ASSERT_TRUE(rig.synthetic->present(kToken).ok());
  ASSERT_TRUE(rig.synthetic->present(kToken).ok());
  rig.waitForDecodedFrames(30);
  EXPECT_FALSE(rig.pipeline->pollScan().has_value());
  // A different code still gets through.
  ASSERT_TRUE(rig.synthetic->present("ANOTHER-GUEST").ok());
  const auto scan = rig.waitForScan();
  ASSERT_TRUE(scan.has_value());
  EXPECT_EQ(scan->text, "ANOTHER-GUEST");
}

TEST(ScanPipeline, PreviewIsSmallAndFollowsTheFrames) {
  SyntheticRig rig;
  std::shared_ptr<const RgbFrame> first;
  ASSERT_TRUE(waitFor([&] { return (first = rig.pipeline->latestPreview()) != nullptr; }));
  EXPECT_EQ(first->width, 640);
  EXPECT_EQ(first->height, 360);
  EXPECT_EQ(first->pixels.size(), first->byteSize());
  std::shared_ptr<const RgbFrame> later;
  ASSERT_TRUE(waitFor([&] {
    later = rig.pipeline->latestPreview();
    return later->sequence > first->sequence;
  }));
  const auto full = rig.pipeline->latestFrame();
  ASSERT_NE(full, nullptr);
  EXPECT_EQ(full->gray.width, 1280);
}

TEST(ScanPipeline, PausedScanningReportsNothingButKeepsThePreview) {
  SyntheticRig rig;
  rig.pipeline->setScanning(false);
  ASSERT_TRUE(rig.synthetic->present(kToken).ok());
  const auto decodedBefore = rig.pipeline->status().framesDecoded;
  const auto capturedBefore = rig.pipeline->status().framesCaptured;
  ASSERT_TRUE(waitFor([&] { return rig.pipeline->status().framesCaptured > capturedBefore + 15; }));
  EXPECT_FALSE(rig.pipeline->pollScan().has_value());
  EXPECT_LE(rig.pipeline->status().framesDecoded, decodedBefore + 1);
  EXPECT_FALSE(rig.pipeline->status().scanning);
  rig.pipeline->setScanning(true);
  const auto scan = rig.waitForScan();
  ASSERT_TRUE(scan.has_value());
  EXPECT_EQ(scan->text, kToken);
}

TEST(ScanPipeline, PresentedImageIsScanned) {
  test::TempDir dir;
  auto qr = encodeQr("INVITE-IMAGE-42");
  ASSERT_TRUE(qr.ok());
  const std::string path = (dir.path() / "invite.png").string();
  ASSERT_TRUE(writeQrPng(*qr, path, 6).ok());
  SyntheticRig rig;
  ASSERT_TRUE(rig.synthetic->presentImage(path).ok());
  const auto scan = rig.waitForScan();
  ASSERT_TRUE(scan.has_value());
  EXPECT_EQ(scan->text, "INVITE-IMAGE-42");
}

TEST(ScanPipeline, MissingCameraIsVisibleAndStopsPromptly) {
  test::TempDir dir;
  SystemClock clock;
  V4l2CameraOptions options;
  options.device = (dir.path() / "video7").string();
  ScanPipeline pipeline(std::make_unique<V4l2CameraSource>(options, clock));
  pipeline.start();
  ASSERT_TRUE(waitFor([&] { return pipeline.status().camera.state == CameraState::kNoCamera; }));
  const auto status = pipeline.status();
  EXPECT_NE(status.camera.reason.find(options.device), std::string::npos);
  EXPECT_EQ(status.framesCaptured, 0u);
  EXPECT_EQ(pipeline.latestPreview(), nullptr);
  EXPECT_FALSE(pipeline.pollScan().has_value());
  const auto before = std::chrono::steady_clock::now();
  pipeline.stop();
  // Generous bound: the capture thread waits at most a frame time between retries.
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(2));
}

// Threads of this process, from the kernel's count.
int processThreads() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("Threads:", 0) == 0) {
      return std::stoi(line.substr(8));
    }
  }
  return -1;
}

TEST(ScanPipeline, DestroyingARunningPipelineJoinsCleanly) {
  {
    // The first run starts the libraries' own thread pools, which stay for the process.
    SyntheticRig warmUp;
    warmUp.waitForDecodedFrames(2);
  }
  const int before = processThreads();
  ASSERT_GT(before, 0);
  for (int i = 0; i < 3; ++i) {
    {
      SyntheticRig rig;
      rig.waitForDecodedFrames(2);
      EXPECT_GT(processThreads(), before) << "the pipeline runs no thread of its own";
      // Destroyed in the middle of decoding a code in view.
      ASSERT_TRUE(rig.synthetic->present(kToken).ok());
    }
    // Joined, not detached: no capture or decode thread outlives its pipeline.
    EXPECT_EQ(processThreads(), before) << "round " << i;
  }
}

}  // namespace
}  // namespace kiosk::devices
