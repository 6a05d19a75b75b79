// In-memory images and the JPEG/PNG codecs the badge code needs (guest photos arrive as
// JPEG bytes from the camera; logos are PNG or JPEG files).
//
// Pure functions; any thread. Corrupt or truncated input is kInvalidInput.
#pragma once

#include <cstdint>
#include <vector>

#include "kiosk/core/result.h"

namespace kiosk::devices {

// 8 bits per channel, straight alpha, rows top to bottom with no padding (width * 4
// bytes): ready for glTexImage2D(GL_RGBA, GL_UNSIGNED_BYTE).
struct RgbaImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;
  std::uint8_t* at(int x, int y) {
    return pixels.data() + (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                            static_cast<std::size_t>(x)) *
                               4;
  }
  const std::uint8_t* at(int x, int y) const {
    return pixels.data() + (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                            static_cast<std::size_t>(x)) *
                               4;
  }
};

enum class ImageFormat { kUnknown, kJpeg, kPng };
// From the first bytes (magic numbers).
ImageFormat sniffImageFormat(const std::vector<std::uint8_t>& bytes);

// Baseline or progressive JPEG, grayscale or colour; alpha is 255.
Result<RgbaImage> decodeJpeg(const std::vector<std::uint8_t>& jpeg);
// Encodes the colour channels (alpha ignored) at quality 1-100.
Result<std::vector<std::uint8_t>> encodeJpeg(const RgbaImage& image, int quality = 90);

}  // namespace kiosk::devices
