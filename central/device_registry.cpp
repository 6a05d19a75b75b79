#include "central/device_registry.h"

#include <cctype>
#include <nlohmann/json.hpp>

#include "central/record_checks.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/ids.h"
#include "offline-cache/json_codec.h"

namespace kiosk::central {

using cache::DatabaseError;
using cache::dump;
using cache::guarded;
using cache::guardedStatus;
using cache::parseJson;
using cache::Statement;
using cache::toJson;

namespace {

// Enrollment codes are typed by people: case, dashes and spaces do not matter.
std::string normalizeCode(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') {
      continue;
    }
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string groupCode(const std::string& code) {
  std::string out;
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (i > 0 && i % 4 == 0) {
      out += '-';
    }
    out += code[i];
  }
  return out;
}

}  // namespace

Device deviceFromRow(const Statement& s) {
  Device d;
  d.id = s.columnText(0);
  d.terminal = s.columnText(1);
  d.eventId = static_cast<EventId>(s.columnInt(2));
  d.enrolledAt = fromUnixMillis(s.columnInt(3));
  d.tokenExpiresAt = fromUnixMillis(s.columnInt(4));
  if (auto r = s.columnOptionalInt(5)) {
    d.revokedAt = fromUnixMillis(*r);
  }
  d.revokeReason = s.columnText(6);
  if (auto seen = s.columnOptionalInt(7)) {
    d.lastSeenAt = fromUnixMillis(*seen);
  }
  d.lastAddress = s.columnText(8);
  d.version = s.columnText(9);
  d.health = s.columnText(10);
  return d;
}

Result<EnrollmentCode> DeviceRegistry::createEnrollmentCode(const std::string& terminal,
                                                            EventId eventId, Millis validFor,
                                                            TimePoint now) {
  return guarded("creating an enrollment code", [&] {
    // The name goes into every record of the terminal and every listing of them.
    try {
      checks::requireText("terminal name", terminal, checks::kMaxNameBytes);
      if (terminal.empty()) {
        throw std::invalid_argument("a terminal needs a name");
      }
    } catch (const std::invalid_argument& e) {
      throw DatabaseError(ErrorKind::kInvalidInput, e.what());
    }
    auto s = db_.prepare("SELECT 1 FROM events WHERE id = ?1");
    s.bind(1, eventId);
    if (!s.step()) {
      throw DatabaseError(ErrorKind::kNotFound, "no event " + std::to_string(eventId));
    }
    s.reset();
    EnrollmentCode code;
    code.code = groupCode(randomCode(12));
    code.terminal = terminal;
    code.eventId = eventId;
    code.expiresAt = now + validFor;
    db_.prepare(
           "INSERT INTO enrollment_codes (code_hash, terminal, event_id, created_at, expires_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5)")
        .bind(1, sha256Hex(normalizeCode(code.code)))
        .bind(2, terminal)
        .bind(3, eventId)
        .bind(4, toUnixMillis(now))
        .bind(5, toUnixMillis(code.expiresAt))
        .run();
    return code;
  });
}

Result<std::vector<Device>> DeviceRegistry::list() {
  return guarded("listing devices", [&] {
    std::vector<Device> devices;
    auto s =
        db_.prepare(std::string("SELECT ") + kDeviceColumns + " FROM devices ORDER BY enrolled_at");
    while (s.step()) {
      devices.push_back(deviceFromRow(s));
    }
    return devices;
  });
}

Result<std::size_t> DeviceRegistry::revoke(std::string_view idOrTerminal, std::string_view reason,
                                           TimePoint now) {
  return guarded("revoking the device", [&] {
    db_.prepare(
           "UPDATE devices SET revoked_at = ?2, revoke_reason = ?3 WHERE (id = ?1 OR terminal = "
           "?1) AND revoked_at IS NULL")
        .bind(1, idOrTerminal)
        .bind(2, toUnixMillis(now))
        .bind(3, reason)
        .run();
    return static_cast<std::size_t>(db_.changes());
  });
}
// --- the sync API ---

