#include "kiosk/core/staff.h"

#include <sodium.h>

#include <algorithm>

#include "kiosk/core/encoding.h"
#include "kiosk/core/guest_csv.h"
#include "kiosk/core/secret_hash.h"
#include "kiosk/core/sodium_init.h"

namespace kiosk {

Result<std::string> parseStaffLanguage(std::string_view value) {
  if (value.empty()) {
    return std::string();
  }
  // The primary languages of the catalogs in assets/i18n.
  static constexpr std::string_view kCatalogs[] = {"zh", "en", "ja", "ko", "ru"};
  // Quoted back cut to 40 bytes, on a character boundary.
  std::size_t cut = std::min<std::size_t>(value.size(), 40);
  while (cut < value.size() && cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  const std::string_view shown = value.substr(0, cut);
  auto tag = normalizeLanguage(value);
  if (!tag) {
    return makeError(ErrorKind::kInvalidInput,
                     "unknown language \"" + std::string(shown) +
                         "\" (expected a BCP 47 tag such as zh-CN, en, ja, ko or ru)");
  }
  const std::string_view primary = std::string_view(*tag).substr(0, tag->find('-'));
  if (std::find(std::begin(kCatalogs), std::end(kCatalogs), primary) == std::end(kCatalogs)) {
    return makeError(ErrorKind::kInvalidInput,
                     "no terminal catalog for language \"" + std::string(shown) +
                         "\" (the terminal speaks zh-CN, en, ja, ko and ru)");
  }
  return *tag;
}

bool isValidPin(std::string_view pin) {
  if (pin.size() < kMinPinLength || pin.size() > kMaxPinLength) {
    return false;
  }
  for (char c : pin) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

Result<std::string> hashPin(std::string_view pin) {
  if (!isValidPin(pin)) {
    return makeError(ErrorKind::kInvalidInput, "a PIN is 4 to 12 digits");
  }
  return hashSecret(pin);
}

bool verifyPin(std::string_view pin, std::string_view pinHash) {
  return isValidPin(pin) && verifySecret(pin, pinHash);
}

bool looksLikeStaffBadge(std::string_view text) {
  return text.substr(0, kStaffBadgePrefix.size()) == kStaffBadgePrefix;
}

std::string newStaffBadgeCode() {
  ensureSodium();
  std::uint8_t secret[20];
  randombytes_buf(secret, sizeof secret);
  return std::string(kStaffBadgePrefix) + base32Encode(secret);
}

void StaffLockout::restore(const StaffLockoutState& saved, TimePoint now) {
  failures_ = std::clamp(saved.failures, 0, maxAttempts_);
  lockedUntil_ = saved.lockedUntil;
  if (lockedUntil_ && *lockedUntil_ > now + lockFor_) {
    lockedUntil_ = now + lockFor_;
  }
}

bool StaffLockout::recordFailure(TimePoint now) {
  if (lockedAt(now)) {
    return false;
  }
  if (lockedUntil_) {  // an old lockout expired: count afresh
    lockedUntil_.reset();
    failures_ = 0;
  }
  if (++failures_ >= maxAttempts_) {
    lockedUntil_ = now + lockFor_;
    return true;
  }
  return false;
}

}  // namespace kiosk
