#include "documents/qr_code.h"

#include <cairo.h>
#include <qrencode.h>

#include <algorithm>
#include <cerrno>
#include <memory>

namespace kiosk::devices {

namespace {
constexpr int kQuietZone = 4;
// ECI 26 says "the bytes are UTF-8"; without it readers may take them for ISO-8859-1 or
// Shift_JIS (a guest's Chinese name would come back garbled).
constexpr unsigned kEciUtf8 = 26;

QRecLevel qrencodeLevel(QrErrorCorrection level) {
  switch (level) {
    case QrErrorCorrection::kLow:
      return QR_ECLEVEL_L;
    case QrErrorCorrection::kMedium:
      return QR_ECLEVEL_M;
    case QrErrorCorrection::kQuartile:
      return QR_ECLEVEL_Q;
    case QrErrorCorrection::kHigh:
      return QR_ECLEVEL_H;
  }
  return QR_ECLEVEL_M;
}

using CodePtr = std::unique_ptr<QRcode, decltype(&QRcode_free)>;
using InputPtr = std::unique_ptr<QRinput, decltype(&QRinput_free)>;

// ASCII text (booking codes, signed tokens, URLs) lets libqrencode pick numeric and
// alphanumeric segments, the smallest code; anything else is UTF-8 bytes behind an ECI.
CodePtr encode(std::string_view text, QRecLevel level) {
  const bool plainAscii = std::all_of(text.begin(), text.end(), [](char c) {
    return c != '\0' && static_cast<unsigned char>(c) < 0x80;
  });
  if (plainAscii) {
    return CodePtr(QRcode_encodeString(std::string(text).c_str(), 0, level, QR_MODE_8, 1),
                   &QRcode_free);
  }
  InputPtr input(QRinput_new2(0, level), &QRinput_free);
  if (!input || QRinput_appendECIheader(input.get(), kEciUtf8) != 0 ||
      QRinput_append(input.get(), QR_MODE_8, static_cast<int>(text.size()),
                     reinterpret_cast<const unsigned char*>(text.data())) != 0) {
    return CodePtr(nullptr, &QRcode_free);
  }
  return CodePtr(QRcode_encodeInput(input.get()), &QRcode_free);
}
}  // namespace

Result<QrMatrix> encodeQr(std::string_view text, QrErrorCorrection level) {
  errno = 0;
  const CodePtr code = encode(text, qrencodeLevel(level));
  if (!code) {
    const std::string why = errno == ERANGE   ? "text too long for a QR code"
                            : errno == ENOMEM ? "out of memory"
                                              : "invalid text";
    return makeError(ErrorKind::kInvalidInput, "cannot encode QR code: " + why);
  }
  QrMatrix qr;
  qr.size = code->width;
  const auto cells = static_cast<std::size_t>(qr.size) * static_cast<std::size_t>(qr.size);
  qr.dark.resize(cells);
  // Bit 0 of each libqrencode cell is "dark"; the other bits describe the module's role.
  for (std::size_t i = 0; i < cells; ++i) {
    qr.dark[i] = code->data[i] & 1U;
  }
  return qr;
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
  // Grayscale from a 1-bit surface (Cairo writes an A1 surface as 8-bit gray, a set bit
  // white): compressing 32-bit RGB pixels made the PNG of every guest the biggest cost of
  // `codes issue`.
  using SurfacePtr = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
  SurfacePtr bits(cairo_image_surface_create(CAIRO_FORMAT_A1, side, side), &cairo_surface_destroy);
  if (cairo_surface_status(bits.get()) != CAIRO_STATUS_SUCCESS) {
    return makeError(ErrorKind::kPermanent, "cannot allocate the image of " + path);
  }
  cairo_surface_flush(bits.get());
  auto* data = cairo_image_surface_get_data(bits.get());
  const int stride = cairo_image_surface_get_stride(bits.get());
  std::fill(data, data + static_cast<std::ptrdiff_t>(stride) * side, 0);
  for (int y = 0; y < side; ++y) {
    auto* row = reinterpret_cast<std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
    for (int x = 0; x < side; ++x) {
      if (pixels[static_cast<std::size_t>(y * side + x)] != 0) {
        // A1 pixels are bits of native-endian 32-bit words, the first pixel in the low bit
        // on little-endian machines.
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        row[x / 32] |= 1U << (x % 32);
#else
        row[x / 32] |= 0x80000000U >> (x % 32);
#endif
      }
    }
  }
  cairo_surface_mark_dirty(bits.get());
  if (cairo_surface_write_to_png(bits.get(), path.c_str()) != CAIRO_STATUS_SUCCESS) {
    return makeError(ErrorKind::kPermanent, "cannot write " + path);
  }
  return okStatus();
}

}  // namespace kiosk::devices
