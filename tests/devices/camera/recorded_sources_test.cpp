// Recorded footage through the whole pipeline: a video file written with
// cv::VideoWriter (MJPG in AVI) and a folder of PNG frames, both rendered from the
// synthetic scene with a code that appears only after the first frames.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "devices/camera/image_folder_source.h"
#include "devices/camera/scan_pipeline.h"
#include "devices/camera/synthetic_scene.h"
#include "devices/camera/video_file_source.h"
#include "tests/devices/camera/test_support.h"

namespace kiosk::devices {
namespace {

using test::waitFor;

constexpr int kFrames = 40;
constexpr int kCodeFrom = 15;  // frames 0..14 are the empty lobby
const std::string kToken = "K1.recorded-guest-00315.c2lnbmF0dXJl";

cv::Mat renderFrame(SyntheticScene& scene, int index) {
  if (index == kCodeFrom) {
    EXPECT_TRUE(scene.showCode(kToken).ok());
  }
  GrayFrame frame = scene.render(index / 25.0);
  cv::Mat gray(frame.height, frame.width, CV_8U, frame.pixels.data());
  cv::Mat bgr;
  cv::cvtColor(gray, bgr, cv::COLOR_GRAY2BGR);
  return bgr;
}

SyntheticSceneOptions smallScene() {
  SyntheticSceneOptions options;
  options.width = 640;
  options.height = 480;
  return options;
}

std::optional<ScannedCode> runPipeline(std::unique_ptr<CameraSource> source,
                                       CameraState& endState) {
  ScanPipeline pipeline(std::move(source));
  pipeline.start();
  std::optional<ScannedCode> scan;
  waitFor([&] { return (scan = pipeline.pollScan()).has_value(); });
  waitFor([&] { return pipeline.status().camera.state == CameraState::kEnded; });
  endState = pipeline.status().camera.state;
  pipeline.stop();
  return scan;
}

TEST(RecordedSources, VideoFileThroughThePipeline) {
  test::TempDir dir;
  const std::string path = (dir.path() / "lobby.avi").string();
  {
    cv::VideoWriter writer(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 25,
                           cv::Size(640, 480), true);
    ASSERT_TRUE(writer.isOpened()) << "OpenCV cannot write MJPG/AVI here";
    SyntheticScene scene(smallScene());
    for (int i = 0; i < kFrames; ++i) {
      writer.write(renderFrame(scene, i));
    }
  }
  SystemClock clock;
  auto source = std::make_unique<VideoFileSource>(VideoFileOptions{path, 0, false, true}, clock);
  EXPECT_EQ(source->open().state, CameraState::kStreaming);
  EXPECT_DOUBLE_EQ(source->nominalFps(), 25.0);
  CameraState endState = CameraState::kStarting;
  const auto scan = runPipeline(std::move(source), endState);
  ASSERT_TRUE(scan.has_value()) << "the code in the video was not read";
  EXPECT_EQ(scan->text, kToken);
  // Read from a frame that has the code: the file really played in order.
  EXPECT_GT(scan->frameSequence, static_cast<std::uint64_t>(kCodeFrom));
  EXPECT_LE(scan->frameSequence, static_cast<std::uint64_t>(kFrames));
  EXPECT_EQ(endState, CameraState::kEnded);
}

TEST(RecordedSources, ImageSequenceThroughThePipeline) {
  test::TempDir dir;
  SyntheticScene scene(smallScene());
  for (int i = 0; i < kFrames; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "frame-%03d.png", i);
    ASSERT_TRUE(cv::imwrite((dir.path() / name).string(), renderFrame(scene, i)));
  }
  SystemClock clock;
  auto source = std::make_unique<ImageFolderSource>(
      ImageFolderOptions{dir.path().string(), 30, false, true}, clock);
  CameraState endState = CameraState::kStarting;
  const auto scan = runPipeline(std::move(source), endState);
  ASSERT_TRUE(scan.has_value()) << "the code in the image sequence was not read";
  EXPECT_EQ(scan->text, kToken);
  EXPECT_GT(scan->frameSequence, static_cast<std::uint64_t>(kCodeFrom));
  EXPECT_EQ(endState, CameraState::kEnded);
}

TEST(RecordedSources, LoopingVideoStartsOver) {
  test::TempDir dir;
  const std::string path = (dir.path() / "short.avi").string();
  {
    cv::VideoWriter writer(path, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 30,
                           cv::Size(320, 240), true);
    ASSERT_TRUE(writer.isOpened());
    for (int i = 0; i < 5; ++i) {
      writer.write(cv::Mat(240, 320, CV_8UC3, cv::Scalar(40.0 * i, 80, 120)));
    }
  }
  SystemClock clock;
  VideoFileSource source(VideoFileOptions{path, 200, true, true}, clock);
  ASSERT_EQ(source.open().state, CameraState::kStreaming);
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(source.read().has_value()) << "frame " << i;
  }
  EXPECT_EQ(source.status().state, CameraState::kStreaming);
}

}  // namespace
}  // namespace kiosk::devices
