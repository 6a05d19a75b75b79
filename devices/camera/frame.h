// Camera frames in kiosk types: what sources produce, what the decoder and the photo
// guide consume and what the screen shows. Plain values; any thread may own one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kiosk/core/time.h"

namespace kiosk::devices {

// 8-bit luminance, row-major, width * height bytes (no row padding).
struct GrayFrame {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;
  TimePoint capturedAt{};
  std::uint64_t sequence = 0;  // per source, increasing; 0 = not from a source

  bool empty() const { return width <= 0 || height <= 0 || pixels.empty(); }
  std::size_t byteSize() const {
    return static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  }
};

// RGB8 interleaved (R, G, B per pixel), row-major, width * height * 3 bytes. The screen
// uploads it as a texture as is.
struct RgbFrame {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;
  TimePoint capturedAt{};
  std::uint64_t sequence = 0;  // the sequence of the camera frame it shows

  bool empty() const { return width <= 0 || height <= 0 || pixels.empty(); }
  std::size_t byteSize() const {
    return static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3;
  }
};

// One frame as a source delivers it: always the luminance (for decoding and face
// detection); the colour picture too when the source has colour (cameras, colour
// files). Monochrome sources (the synthetic scene) leave `color` empty.
struct CameraFrame {
  GrayFrame gray;
  RgbFrame color;

  std::uint64_t sequence() const { return gray.sequence; }
  TimePoint capturedAt() const { return gray.capturedAt; }
};

// A box in normalized frame coordinates: 0..1 from the left/top edge.
struct NormalizedBox {
  float x = 0;
  float y = 0;
  float width = 0;
  float height = 0;

  float centerX() const { return x + width / 2; }
  float centerY() const { return y + height / 2; }
  float area() const { return width * height; }
};

}  // namespace kiosk::devices
