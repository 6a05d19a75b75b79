#include "devices/camera/cv_frames.h"

#include <algorithm>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace kiosk::devices::detail {

cv::Mat grayView(const GrayFrame& frame) {
  // OpenCV has no const Mat over foreign memory; callers only read through the view.
  return {frame.height, frame.width, CV_8UC1, const_cast<std::uint8_t*>(frame.pixels.data())};
}

cv::Mat rgbView(const RgbFrame& frame) {
  return {frame.height, frame.width, CV_8UC3, const_cast<std::uint8_t*>(frame.pixels.data())};
}

GrayFrame grayFrameFromMat(const cv::Mat& gray) {
  GrayFrame out;
  out.width = gray.cols;
  out.height = gray.rows;
  out.pixels.resize(out.byteSize());
  cv::Mat dst = grayView(out);
  gray.copyTo(dst);
  return out;
}

CameraFrame cameraFrameFromMat(const cv::Mat& image, bool keepColor) {
  CameraFrame frame;
  GrayFrame& gray = frame.gray;
  gray.width = image.cols;
  gray.height = image.rows;
  gray.pixels.resize(gray.byteSize());
  cv::Mat grayDst = grayView(gray);
  const int channels = image.channels();
  if (channels == 1) {
    image.copyTo(grayDst);
    return frame;
  }
  cv::cvtColor(image, grayDst, channels == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  if (keepColor) {
    RgbFrame& color = frame.color;
    color.width = image.cols;
    color.height = image.rows;
    color.pixels.resize(color.byteSize());
    cv::Mat colorDst = rgbView(color);
    cv::cvtColor(image, colorDst, channels == 4 ? cv::COLOR_BGRA2RGB : cv::COLOR_BGR2RGB);
  }
  return frame;
}

RgbFrame makePreview(const CameraFrame& frame, int maxWidth) {
  const bool hasColor = !frame.color.empty();
  const int width = hasColor ? frame.color.width : frame.gray.width;
  const int height = hasColor ? frame.color.height : frame.gray.height;
  if (width <= 0 || height <= 0) {
    return {};
  }
  int outWidth = width;
  int outHeight = height;
  if (maxWidth > 0 && width > maxWidth) {
    outWidth = maxWidth;
    outHeight = std::max(1, static_cast<int>(static_cast<long long>(height) * maxWidth / width));
  }
  RgbFrame preview;
  preview.width = outWidth;
  preview.height = outHeight;
  preview.capturedAt = frame.capturedAt();
  preview.sequence = frame.sequence();
  preview.pixels.resize(preview.byteSize());
  cv::Mat out = rgbView(preview);
  if (hasColor) {
    const cv::Mat in = rgbView(frame.color);
    cv::resize(in, out, out.size(), 0, 0, cv::INTER_AREA);
  } else {
    const cv::Mat in = grayView(frame.gray);
    cv::Mat small;
    cv::resize(in, small, out.size(), 0, 0, cv::INTER_AREA);
    cv::cvtColor(small, out, cv::COLOR_GRAY2RGB);
  }
  return preview;
}

void stampFrame(CameraFrame& frame, TimePoint capturedAt, std::uint64_t sequence) {
  frame.gray.capturedAt = capturedAt;
  frame.gray.sequence = sequence;
  frame.color.capturedAt = capturedAt;
  frame.color.sequence = sequence;
}

}  // namespace kiosk::devices::detail
