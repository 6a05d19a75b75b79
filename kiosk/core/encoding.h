// Byte/text encodings used by guest codes and identifiers.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk {

using Bytes = std::vector<std::uint8_t>;

// RFC 4648 base32, upper case, no padding: every character is in the QR code
// alphanumeric set, so codes stay small.
std::string base32Encode(std::span<const std::uint8_t> data);
// Accepts upper or lower case, no padding; nullopt on any other character or on
// trailing bits that are not zero (a canonical encoding only).
std::optional<Bytes> base32Decode(std::string_view text);

std::string hexEncode(std::span<const std::uint8_t> data);
std::optional<Bytes> hexDecode(std::string_view text);

// Decodes the UTF-8 code point at `pos` and advances past it. An ill-formed sequence
// (overlong, surrogate, beyond U+10FFFF, truncated) yields -1 and advances by one byte,
// so callers resynchronise on the next byte.
std::int32_t nextCodePoint(std::string_view s, std::size_t& pos);

// True when text is well-formed UTF-8 (no overlongs, no surrogates).
bool isValidUtf8(std::string_view text);

// SHA-256 of the text, hex encoded (libsodium). Used to refer to scanned text in
// records without storing the text itself.
std::string sha256Hex(std::string_view text);

}  // namespace kiosk