Result<api::Enrollment> DeviceRegistry::enroll(std::string_view code, std::string_view version,
                                               Millis tokenLifetime, TimePoint now) {
  return guarded("enrolling", [&] {
    return db_.transaction([&] {
      auto s = db_.prepare(
          "SELECT terminal, event_id, expires_at, used_at FROM enrollment_codes WHERE code_hash = "
          "?1");
      s.bind(1, sha256Hex(normalizeCode(code)));
      if (!s.step() || !s.isNull(3) || fromUnixMillis(s.columnInt(2)) <= now) {
        throw DatabaseError(ErrorKind::kUnauthorized,
                            "the enrollment code is unknown, already used or expired");
      }
      api::Enrollment e;
      e.terminal = s.columnText(0);
      const auto eventId = static_cast<EventId>(s.columnInt(1));
      s.reset();
      auto ev = db_.prepare("SELECT doc FROM events WHERE id = ?1");
      ev.bind(1, eventId);
      if (!ev.step()) {
        throw DatabaseError(ErrorKind::kNotFound, "the code's event no longer exists");
      }
      e.event = cache::eventFromJson(parseJson(ev.columnText(0)));
      ev.reset();
      e.deviceId = newRecordId(now);
      e.token = randomCode(48);
      e.tokenExpiresAt = now + tokenLifetime;
      e.serverTime = now;
      db_.prepare(
             "INSERT INTO devices (id, terminal, event_id, token_hash, token_expires_at, "
             "enrolled_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
          .bind(1, e.deviceId)
          .bind(2, e.terminal)
          .bind(3, eventId)
          .bind(4, sha256Hex(e.token))
          .bind(5, toUnixMillis(e.tokenExpiresAt))
          .bind(6, toUnixMillis(now))
          .bind(7, version)
          .run();
      db_.prepare("UPDATE enrollment_codes SET used_at = ?2, device_id = ?3 WHERE code_hash = ?1")
          .bind(1, sha256Hex(normalizeCode(code)))
          .bind(2, toUnixMillis(now))
          .bind(3, e.deviceId)
          .run();
      return e;
    });
  });
}

Result<std::variant<Device, AuthFailure>> DeviceRegistry::authenticate(std::string_view token,
                                                                       TimePoint now) {
  using Answer = std::variant<Device, AuthFailure>;
  if (token.empty()) {
    return Answer{AuthFailure::kMissing};
  }
  return guarded("checking the device token", [&]() -> Answer {
    auto s = db_.prepare(std::string("SELECT ") + kDeviceColumns +
                         " FROM devices WHERE token_hash = ?1");
    s.bind(1, sha256Hex(token));
    if (!s.step()) {
      return AuthFailure::kUnknown;
    }
    auto d = deviceFromRow(s);
    if (d.revokedAt) {
      return AuthFailure::kRevoked;
    }
    if (d.tokenExpiresAt <= now) {
      return AuthFailure::kExpired;
    }
    return d;
  });
}
Status DeviceRegistry::recordHeartbeat(const Device& device, const api::Heartbeat& h,
                                       std::string_view address, TimePoint now) {
  return guardedStatus("recording the heartbeat", [&] {
    // Shown in `kiosk-central devices` and the fleet view: bounded, printable.
    try {
      checks::requireText("version", h.version, checks::kMaxNameBytes);
      checks::requireText("camera state", h.camera.state, checks::kMaxNameBytes);
      checks::requireText("camera detail", h.camera.detail, checks::kMaxReasonBytes);
      checks::requireText("printer state", h.printer.state, checks::kMaxNameBytes);
      checks::requireText("printer detail", h.printer.detail, checks::kMaxReasonBytes);
      checks::requireText("os version", h.osVersion, checks::kMaxNameBytes);
      checks::requireText("update state", h.update.state, checks::kMaxNameBytes);
      checks::requireText("update version", h.update.version, checks::kMaxNameBytes);
      checks::requireText("update detail", h.update.detail, checks::kMaxReasonBytes);
    } catch (const std::invalid_argument& e) {
      throw DatabaseError(ErrorKind::kInvalidInput, e.what());
    }
    auto j = api::toJson(h);
    j["received_at"] = toJson(now);
    db_.prepare(
           "UPDATE devices SET last_seen_at = ?2, last_address = ?3, version = ?4, health = ?5 "
           "WHERE id = ?1")
        .bind(1, device.id)
        .bind(2, toUnixMillis(now))
        .bind(3, address)
        .bind(4, h.version)
        .bind(5, dump(j))
        .run();
  });
}

}  // namespace kiosk::central
