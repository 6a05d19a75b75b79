#include "devices/camera/decoded_code.h"

#include <array>
#include <utility>

namespace kiosk::devices {

namespace {
constexpr std::array<std::pair<CodeFormat, const char*>, 14> kNames = {{
    {CodeFormat::kQrCode, "qr"},
    {CodeFormat::kMicroQrCode, "micro_qr"},
    {CodeFormat::kDataMatrix, "data_matrix"},
    {CodeFormat::kAztec, "aztec"},
    {CodeFormat::kPdf417, "pdf417"},
    {CodeFormat::kCode128, "code128"},
    {CodeFormat::kCode39, "code39"},
    {CodeFormat::kCode93, "code93"},
    {CodeFormat::kCodabar, "codabar"},
    {CodeFormat::kEan8, "ean8"},
    {CodeFormat::kEan13, "ean13"},
    {CodeFormat::kUpcA, "upca"},
    {CodeFormat::kUpcE, "upce"},
    {CodeFormat::kItf, "itf"},
}};
}  // namespace

const char* toString(CodeFormat format) {
  for (const auto& [value, name] : kNames) {
    if (value == format) {
      return name;
    }
  }
  return "qr";
}

std::optional<CodeFormat> parseCodeFormat(std::string_view text) {
  for (const auto& [value, name] : kNames) {
    if (text == name) {
      return value;
    }
  }
  return std::nullopt;
}

std::optional<std::vector<CodeFormat>> parseCodeFormats(std::string_view text) {
  std::vector<CodeFormat> formats;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto name = text.substr(0, comma);
    const auto format = parseCodeFormat(name);
    if (!format) {
      return std::nullopt;
    }
    formats.push_back(*format);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  if (formats.empty()) {
    return std::nullopt;
  }
  return formats;
}

}  // namespace kiosk::devices
