#include "kiosk/core/token.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "kiosk/core/encoding.h"
#include "kiosk/core/sodium_init.h"

namespace kiosk {

namespace {

constexpr std::string_view kDomain{"kiosk-guest-code\0", 17};
constexpr std::size_t kBodySize = 19;
constexpr std::size_t kSignatureSize = 64;
constexpr std::size_t kEncodedSize = (kBodySize + kSignatureSize) * 8 / 5 + 1;  // 133

void putU16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void putU32(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}
std::uint16_t getU16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}
std::uint32_t getU32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

std::uint32_t clampUnixSeconds(TimePoint t) {
  const auto s = toUnixSeconds(t);
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(s, 0, 0xffffffffLL));
}

std::array<std::uint8_t, 17 + kBodySize> signedMessage(
    const std::array<std::uint8_t, kBodySize>& body) {
  static_assert(kDomain.size() == 17);
  std::array<std::uint8_t, 17 + kBodySize> msg{};
  std::copy(kDomain.begin(), kDomain.end(), msg.begin());
  std::copy(body.begin(), body.end(), msg.begin() + kDomain.size());
  return msg;
}

}  // namespace

std::string whyKeyCannotBeRetired(const std::vector<SigningKey>& keys, KeyId keyId) {
  const auto key =
      std::find_if(keys.begin(), keys.end(), [&](const SigningKey& k) { return k.id == keyId; });
  if (key == keys.end()) {
    return "the event has no key " + std::to_string(keyId);
  }
  const auto valid =
      std::count_if(keys.begin(), keys.end(), [](const SigningKey& k) { return !k.retiredAt; });
  if (!key->retiredAt && valid == 1) {
    return "key " + std::to_string(keyId) +
           " is the event's only valid key: add one with `event rotate-key` first";
  }
  return {};
}

std::optional<SigningKey> issuingKeyOf(const std::vector<SigningKey>& keys) {
  std::optional<SigningKey> newest;
  for (const auto& k : keys) {
    if (k.secretKey && !k.retiredAt && (!newest || k.id > newest->id)) {
      newest = k;
    }
  }
  return newest;
}

SigningKey generateSigningKey(EventId eventId, KeyId id, TimePoint now) {
  ensureSodium();
  SigningKey key;
  key.eventId = eventId;
  key.id = id;
  key.createdAt = now;
  SecretKey secret{};
  crypto_sign_keypair(key.publicKey.data(), secret.data());
  key.secretKey = secret;
  return key;
}

std::string issueToken(const TokenClaims& claims, const SigningKey& key) {
  ensureSodium();
  if (!key.secretKey || key.eventId != claims.eventId || key.id != claims.keyId) {
    throw std::invalid_argument("issueToken: key does not match the claims or has no secret");
  }
  std::array<std::uint8_t, kBodySize> body{};
  body[0] = kTokenVersion;
  putU16(&body[1], claims.keyId);
  putU32(&body[3], claims.eventId);
  putU32(&body[7], claims.guestId);
  putU32(&body[11], clampUnixSeconds(claims.notBefore));
  putU32(&body[15], clampUnixSeconds(claims.notAfter));
  const auto msg = signedMessage(body);
  std::array<std::uint8_t, kBodySize + kSignatureSize> all{};
  std::copy(body.begin(), body.end(), all.begin());
  crypto_sign_detached(all.data() + kBodySize, nullptr, msg.data(), msg.size(),
                       key.secretKey->data());
  return std::string(kTokenPrefix) + base32Encode(all);
}

const char* toString(TokenProblem problem) {
  switch (problem) {
    case TokenProblem::kNotAToken:
      return "not_a_token";
    case TokenProblem::kMalformed:
      return "malformed";
    case TokenProblem::kUnsupportedVersion:
      return "unsupported_version";
  }
  return "malformed";
}

bool looksLikeToken(std::string_view text) {
  return text.size() >= 3 && (text[0] == 'K' || text[0] == 'k') &&
         (text[1] == 'T' || text[1] == 't') && text[2] >= '0' && text[2] <= '9';
}

std::string ParsedToken::tokenId() const {
  return hexEncode(std::span<const std::uint8_t>(signature.data(), 8));
}

bool isTokenId(std::string_view text) {
  return text.size() == 16 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::variant<ParsedToken, TokenProblem> parseToken(std::string_view text) {
  // Scanners and phones add white space; nothing else is forgiven.
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  if (!looksLikeToken(text)) {
    return TokenProblem::kNotAToken;
  }
  if (text.size() < kTokenPrefix.size() || text.substr(0, kTokenPrefix.size()) != kTokenPrefix) {
    const bool otherVersion = text.size() >= 4 && text[3] == ':' && text.substr(0, 3) != "KT1";
    return otherVersion ? TokenProblem::kUnsupportedVersion : TokenProblem::kMalformed;
  }
  const auto encoded = text.substr(kTokenPrefix.size());
  if (encoded.size() != kEncodedSize) {
    return TokenProblem::kMalformed;
  }
  const auto raw = base32Decode(encoded);
  if (!raw || raw->size() != kBodySize + kSignatureSize) {
    return TokenProblem::kMalformed;
  }
  ParsedToken token;
  std::copy_n(raw->begin(), kBodySize, token.body.begin());
  std::copy_n(raw->begin() + kBodySize, kSignatureSize, token.signature.begin());
  if (token.body[0] != kTokenVersion) {
    return TokenProblem::kUnsupportedVersion;
  }
  token.claims.keyId = getU16(&token.body[1]);
  token.claims.eventId = getU32(&token.body[3]);
  token.claims.guestId = getU32(&token.body[7]);
  token.claims.notBefore = fromUnixSeconds(getU32(&token.body[11]));
  token.claims.notAfter = fromUnixSeconds(getU32(&token.body[15]));
  return token;
}

bool verifyTokenSignature(const ParsedToken& token, const PublicKey& key) {
  ensureSodium();
  const auto msg = signedMessage(token.body);
  return crypto_sign_verify_detached(token.signature.data(), msg.data(), msg.size(), key.data()) ==
         0;
}

}  // namespace kiosk
