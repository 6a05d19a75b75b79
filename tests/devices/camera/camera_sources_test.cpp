#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "devices/camera/camera_factory.h"
#include "devices/camera/image_folder_source.h"
#include "devices/camera/synthetic_source.h"
#include "devices/camera/v4l2_camera_source.h"
#include "devices/camera/video_file_source.h"
#include "tests/devices/camera/test_support.h"

namespace kiosk::devices {
namespace {

TEST(V4l2CameraSource, MissingCameraIsAStateWithAReason) {
  SystemClock clock;
  test::TempDir dir;
  V4l2CameraOptions options;
  options.device = (dir.path() / "video-nonexistent").string();
  V4l2CameraSource camera(options, clock);
  const CameraStatus opened = camera.open();
  EXPECT_EQ(opened.state, CameraState::kNoCamera);
  EXPECT_EQ(opened.problem, CameraProblem::kNotFound);
  EXPECT_NE(opened.reason.find(options.device), std::string::npos) << opened.reason;
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(camera.read().has_value());
  }
  EXPECT_EQ(camera.status().state, CameraState::kNoCamera);
}

TEST(V4l2CameraSource, NumericDeviceMeansVideoNode) {
  EXPECT_EQ(V4l2CameraSource::devicePath("2"), "/dev/video2");
  EXPECT_EQ(V4l2CameraSource::devicePath("/dev/v4l/by-id/cam"), "/dev/v4l/by-id/cam");
}

TEST(V4l2CameraSource, ANodeThatIsNotACameraIsNotStreaming) {
  SystemClock clock;
  test::TempDir dir;
  const auto fake = dir.path() / "video0";
  {
    std::FILE* f = std::fopen(fake.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fclose(f);
  }
  V4l2CameraOptions options;
  options.device = fake.string();
  V4l2CameraSource camera(options, clock);
  const CameraStatus opened = camera.open();
  EXPECT_NE(opened.state, CameraState::kStreaming);
  EXPECT_NE(opened.problem, CameraProblem::kNone);
  EXPECT_FALSE(opened.reason.empty());
  EXPECT_FALSE(camera.read().has_value());
}

TEST(CameraFactory, KindsParseAndAutoFallsBackToSynthetic) {
  for (const auto kind : {CameraKind::kAuto, CameraKind::kV4l2, CameraKind::kVideoFile,
                          CameraKind::kImageFolder, CameraKind::kSynthetic}) {
    EXPECT_EQ(parseCameraKind(toString(kind)), kind);
  }
  EXPECT_FALSE(parseCameraKind("webcam").has_value());

  SystemClock clock;
  test::TempDir dir;
  CameraConfig config;
  config.kind = CameraKind::kAuto;
  config.device = (dir.path() / "video9").string();
  config.width = 320;
  config.height = 240;
  auto source = makeCameraSource(config, clock);
  ASSERT_NE(asSynthetic(*source), nullptr);
  EXPECT_EQ(source->open().state, CameraState::kStreaming);
  const auto frame = source->read();
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->gray.width, 320);
  EXPECT_EQ(frame->gray.height, 240);
  EXPECT_EQ(frame->sequence(), 1u);

  config.kind = CameraKind::kV4l2;
  auto camera = makeCameraSource(config, clock);
  EXPECT_EQ(asSynthetic(*camera), nullptr);
  EXPECT_EQ(camera->open().state, CameraState::kNoCamera);
}

TEST(SyntheticSource, RejectsWhatCannotBePresented) {
  SystemClock clock;
  test::TempDir dir;
  SyntheticSource source(SyntheticSourceOptions{{320, 240}, 60}, clock);
  EXPECT_FALSE(source.present(std::string(8000, 'x')).ok());
  auto missing = source.presentImage((dir.path() / "picture.png").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  EXPECT_TRUE(source.present("OK").ok());
  const auto frame = source.read();
  ASSERT_TRUE(frame.has_value());
  EXPECT_TRUE(frame->color.empty());
  EXPECT_EQ(frame->gray.pixels.size(), 320u * 240u);
}

TEST(ImageFolderSource, PlaysImagesInNameOrderSkippingUnreadableOnes) {
  SystemClock clock;
  test::TempDir dir;
  for (int i = 0; i < 3; ++i) {
    cv::Mat image(40 + i, 60, CV_8UC3, cv::Scalar(10.0 * i, 20, 30));
    ASSERT_TRUE(
        cv::imwrite((dir.path() / ("frame-" + std::to_string(i) + ".png")).string(), image));
  }
  {
    std::FILE* f = std::fopen((dir.path() / "frame-1b.png").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("broken", f);
    std::fclose(f);
  }
  ImageFolderSource source(ImageFolderOptions{dir.path().string(), 200, false, true}, clock);
  EXPECT_EQ(source.open().state, CameraState::kStreaming);
  ASSERT_EQ(source.files().size(), 4u);
  std::vector<int> heights;
  while (auto frame = source.read()) {
    heights.push_back(frame->gray.height);
    EXPECT_EQ(frame->color.width, 60);
  }
  EXPECT_EQ(heights, (std::vector<int>{40, 41, 42}));
  EXPECT_EQ(source.status().state, CameraState::kEnded);
}

TEST(ImageFolderSource, EmptyOrMissingFolderIsNoCamera) {
  SystemClock clock;
  test::TempDir dir;
  ImageFolderSource empty(ImageFolderOptions{dir.path().string(), 100, true, true}, clock);
  EXPECT_EQ(empty.open().state, CameraState::kNoCamera);
  EXPECT_FALSE(empty.read().has_value());
  ImageFolderSource missing(ImageFolderOptions{(dir.path() / "gone").string(), 100, true, true},
                            clock);
  const auto status = missing.open();
  EXPECT_EQ(status.state, CameraState::kNoCamera);
  EXPECT_NE(status.reason.find("gone"), std::string::npos);
}

TEST(VideoFileSource, MissingAndUndecodableFiles) {
  SystemClock clock;
  test::TempDir dir;
  VideoFileSource missing(VideoFileOptions{(dir.path() / "none.avi").string(), 0, false, true},
                          clock);
  EXPECT_EQ(missing.open().state, CameraState::kNoCamera);
  const auto junk = dir.path() / "junk.avi";
  {
    std::FILE* f = std::fopen(junk.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("this is not a video", f);
    std::fclose(f);
  }
  VideoFileSource broken(VideoFileOptions{junk.string(), 0, false, true}, clock);
  EXPECT_EQ(broken.open().state, CameraState::kError);
  EXPECT_FALSE(broken.read().has_value());
}

TEST(CameraState, Names) {
  EXPECT_STREQ(toString(CameraState::kNoCamera), "no_camera");
  EXPECT_STREQ(toString(CameraState::kDisconnected), "disconnected");
  EXPECT_STREQ(toString(CameraState::kStreaming), "streaming");
}

}  // namespace
}  // namespace kiosk::devices
