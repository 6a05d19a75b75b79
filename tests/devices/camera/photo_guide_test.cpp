// The guided photo, driven with frames of the synthetic scene: an empty lobby, a dark
// one, and a drawn, shaded face that OpenCV's frontal-face cascade genuinely detects
// (the test checks that the cascade finds it, and that a featureless head is not a face).
#include "devices/camera/photo_guide.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "devices/camera/synthetic_scene.h"
#include "tests/devices/camera/test_support.h"

namespace kiosk::devices {
namespace {

const TimePoint kT0 = fromUnixMillis(1'800'000'000'000);

SyntheticSceneOptions sceneOptions() {
  SyntheticSceneOptions options;
  options.width = 960;
  options.height = 720;
  return options;
}

CameraFrame frameOf(SyntheticScene& scene, int index) {
  CameraFrame frame;
  frame.gray = scene.render(index / 15.0);
  return frame;
}

PhotoGuide makeGuide(PhotoGuideOptions options = {}) {
  auto guide = PhotoGuide::create(std::move(options));
  if (!guide.ok()) {
    ADD_FAILURE() << guide.error().message;
    std::abort();
  }
  return std::move(guide).value();
}

// Feeds frames 100 ms apart until the hint is `until` or `frames` have passed.
PhotoGuidance feed(PhotoGuide& guide, SyntheticScene& scene, int frames, TimePoint& now,
                   std::optional<PhotoHint> until = std::nullopt) {
  PhotoGuidance last;
  for (int i = 0; i < frames; ++i) {
    last = guide.update(frameOf(scene, i), now);
    now += Millis{100};
    if (until && last.hint == *until) {
      break;
    }
  }
  return last;
}

TEST(PhotoGuide, MissingCascadeIsAnError) {
  test::TempDir dir;
  PhotoGuideOptions options;
  options.cascadePath = (dir.path() / "cascade.xml").string();
  auto guide = PhotoGuide::create(options);
  ASSERT_FALSE(guide.ok());
  EXPECT_EQ(guide.error().kind, ErrorKind::kNotFound);
}

TEST(PhotoGuide, EmptyLobbyHasNoFace) {
  auto guide = makeGuide();
  SyntheticScene scene(sceneOptions());
  TimePoint now = kT0;
  for (int i = 0; i < 10; ++i) {
    const auto guidance = guide.update(frameOf(scene, i), now);
    EXPECT_EQ(guidance.hint, PhotoHint::kNoFace);
    EXPECT_FALSE(guidance.face.has_value());
    now += Millis{100};
  }
  EXPECT_FALSE(guide.photo().has_value());
}

TEST(PhotoGuide, DarkSceneIsTooDark) {
  auto guide = makeGuide();
  SyntheticScene scene(sceneOptions());
  scene.showFace();
  scene.setLight(0.15);
  TimePoint now = kT0;
  EXPECT_EQ(guide.update(frameOf(scene, 0), now).hint, PhotoHint::kTooDark);
}

TEST(PhotoGuide, FeaturelessHeadIsNotAFace) {
  // Control for the drawn face: the same scene without eyes, brows, nose and mouth.
  SyntheticScene scene(sceneOptions());
  CameraFrame frame = frameOf(scene, 0);
  cv::Mat gray(frame.gray.height, frame.gray.width, CV_8U, frame.gray.pixels.data());
  cv::ellipse(gray, cv::Point(480, 300), cv::Size(52, 68), 0, 0, 360, cv::Scalar(185), -1);
  auto guide = makeGuide();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(guide.update(frame, kT0 + Millis{100 * i}).hint, PhotoHint::kNoFace);
  }
}

TEST(PhotoGuide, AFaceIsFollowedOnceSeenTwice) {
  auto guide = makeGuide();
  SyntheticScene scene(sceneOptions());
  scene.showFace(FacePlacement{0.5f, 0.42f, 0.15f});
  const auto first = guide.update(frameOf(scene, 0), kT0);
  EXPECT_EQ(first.hint, PhotoHint::kNoFace);
  const auto second = guide.update(frameOf(scene, 1), kT0 + Millis{100});
  EXPECT_EQ(second.hint, PhotoHint::kHoldStill);
  ASSERT_TRUE(second.face.has_value());
  EXPECT_NEAR(second.face->centerX(), 0.5, 0.05);
}

TEST(PhotoGuide, GuidesTowardsTheCentreAndTheRightDistance) {
  auto guide = makeGuide();
  SyntheticScene scene(sceneOptions());
  TimePoint now = kT0;

  scene.showFace(FacePlacement{0.5f, 0.42f, 0.09f});
  EXPECT_EQ(feed(guide, scene, 2, now).hint, PhotoHint::kMoveCloser);

  scene.showFace(FacePlacement{0.5f, 0.45f, 0.36f});
  EXPECT_EQ(feed(guide, scene, 2, now).hint, PhotoHint::kMoveBack);

  // Unmirrored camera frames: a face on the image's right is on the guest's left.
  scene.showFace(FacePlacement{0.78f, 0.42f, 0.15f});
  auto guidance = feed(guide, scene, 2, now);
  EXPECT_EQ(guidance.hint, PhotoHint::kMoveRight);
  ASSERT_TRUE(guidance.face.has_value());
  EXPECT_GT(guidance.face->centerX(), 0.65f);

  scene.showFace(FacePlacement{0.22f, 0.42f, 0.15f});
  EXPECT_EQ(feed(guide, scene, 2, now).hint, PhotoHint::kMoveLeft);
}

TEST(PhotoGuide, MirroredFramesSwapLeftAndRight) {
  PhotoGuideOptions options;
  options.mirrored = true;
  auto guide = makeGuide(options);
  SyntheticScene scene(sceneOptions());
  TimePoint now = kT0;
  scene.showFace(FacePlacement{0.78f, 0.42f, 0.15f});
  EXPECT_EQ(feed(guide, scene, 2, now).hint, PhotoHint::kMoveLeft);
}

TEST(PhotoGuide, MovingFaceMustHoldStillAndTheCountdownStartsOver) {
  auto guide = makeGuide();
  SyntheticScene scene(sceneOptions());
  TimePoint now = kT0;
  scene.showFace(FacePlacement{0.46f, 0.42f, 0.15f});
  auto guidance = feed(guide, scene, 10, now, PhotoHint::kCountdown);
  ASSERT_EQ(guidance.hint, PhotoHint::kCountdown);
  EXPECT_EQ(guidance.countdownSeconds, 3);
  now += Millis{1500};
  EXPECT_EQ(guide.update(frameOf(scene, 20), now).countdownSeconds, 2);
  // The guest steps sideways (still within the centre tolerance).
  scene.showFace(FacePlacement{0.54f, 0.42f, 0.15f});
  now += Millis{100};
  EXPECT_EQ(guide.update(frameOf(scene, 21), now).hint, PhotoHint::kHoldStill);
  now += Millis{100};
  guidance = guide.update(frameOf(scene, 22), now);
  EXPECT_EQ(guidance.hint, PhotoHint::kCountdown);
  EXPECT_EQ(guidance.countdownSeconds, 3);  // started over
}

TEST(PhotoGuide, CountsDownThenCapturesACroppedPortraitJpeg) {
  auto guide = makeGuide();
  SyntheticScene scene(sceneOptions());
  TimePoint now = kT0;
  scene.showFace(FacePlacement{0.5f, 0.42f, 0.15f});
  std::vector<int> seconds;
  PhotoGuidance guidance;
  for (int i = 0; i < 80 && guidance.hint != PhotoHint::kCaptured; ++i) {
    guidance = guide.update(frameOf(scene, i), now);
    if (guidance.hint == PhotoHint::kCountdown &&
        (seconds.empty() || seconds.back() != guidance.countdownSeconds)) {
      seconds.push_back(guidance.countdownSeconds);
    }
    now += Millis{100};
  }
  ASSERT_EQ(guidance.hint, PhotoHint::kCaptured);
  EXPECT_EQ(seconds, (std::vector<int>{3, 2, 1}));
  ASSERT_TRUE(guide.photo().has_value());
  const CapturedPhoto& photo = *guide.photo();
  EXPECT_EQ(photo.width, 600);
  EXPECT_EQ(photo.height, 800);
  // The crop is portrait 3:4, around the face, inside the frame.
  EXPECT_NEAR(photo.crop.width * 960 / (photo.crop.height * 720), 0.75, 0.01);
  EXPECT_NEAR(photo.crop.centerX(), 0.5, 0.05);
  EXPECT_GE(photo.crop.x, 0.0f);
  EXPECT_LE(photo.crop.y + photo.crop.height, 1.0001f);

  const cv::Mat jpeg(1, static_cast<int>(photo.jpeg.size()), CV_8U,
                     const_cast<std::uint8_t*>(photo.jpeg.data()));
  const cv::Mat decoded = cv::imdecode(jpeg, cv::IMREAD_GRAYSCALE);
  ASSERT_FALSE(decoded.empty()) << "not a JPEG";
  EXPECT_EQ(decoded.cols, 600);
  EXPECT_EQ(decoded.rows, 800);
  // The face is in the photo, horizontally centred, in its upper half, with head room.
  cv::CascadeClassifier cascade(PhotoGuideOptions{}.cascadePath);
  std::vector<cv::Rect> faces;
  cascade.detectMultiScale(decoded, faces, 1.1, 4, 0, cv::Size(100, 100));
  ASSERT_FALSE(faces.empty());
  const cv::Rect face = *std::max_element(
      faces.begin(), faces.end(), [](const auto& a, const auto& b) { return a.area() < b.area(); });
  EXPECT_GT(face.width, 200);  // the guest's face fills the photo, not a speck in it
  EXPECT_NEAR(face.x + face.width / 2.0, 300, 40);
  EXPECT_GT(face.y, 80);
  EXPECT_LT(face.y + face.height / 2.0, 450);

  // Captured stays captured until a retake.
  EXPECT_EQ(guide.update(frameOf(scene, 90), now).hint, PhotoHint::kCaptured);
  guide.retake();
  EXPECT_FALSE(guide.photo().has_value());
  EXPECT_NE(guide.update(frameOf(scene, 91), now + Millis{100}).hint, PhotoHint::kCaptured);
}

TEST(PhotoGuide, OptOutStopsGuidingUntilRetake) {
  auto guide = makeGuide();
  SyntheticScene scene(sceneOptions());
  scene.showFace(FacePlacement{0.5f, 0.42f, 0.15f});
  TimePoint now = kT0;
  guide.optOut();
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(guide.update(frameOf(scene, i), now).hint, PhotoHint::kOptedOut);
    now += Millis{100};
  }
  EXPECT_FALSE(guide.photo().has_value());
  guide.retake();
  EXPECT_NE(guide.update(frameOf(scene, 60), now).hint, PhotoHint::kOptedOut);
}

