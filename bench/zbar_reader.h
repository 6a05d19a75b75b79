// zbar for the comparison benchmark only, in its own translation unit: zbar's C++
// header and ZXing's Error.h macros (FormatError, ...) cannot meet in one file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace kiosk::bench {

// Whether zbar was found at configure time (pkg-config zbar).
bool zbarAvailable();

// QR codes only, on an 8-bit gray image (rows `width` bytes apart); the first text
// zbar reports, nullopt when none.
std::optional<std::string> zbarReadQr(const std::uint8_t* gray, int width, int height);

}  // namespace kiosk::bench
