#include "devices/printing/qr_code.h"

#define ZX_USE_UTF8 1
#include <ZXing/BitMatrix.h>
#include <ZXing/MultiFormatWriter.h>
#include <cairo.h>

#include <exception>
#include <memory>

namespace kiosk::devices {

namespace {
constexpr int kQuietZone = 4;

int zxingLevel(QrErrorCorrection level) {
  // ZXing 1.4 maps 0-8 onto L/M/Q/H in pairs (0-2 L, 3-4 M, 5-6 Q, 7-8 H).
  switch (level) {
    case QrErrorCorrection::kLow:
      return 1;
    case QrErrorCorrection::kMedium:
      return 3;
    case QrErrorCorrection::kQuartile:
      return 5;
    case QrErrorCorrection::kHigh:
      return 8;
  }
  return 3;
}
}  // namespace

Result<QrMatrix> encodeQr(std::string_view text, QrErrorCorrection level) {
  try {
    const auto bits = ZXing::MultiFormatWriter(ZXing::BarcodeFormat::QRCode)
                          .setMargin(0)
                          .setEccLevel(zxingLevel(level))
                          .setEncoding(ZXing::CharacterSet::UTF8)
                          .encode(std::string(text), 0, 0);
    QrMatrix qr;
    qr.size = bits.width();
    qr.dark.resize(static_cast<std::size_t>(qr.size) * static_cast<std::size_t>(qr.size));
    for (int y = 0; y < qr.size; ++y) {
      for (int x = 0; x < qr.size; ++x) {
        qr.dark[static_cast<std::size_t>(y * qr.size + x)] = bits.get(x, y) ? 1 : 0;
      }
    }
    return qr;
  } catch (const std::exception& e) {
    return makeError(ErrorKind::kInvalidInput, std::string("cannot encode QR code: ") + e.what());
  }
}

std::vector<std::uint8_t> rasterizeQr(const QrMatrix& qr, int moduleSize, int& sidePixels) {
  const int modules = qr.size + 2 * kQuietZone;
  sidePixels = modules * moduleSize;
  std::vector<std::uint8_t> pixels(
      static_cast<std::size_t>(sidePixels) * static_cast<std::size_t>(sidePixels), 255);
  for (int y = 0; y < qr.size; ++y) {
    for (int x = 0; x < qr.size; ++x) {
      if (!qr.isDark(x, y)) {
        continue;
      }
      for (int dy = 0; dy < moduleSize; ++dy) {
        const auto row = static_cast<std::size_t>((y + kQuietZone) * moduleSize + dy);
        for (int dx = 0; dx < moduleSize; ++dx) {
          const auto col = static_cast<std::size_t>((x + kQuietZone) * moduleSize + dx);
          pixels[row * static_cast<std::size_t>(sidePixels) + col] = 0;
        }
      }
    }
  }
  return pixels;
}

Status writeQrPng(const QrMatrix& qr, const std::string& path, int moduleSize) {
  int side = 0;
  const auto pixels = rasterizeQr(qr, moduleSize, side);
  using SurfacePtr = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
  SurfacePtr rgb(cairo_image_surface_create(CAIRO_FORMAT_RGB24, side, side),
                 &cairo_surface_destroy);
  cairo_surface_flush(rgb.get());
  auto* data = cairo_image_surface_get_data(rgb.get());
  const int stride = cairo_image_surface_get_stride(rgb.get());
  for (int y = 0; y < side; ++y) {
    auto* row = reinterpret_cast<std::uint32_t*>(data + y * stride);
    for (int x = 0; x < side; ++x) {
      const std::uint32_t v = pixels[static_cast<std::size_t>(y * side + x)];
      row[x] = 0xff000000u | v << 16 | v << 8 | v;
    }
  }
  cairo_surface_mark_dirty(rgb.get());
  if (cairo_surface_write_to_png(rgb.get(), path.c_str()) != CAIRO_STATUS_SUCCESS) {
    return makeError(ErrorKind::kPermanent, "cannot write " + path);
  }
  return okStatus();
}

}  // namespace kiosk::devices
