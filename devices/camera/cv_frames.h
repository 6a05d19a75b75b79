// Internal to devices/camera: conversions between kiosk frames and OpenCV images. The
// header only forward-declares cv::Mat so that it stays free of OpenCV; callers are .cpp
// files that include OpenCV themselves.
#pragma once

#include "devices/camera/frame.h"

namespace cv {
class Mat;
}

namespace kiosk::devices::detail {

// Views (no copy) over a frame's pixels: CV_8UC1 and CV_8UC3 (RGB order). The frame
// must outlive the view and must not be resized while viewed.
cv::Mat grayView(const GrayFrame& frame);
cv::Mat rgbView(const RgbFrame& frame);

// Copies an 8-bit image (gray, BGR or BGRA, any row stride) into a CameraFrame. The
// colour part is filled only when `keepColor` and the image has colour.
CameraFrame cameraFrameFromMat(const cv::Mat& image, bool keepColor);

// Copies an 8-bit single-channel image into a GrayFrame.
GrayFrame grayFrameFromMat(const cv::Mat& gray);

// The frame as an RGB picture at most `maxWidth` wide (0: full size), from its colour
// part when present, else from the gray one; same capture time and sequence.
RgbFrame makePreview(const CameraFrame& frame, int maxWidth);

// Sets the capture time and sequence number on both parts of a frame.
void stampFrame(CameraFrame& frame, TimePoint capturedAt, std::uint64_t sequence);

}  // namespace kiosk::devices::detail
