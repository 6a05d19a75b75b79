#include "documents/image_codec.h"

#include <csetjmp>
#include <cstdio>
#include <cstdlib>
// jpeglib.h needs FILE and size_t declared first.
#include <jpeglib.h>

#include <string>

namespace kiosk::devices {

namespace {

// libjpeg reports fatal errors through error_exit, which must not return. The usual C
// pattern is setjmp/longjmp; the functions that call setjmp below keep only trivially
// destructible locals so that the jump skips no destructor.
struct JpegError {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

void onJpegError(j_common_ptr info) {
  auto* error = reinterpret_cast<JpegError*>(info->err);
  (*info->err->format_message)(info, error->message);
  std::longjmp(error->jump, 1);
}

void silenceJpegWarning(j_common_ptr /*info*/, int /*level*/) {}

// Returns nullptr on success or the libjpeg message.
const char* decodeInto(const std::vector<std::uint8_t>& jpeg, RgbaImage& out, JpegError& error) {
  jpeg_decompress_struct info{};
  info.err = jpeg_std_error(&error.pub);
  error.pub.error_exit = onJpegError;
  error.pub.emit_message = silenceJpegWarning;
  if (setjmp(error.jump) != 0) {
    jpeg_destroy_decompress(&info);
    return error.message;
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, jpeg.data(), static_cast<unsigned long>(jpeg.size()));
  jpeg_read_header(&info, TRUE);
  info.out_color_space = JCS_EXT_RGBA;  // libjpeg-turbo extension: no conversion pass here
  jpeg_start_decompress(&info);
  out.width = static_cast<int>(info.output_width);
  out.height = static_cast<int>(info.output_height);
  out.pixels.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height) * 4);
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = out.pixels.data() + static_cast<std::size_t>(info.output_scanline) *
                                           static_cast<std::size_t>(out.width) * 4;
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  jpeg_destroy_decompress(&info);
  return nullptr;
}

const char* encodeInto(const RgbaImage& image, int quality, unsigned char** buffer,
                       unsigned long* size, JpegError& error) {
  jpeg_compress_struct info{};
  info.err = jpeg_std_error(&error.pub);
  error.pub.error_exit = onJpegError;
  error.pub.emit_message = silenceJpegWarning;
  if (setjmp(error.jump) != 0) {
    jpeg_destroy_compress(&info);
    return error.message;
  }
  jpeg_create_compress(&info);
  jpeg_mem_dest(&info, buffer, size);
  info.image_width = static_cast<JDIMENSION>(image.width);
  info.image_height = static_cast<JDIMENSION>(image.height);
  info.input_components = 4;
  info.in_color_space = JCS_EXT_RGBA;
  jpeg_set_defaults(&info);
  jpeg_set_quality(&info, quality, TRUE);
  jpeg_start_compress(&info, TRUE);
  while (info.next_scanline < info.image_height) {
    // libjpeg's API takes non-const rows but only reads them when compressing.
    auto* row =
        const_cast<JSAMPLE*>(image.pixels.data() + static_cast<std::size_t>(info.next_scanline) *
                                                       static_cast<std::size_t>(image.width) * 4);
    jpeg_write_scanlines(&info, &row, 1);
  }
  jpeg_finish_compress(&info);
  jpeg_destroy_compress(&info);
  return nullptr;
}

}  // namespace

ImageFormat sniffImageFormat(const std::vector<std::uint8_t>& bytes) {
  if (bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) {
    return ImageFormat::kJpeg;
  }
  static constexpr std::uint8_t kPngMagic[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (bytes.size() >= sizeof kPngMagic) {
    bool png = true;
    for (std::size_t i = 0; i < sizeof kPngMagic; ++i) {
      png = png && bytes[i] == kPngMagic[i];
    }
    if (png) {
      return ImageFormat::kPng;
    }
  }
  return ImageFormat::kUnknown;
}

Result<RgbaImage> decodeJpeg(const std::vector<std::uint8_t>& jpeg) {
  if (sniffImageFormat(jpeg) != ImageFormat::kJpeg) {
    return makeError(ErrorKind::kInvalidInput, "not a JPEG image");
  }
  RgbaImage image;
  JpegError error{};
  if (const char* message = decodeInto(jpeg, image, error)) {
    return makeError(ErrorKind::kInvalidInput, std::string("cannot decode JPEG: ") + message);
  }
  return image;
}

Result<std::vector<std::uint8_t>> encodeJpeg(const RgbaImage& image, int quality) {
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() !=
          static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 4) {
    return makeError(ErrorKind::kInvalidInput, "bad RGBA image");
  }
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  JpegError error{};
  const char* message = encodeInto(image, quality, &buffer, &size, error);
  std::vector<std::uint8_t> bytes;
  if (message == nullptr) {
    bytes.assign(buffer, buffer + size);
  }
  std::free(buffer);  // jpeg_mem_dest allocates with malloc
  if (message != nullptr) {
    return makeError(ErrorKind::kInvalidInput, std::string("cannot encode JPEG: ") + message);
  }
  return bytes;
}

}  // namespace kiosk::devices
