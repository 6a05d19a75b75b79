#include "kiosk/core/ids.h"

#include <sodium.h>

#include <array>
#include <cstdio>
#include <string_view>

#include "kiosk/core/sodium_init.h"

namespace kiosk {

std::string newRecordId(TimePoint now) {
  ensureSodium();
  std::array<std::uint8_t, 16> b{};
  randombytes_buf(b.data(), b.size());
  const auto ms = static_cast<std::uint64_t>(toUnixMillis(now));
  for (int i = 0; i < 6; ++i) {
    b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(ms >> (40 - 8 * i));
  }
  b[6] = static_cast<std::uint8_t>(0x70 | (b[6] & 0x0f));
  b[8] = static_cast<std::uint8_t>(0x80 | (b[8] & 0x3f));
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

std::uint32_t randomNonZeroU32() {
  ensureSodium();
  std::uint32_t v = 0;
  while (v == 0) {
    v = randombytes_random();
  }
  return v;
}

std::string randomCode(std::size_t length) {
  ensureSodium();
  static constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  std::string out;
  out.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    out.push_back(kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))]);
  }
  return out;
}

}  // namespace kiosk
