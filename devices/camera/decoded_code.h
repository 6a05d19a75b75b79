// What the decoder reads: the symbology names and one decoded code with its place in
// the image. Plain values; kept apart from scanned_code.h so that decoder code does not
// pull in the check-in domain.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "devices/camera/frame.h"

namespace kiosk::devices {

// Symbologies the decoder can be asked for. The kiosk reads QR codes; the others exist
// for sites whose invitations or badges carry another symbology.
enum class CodeFormat {
  kQrCode,
  kMicroQrCode,
  kDataMatrix,
  kAztec,
  kPdf417,
  kCode128,
  kCode39,
  kCode93,
  kCodabar,
  kEan8,
  kEan13,
  kUpcA,
  kUpcE,
  kItf,
};
// "qr", "micro_qr", "data_matrix", "aztec", "pdf417", "code128", "code39", "code93",
// "codabar", "ean8", "ean13", "upca", "upce", "itf"
const char* toString(CodeFormat format);
std::optional<CodeFormat> parseCodeFormat(std::string_view text);
// A comma-separated list ("qr,data_matrix"); nullopt when any name is unknown or the
// list is empty.
std::optional<std::vector<CodeFormat>> parseCodeFormats(std::string_view text);

// One code found in one image by the decoder.
struct DecodedCode {
  std::string text;  // UTF-8, exactly as encoded (may contain newlines)
  CodeFormat format = CodeFormat::kQrCode;
  NormalizedBox box;  // bounding box of the code in the image
};

}  // namespace kiosk::devices