TEST(PhotoGuide, ColourFramesGiveAColourPhoto) {
  auto guide = makeGuide();
  SyntheticScene scene(sceneOptions());
  scene.showFace(FacePlacement{0.5f, 0.42f, 0.15f});
  TimePoint now = kT0;
  PhotoGuidance guidance;
  for (int i = 0; i < 80 && guidance.hint != PhotoHint::kCaptured; ++i) {
    CameraFrame frame = frameOf(scene, i);
    // Tint the picture: a colour camera's frame has both parts.
    frame.color.width = frame.gray.width;
    frame.color.height = frame.gray.height;
    frame.color.pixels.resize(frame.color.byteSize());
    for (std::size_t p = 0; p < frame.gray.pixels.size(); ++p) {
      frame.color.pixels[p * 3] = frame.gray.pixels[p];
      frame.color.pixels[p * 3 + 1] = static_cast<std::uint8_t>(frame.gray.pixels[p] / 2);
      frame.color.pixels[p * 3 + 2] = 0;
    }
    guidance = guide.update(frame, now);
    now += Millis{100};
  }
  ASSERT_TRUE(guide.photo().has_value());
  const auto& bytes = guide.photo()->jpeg;
  const cv::Mat decoded = cv::imdecode(
      cv::Mat(1, static_cast<int>(bytes.size()), CV_8U, const_cast<std::uint8_t*>(bytes.data())),
      cv::IMREAD_COLOR);
  ASSERT_FALSE(decoded.empty());
  const cv::Scalar mean = cv::mean(decoded);  // B, G, R
  EXPECT_GT(mean[2], mean[0] + 40);           // red channel clearly above blue
}

TEST(PhotoHint, Names) {
  EXPECT_STREQ(toString(PhotoHint::kNoFace), "no_face");
  EXPECT_STREQ(toString(PhotoHint::kMoveCloser), "move_closer");
  EXPECT_STREQ(toString(PhotoHint::kCountdown), "countdown");
}

}  // namespace
}  // namespace kiosk::devices
