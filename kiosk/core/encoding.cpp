#include "kiosk/core/encoding.h"

#include <sodium.h>

#include <array>

#include "kiosk/core/sodium_init.h"

namespace kiosk {

namespace {
constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kHexDigits = "0123456789abcdef";

int base32Value(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a';
  }
  if (c >= '2' && c <= '7') {
    return c - '2' + 26;
  }
  return -1;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}
}  // namespace

std::string base32Encode(std::span<const std::uint8_t> data) {
  std::string out;
  out.reserve((data.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t byte : data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32Alphabet[(buffer >> (bits - 5)) & 0x1f]);
      bits -= 5;
    }
  }
  if (bits > 0) {
    out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 0x1f]);
  }
  return out;
}

std::optional<Bytes> base32Decode(std::string_view text) {
  Bytes out;
  out.reserve(text.size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = base32Value(c);
    if (v < 0) {
      return std::nullopt;
    }
    buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  // Leftover bits must be padding zeros and fewer than 5, or the text was not
  // produced by base32Encode (a truncated or altered code).
  if (bits >= 5 || (buffer & ((1u << bits) - 1)) != 0) {
    return std::nullopt;
  }
  return out;
}

std::string hexEncode(std::span<const std::uint8_t> data) {
  std::string out;
  out.reserve(data.size() * 2);
  for (std::uint8_t b : data) {
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0xf]);
  }
  return out;
}

std::optional<Bytes> hexDecode(std::string_view text) {
  if (text.size() % 2 != 0) {
    return std::nullopt;
  }
  Bytes out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = hexValue(text[i]);
    const int lo = hexValue(text[i + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return out;
}

std::int32_t nextCodePoint(std::string_view s, std::size_t& pos) {
  const auto c = static_cast<unsigned char>(s[pos]);
  if (c < 0x80) {
    ++pos;
    return c;
  }
  int extra = 0;
  std::int32_t cp = 0;
  if (c >= 0xc2 && c <= 0xdf) {
    extra = 1;
    cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    extra = 2;
    cp = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    extra = 3;
    cp = c & 0x07;
  } else {
    ++pos;
    return -1;
  }
  if (pos + static_cast<std::size_t>(extra) >= s.size()) {
    ++pos;
    return -1;
  }
  for (int k = 1; k <= extra; ++k) {
    const auto cc = static_cast<unsigned char>(s[pos + static_cast<std::size_t>(k)]);
    if ((cc & 0xc0) != 0x80) {
      ++pos;
      return -1;
    }
    cp = (cp << 6) | (cc & 0x3f);
  }
  static constexpr std::array<std::int32_t, 4> kMin{0, 0x80, 0x800, 0x10000};
  if (cp < kMin[static_cast<std::size_t>(extra)] || cp > 0x10ffff ||
      (cp >= 0xd800 && cp <= 0xdfff)) {
    ++pos;
    return -1;
  }
  pos += static_cast<std::size_t>(extra) + 1;
  return cp;
}

bool isValidUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    if (nextCodePoint(text, i) < 0) {
      return false;
    }
  }
  return true;
}

std::string sha256Hex(std::string_view text) {
  ensureSodium();
  std::uint8_t digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return hexEncode(digest);
}

}  // namespace kiosk
