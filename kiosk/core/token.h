// Guest codes: signed, versioned tokens that a terminal verifies with no network.
//
// Text form (what the QR code holds):  "KT1:" + base32(body || signature)
//   body (19 bytes, big endian): version u8 = 1, key id u16, event id u32, guest id u32,
//                                not-before u32 (unix s), not-after u32 (unix s)
//   signature (64 bytes): Ed25519 over "kiosk-guest-code\0" || body
// 4 + 133 characters, all in the QR alphanumeric set: a version 7 QR code (45x45) at
// error correction M. Several keys per event (key id) allow rotation; a token is
// revoked by its token id (the first 8 signature bytes, hex) through the revocation
// list, or as a whole guest by cancelling the guest.
//
// Thread safety: all functions are pure and may be called from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "kiosk/core/event.h"
#include "kiosk/core/guest.h"
#include "kiosk/core/time.h"

namespace kiosk {

using KeyId = std::uint16_t;
using PublicKey = std::array<std::uint8_t, 32>;
using SecretKey = std::array<std::uint8_t, 64>;

inline constexpr std::string_view kTokenPrefix = "KT1:";
// The default window of an event's codes: from 7 days before it starts to 1 day after it
// ends. Booking codes, which carry no window of their own, are held to it.
inline constexpr auto kCodesValidBeforeStart = std::chrono::days(7);
inline constexpr auto kCodesValidAfterEnd = std::chrono::days(1);
inline constexpr std::uint8_t kTokenVersion = 1;

struct TokenClaims {
  KeyId keyId = 0;
  EventId eventId = 0;
  GuestId guestId = 0;
  TimePoint notBefore{};  // second precision
  TimePoint notAfter{};
  bool operator==(const TokenClaims&) const = default;
};

// A key of an event. The terminal holds public keys only (secret is empty) unless it
// is the standalone issuer of the event.
struct SigningKey {
  EventId eventId = 0;
  KeyId id = 0;
  PublicKey publicKey{};
  std::optional<SecretKey> secretKey;
  TimePoint createdAt{};
  // A retired key signs nothing more, and codes it signed are refused.
  std::optional<TimePoint> retiredAt;
};

SigningKey generateSigningKey(EventId eventId, KeyId id, TimePoint now);

// The key that signs new codes: the newest one with a secret half that is not retired.
std::optional<SigningKey> issuingKeyOf(const std::vector<SigningKey>& keys);

// Why key `keyId` of an event holding `keys` cannot be retired, or empty when it can: an
// unknown key, or the event's last valid one (no code could then be issued or admitted).
std::string whyKeyCannotBeRetired(const std::vector<SigningKey>& keys, KeyId keyId);

// Signs the claims with the key (which must hold a secret key for the same event and
// key id) and returns the text form.
std::string issueToken(const TokenClaims& claims, const SigningKey& key);

enum class TokenProblem {
  kNotAToken,           // no "KT" prefix: treat the text as a booking code
  kMalformed,           // the prefix is there but the rest is not a token (truncated, altered
                        // characters, wrong length, not UTF-8)
  kUnsupportedVersion,  // "KT9:" or a body version this build does not know
};
const char* toString(TokenProblem problem);

struct ParsedToken {
  TokenClaims claims;
  std::array<std::uint8_t, 19> body{};
  std::array<std::uint8_t, 64> signature{};
  // Stable identifier of this exact token, for revocation lists: hex of the first 8
  // signature bytes.
  std::string tokenId() const;
};

// True for the text form of a token id: 16 lowercase hex digits.
bool isTokenId(std::string_view text);

// Parses without verifying. Never reads past `text`; accepts any bytes.
std::variant<ParsedToken, TokenProblem> parseToken(std::string_view text);

// True when the text claims to be a guest code (starts with "KT" and a digit), so that
// a damaged code is reported as such rather than as an unknown booking code.
bool looksLikeToken(std::string_view text);

bool verifyTokenSignature(const ParsedToken& token, const PublicKey& key);

}  // namespace kiosk
