// Decoding codes in camera frames and still images (ZXing-cpp 1.4 inside).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "devices/camera/decoded_code.h"
#include "devices/camera/frame.h"
#include "kiosk/core/result.h"

namespace kiosk::devices {

struct FrameDecoderOptions {
  // QR only by default: with linear formats enabled, camera noise and lobby textures
  // are read as 1D barcodes now and then.
  std::vector<CodeFormat> formats{CodeFormat::kQrCode};
  // The cheap pass runs on the frame shrunk by an integer factor to at most this width
  // (1280 and 1920 wide frames are halved).
  int fastMaxWidth = 960;
  // One expensive pass every this many frames in which nothing was read; 0 = never.
  // The passes take turns: full resolution trying harder, then the inverted image.
  int thoroughEvery = 3;
  // Include light-on-dark (inverted) codes in the expensive rotation.
  bool tryInverted = true;
};

// What the last decode() did; for the status line and benchmarks.
struct FrameDecodeReport {
  double millis = 0;
  bool thorough = false;    // an expensive pass ran
  bool likelyCode = false;  // the cheap pass saw a code it could not read
};

// Decodes a stream of camera frames cheaply: every frame gets a fast pass (the chosen
// formats, halved, no try-harder: about half a millisecond on an empty 720p frame); a
// frame where that pass located a code but could not read it gets a full-resolution,
// try-harder pass on that region; and every `thoroughEvery` frames without a code one
// of the expensive passes runs (full resolution try-harder, ~8 ms at 720p; inverted), so
// small, hard or inverted codes are still read within a few frames while the median
// cost stays at the fast pass.
//
// Holds scratch buffers and the rotation state: one thread (the pipeline's decode
// worker). Never throws; a frame the library chokes on yields no codes.
class FrameDecoder {
 public:
  explicit FrameDecoder(FrameDecoderOptions options = {});
  ~FrameDecoder();
  FrameDecoder(const FrameDecoder&) = delete;
  FrameDecoder& operator=(const FrameDecoder&) = delete;

  // The codes in the frame, best first: the largest, most central code leads.
  std::vector<DecodedCode> decode(const GrayFrame& frame);

  const FrameDecodeReport& lastReport() const { return report_; }
  const FrameDecoderOptions& options() const { return options_; }

 private:
  struct Impl;
  FrameDecoderOptions options_;
  std::unique_ptr<Impl> impl_;
  FrameDecodeReport report_;
};

// The most thorough decode of one still image (full resolution, try-harder, rotations,
// inverted, rescaled and denoised retries); tens to hundreds of milliseconds. For
// `kioskctl decode` and the app's --image check-in. Codes best first; empty when none.
std::vector<DecodedCode> decodeStill(const GrayFrame& image,
                                     const std::vector<CodeFormat>& formats = {
                                         CodeFormat::kQrCode});

// Reads an image file (png, jpg, bmp, pgm, webp, tiff ...) and decodes it as decodeStill
// does. Fails with kNotFound when the file is missing, kInvalidInput when it is not a
// readable image.
Result<std::vector<DecodedCode>> decodeImageFile(const std::string& path,
                                                 const std::vector<CodeFormat>& formats = {
                                                     CodeFormat::kQrCode});

// Reads an image file as a gray frame (for callers that decode or show it themselves).
Result<GrayFrame> loadGrayImage(const std::string& path);

// Orders codes best first: larger area, then closer to the centre of the image.
void rankCodes(std::vector<DecodedCode>& codes);

}  // namespace kiosk::devices
