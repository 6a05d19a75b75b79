// Fault suite: the camera is unplugged in the middle of a scan and plugged in again. The
// physical camera is the one part that cannot run here, so the unplug is played by a
// source that stops delivering frames the way V4l2CameraSource does (state
// kDisconnected, read() returning nothing); everything after it - the capture and decode
// threads, the state the terminal shows, the recovery - is the real pipeline.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "devices/camera/scan_pipeline.h"
#include "devices/camera/synthetic_source.h"
#include "tests/devices/camera/test_support.h"

namespace kiosk::devices {
namespace {

using test::waitFor;

class UnpluggableCamera final : public CameraSource {
 public:
  UnpluggableCamera(std::unique_ptr<SyntheticSource> inner) : inner_(std::move(inner)) {}
  CameraStatus open() override { return inner_->open(); }
  std::optional<CameraFrame> read() override {
    if (unplugged_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(30));  // a read that times out
      ++readsWhileUnplugged_;
      return std::nullopt;
    }
    return inner_->read();
  }
  CameraStatus status() const override {
    if (unplugged_) {
      return {CameraState::kDisconnected, CameraProblem::kNoFrames,
              "camera stopped delivering frames (unplugged?)"};
    }
    return inner_->status();
  }
  std::string describe() const override { return "unpluggable " + inner_->describe(); }
  double nominalFps() const override { return inner_->nominalFps(); }

  void unplug() { unplugged_ = true; }
  void replug() { unplugged_ = false; }
  // Reads the capture thread has made (and seen fail) since the cable came out.
  int readsWhileUnplugged() const { return readsWhileUnplugged_; }

 private:
  std::unique_ptr<SyntheticSource> inner_;
  std::atomic<bool> unplugged_{false};
  std::atomic<int> readsWhileUnplugged_{0};
};

TEST(CameraFaults, UnpluggedMidScanIsVisibleAndScanningResumesWhenPluggedBack) {
  SystemClock clock;
  auto synthetic =
      std::make_unique<SyntheticSource>(SyntheticSourceOptions{{1280, 720}, 30}, clock);
  SyntheticSource* scene = synthetic.get();
  auto camera = std::make_unique<UnpluggableCamera>(std::move(synthetic));
  UnpluggableCamera* cable = camera.get();
  ScanPipeline pipeline(std::move(camera));
  pipeline.start();
  ASSERT_TRUE(waitFor([&] { return pipeline.status().framesDecoded >= 3; }));

  // The cable comes out (a read already under way may still deliver its frame), then the
  // guest holds up the phone.
  cable->unplug();
  ASSERT_TRUE(
      waitFor([&] { return pipeline.status().camera.state == CameraState::kDisconnected; }));
  ASSERT_TRUE(scene->present("KT1:FIRST-GUEST").ok());
  const auto during = pipeline.status();
  EXPECT_FALSE(during.camera.reason.empty()) << "staff must see why";
  const auto capturedWhileUnplugged = during.framesCaptured;
  // The capture thread keeps trying (ten failed reads, each a frame time), and none of
  // its tries counts as a frame.
  const int readsBefore = cable->readsWhileUnplugged();
  ASSERT_TRUE(waitFor([&] { return cable->readsWhileUnplugged() >= readsBefore + 10; }))
      << "the capture thread stopped reading";
  EXPECT_EQ(pipeline.status().framesCaptured, capturedWhileUnplugged);
  EXPECT_FALSE(pipeline.pollScan().has_value()) << "no frames, no scans";

  // Plugged back in: streaming again on its own, and the code still in view is read.
  cable->replug();
  ASSERT_TRUE(waitFor([&] { return pipeline.status().camera.state == CameraState::kStreaming; }));
  std::optional<ScannedCode> scan;
  ASSERT_TRUE(waitFor([&] { return (scan = pipeline.pollScan()).has_value(); }));
  EXPECT_EQ(scan->text, "KT1:FIRST-GUEST");
  EXPECT_GT(pipeline.status().framesCaptured, capturedWhileUnplugged);

  // A second unplug and replug: the pipeline does not give up after the first.
  cable->unplug();
  ASSERT_TRUE(
      waitFor([&] { return pipeline.status().camera.state == CameraState::kDisconnected; }));
  cable->replug();
  ASSERT_TRUE(scene->present("KT1:SECOND-GUEST").ok());
  ASSERT_TRUE(waitFor([&] { return (scan = pipeline.pollScan()).has_value(); }));
  EXPECT_EQ(scan->text, "KT1:SECOND-GUEST");
  pipeline.stop();
}

}  // namespace
}  // namespace kiosk::devices
