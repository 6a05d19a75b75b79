// DeviceRegistry: the terminals central knows. Staff make one-time enrollment codes; a
// terminal trades its code for a device id and a bearer token (stored hashed), and every
// later request is authenticated by that token. Heartbeats keep each device's last state
// (version, camera, printer, outbox) for the fleet views.
//
// Thread rules: as the Database it is given (one per thread).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "kiosk/core/event.h"
#include "kiosk/core/result.h"
#include "kiosk/core/time.h"
#include "offline-cache/database.h"
#include "offline-cache/sync_protocol.h"

namespace kiosk::central {

namespace api = cache::api;

struct Device {
  std::string id;
  std::string terminal;
  EventId eventId = 0;
  TimePoint enrolledAt{};
  TimePoint tokenExpiresAt{};
  std::optional<TimePoint> revokedAt;
  std::string revokeReason;
  std::optional<TimePoint> lastSeenAt;
  std::string lastAddress;
  std::string version;
  std::string health;  // the last heartbeat as JSON ("{}" before the first)
};

// A device row selected as kDeviceColumns (for every reader of the devices table).
inline constexpr const char* kDeviceColumns =
    "id, terminal, event_id, enrolled_at, token_expires_at, revoked_at, revoke_reason, "
    "last_seen_at, last_address, version, health";
Device deviceFromRow(const cache::Statement& s);

enum class AuthFailure { kMissing, kUnknown, kExpired, kRevoked };

struct EnrollmentCode {
  std::string code;  // shown once; stored hashed
  std::string terminal;
  EventId eventId = 0;
  TimePoint expiresAt{};
};

class DeviceRegistry {
 public:
  explicit DeviceRegistry(cache::Database& db) : db_(db) {}

  // --- admin ---
  Result<EnrollmentCode> createEnrollmentCode(const std::string& terminal, EventId eventId,
                                              Millis validFor, TimePoint now);
  Result<std::vector<Device>> list();
  // Revokes every live device with this id or terminal name; returns how many.
  Result<std::size_t> revoke(std::string_view idOrTerminal, std::string_view reason, TimePoint now);

  // --- the sync API ---
  // kUnauthorized: the code is unknown, used or expired.
  Result<api::Enrollment> enroll(std::string_view code, std::string_view version,
                                 Millis tokenLifetime, TimePoint now);
  Result<std::variant<Device, AuthFailure>> authenticate(std::string_view token, TimePoint now);
  Status recordHeartbeat(const Device& device, const api::Heartbeat& heartbeat,
                         std::string_view address, TimePoint now);

 private:
  cache::Database& db_;
};

}  // namespace kiosk::central
