// QR code generation for guest codes, badges, invitations and the synthetic camera.
//
// Pure functions; any thread. Failures (text too long for any QR version, unwritable
// file) come back as errors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/result.h"

namespace kiosk::devices {

enum class QrErrorCorrection { kLow, kMedium, kQuartile, kHigh };

// The modules of a QR code, without quiet zone. size x size, row-major, 1 = dark.
struct QrMatrix {
  int size = 0;
  std::vector<std::uint8_t> dark;
  bool isDark(int x, int y) const {
    return dark[static_cast<std::size_t>(y) * static_cast<std::size_t>(size) +
                static_cast<std::size_t>(x)] != 0;
  }
};

Result<QrMatrix> encodeQr(std::string_view text,
                          QrErrorCorrection level = QrErrorCorrection::kMedium);

// Renders the code with a 4-module quiet zone into an 8-bit grayscale raster
// (0 = black, 255 = white), `moduleSize` pixels per module.
std::vector<std::uint8_t> rasterizeQr(const QrMatrix& qr, int moduleSize, int& sidePixels);

// Writes the code as a PNG file (grayscale, 4-module quiet zone).
Status writeQrPng(const QrMatrix& qr, const std::string& path, int moduleSize = 8);

}  // namespace kiosk::devices
