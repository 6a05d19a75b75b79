// Reception staff: who may unlock the terminal, with a PIN (Argon2id hash, libsodium)
// or a staff badge code (stored as a SHA-256 hash).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "kiosk/core/result.h"
#include "kiosk/core/time.h"

namespace kiosk {

struct StaffMember {
  std::string id;  // short, stable: "s07", "reception-1"
  std::string name;
  std::string role = "reception";  // "reception", "supervisor", "it"
  std::string pinHash;             // libsodium crypto_pwhash_str output; empty = no PIN
  std::string badgeHash;           // sha256Hex of the staff badge's code text; empty = no badge
  bool active = true;
  // BCP-47 tag ("zh-CN", "en", "ja") staff mode opens in; its primary subtag picks the
  // catalog, as for a guest's roster language. Empty = the terminal's default.
  std::string language;
};

// PINs are 4 to 12 digits. Hashing takes about 0.1 s on purpose (brute force).
inline constexpr std::size_t kMinPinLength = 4;
inline constexpr std::size_t kMaxPinLength = 12;
bool isValidPin(std::string_view pin);
Result<std::string> hashPin(std::string_view pin);
bool verifyPin(std::string_view pin, std::string_view pinHash);

// A staff member's language as an admin gives it ("ja", "zh_CN", "en-GB", "中文"): the
// BCP 47 tag to store, "" for "" (the terminal's default), or kInvalidInput naming what
// is accepted. Only languages the terminal ships a catalog for: the primary subtag picks
// the catalog, as for a guest's roster language ("en-GB" -> en, "zh-TW" -> zh-CN).
Result<std::string> parseStaffLanguage(std::string_view value);

// Staff badges carry "KS1:" + a random secret; the terminal compares hashes.
inline constexpr std::string_view kStaffBadgePrefix = "KS1:";
bool looksLikeStaffBadge(std::string_view text);
std::string newStaffBadgeCode();

// What the terminal keeps of a lockout across restarts (LocalStore).
struct StaffLockoutState {
  int failures = 0;
  std::optional<TimePoint> lockedUntil;  // wall-clock end of the lock, when one was started
  bool operator==(const StaffLockoutState&) const = default;
};

// Failed PIN attempts lock the PIN pad for a while (a staff badge still unlocks). Pure
// state, owned by the UI's flow; time comes in from the caller.
class StaffLockout {
 public:
  StaffLockout(int maxAttempts, Millis lockFor) : maxAttempts_(maxAttempts), lockFor_(lockFor) {}
  StaffLockoutState state() const { return {failures_, lockedUntil_}; }
  // Takes over a state kept before a restart. A lock never ends later than `lockFor` after
  // `now`: a clock set back since (or a shorter configured duration) cannot stretch it.
  void restore(const StaffLockoutState& saved, TimePoint now);
  bool lockedAt(TimePoint now) const { return lockedUntil_ && now < *lockedUntil_; }
  std::optional<TimePoint> lockedUntil() const { return lockedUntil_; }
  // Returns true when this failure started a lockout.
  bool recordFailure(TimePoint now);
  void recordSuccess() {
    failures_ = 0;
    lockedUntil_.reset();
  }
  int failures() const { return failures_; }

 private:
  int maxAttempts_;
  Millis lockFor_;
  int failures_ = 0;
  std::optional<TimePoint> lockedUntil_;
};

}  // namespace kiosk
