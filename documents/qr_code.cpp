#include "documents/qr_code.h"

#include <png.h>
#include <qrencode.h>

#include <algorithm>
#include <cerrno>
#include <csetjmp>
#include <cstdio>
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

namespace {

// libpng reports errors by longjmp: everything with a destructor stays in the caller.
bool writeBilevelPng(std::FILE* file, int side, const std::vector<std::uint8_t>& packed) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png == nullptr ? nullptr : png_create_info_struct(png);
  if (info == nullptr || setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_init_io(png, file);
  // Deflate's fastest level: each row of modules repeats moduleSize times, which it still
  // finds. At the default level a code's PNG took 0.24 ms of deflate instead of 0.04 ms,
  // for 500 bytes less.
  png_set_compression_level(png, 1);
  png_set_IHDR(png, info, static_cast<png_uint_32>(side), static_cast<png_uint_32>(side), 1,
               PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  const std::size_t stride = (static_cast<std::size_t>(side) + 7) / 8;
  for (int y = 0; y < side; ++y) {
    png_write_row(png, packed.data() + static_cast<std::size_t>(y) * stride);
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return true;
}

}  // namespace

Status writeQrPng(const QrMatrix& qr, const std::string& path, int moduleSize) {
  // One bit per pixel (1 = white): a code has two colours, and compressing 32-bit RGB
  // pixels made the PNG of every guest the biggest cost of `codes issue`. Each row of
  // modules is packed once and repeated moduleSize times.
  const int modules = qr.size + 2 * kQuietZone;
  const int side = modules * moduleSize;
  const std::size_t stride = (static_cast<std::size_t>(side) + 7) / 8;
  std::vector<std::uint8_t> packed(stride * static_cast<std::size_t>(side), 0);
  for (int my = 0; my < modules; ++my) {
    const auto rowStart = static_cast<std::size_t>(my) * static_cast<std::size_t>(moduleSize);
    std::uint8_t* row = packed.data() + rowStart * stride;
    const int y = my - kQuietZone;
    for (int x = 0; x < side; ++x) {
      const int mx = x / moduleSize - kQuietZone;
      const bool dark = y >= 0 && y < qr.size && mx >= 0 && mx < qr.size && qr.isDark(mx, y);
      if (!dark) {
        row[static_cast<std::size_t>(x) / 8] |= static_cast<std::uint8_t>(0x80U >> (x % 8));
      }
    }
    for (int copy = 1; copy < moduleSize; ++copy) {
      std::copy_n(row, stride, row + static_cast<std::size_t>(copy) * stride);
    }
  }
  std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "wb"),
                                                          &std::fclose);
  if (!file || !writeBilevelPng(file.get(), side, packed) || std::fflush(file.get()) != 0 ||
      std::fclose(file.release()) != 0) {
    return makeError(ErrorKind::kPermanent, "cannot write " + path);
  }
  return okStatus();
}

}  // namespace kiosk::devices
