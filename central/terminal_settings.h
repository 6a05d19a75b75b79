// Central settings for the terminals of an event: `kiosk-central settings set` stores a new
// version of a TOML text of kiosk.toml's keys central may set (kiosk/config/config.h,
// kCentralSettingKeys); every terminal of the event gets the latest version in its next
// heartbeat's answer, starts with it, falls back to the one before when it does not start
// with it, and reports the version it runs in its heartbeat (kiosk/config/central_settings.h).
//
// Versions count up per event from 1 and are never changed or removed: a step back is a new
// version with the old text. Thread rules: those of the Database.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/event.h"
#include "kiosk/core/result.h"
#include "kiosk/core/time.h"
#include "offline-cache/database.h"
#include "offline-cache/sync_protocol.h"

namespace kiosk::central {

struct SettingsVersion {
  std::int64_t version = 0;
  std::string toml;
  TimePoint createdAt{};
  std::string createdBy;
};

// kNotFound (pointing to `kiosk-central events`) unless central knows the event; a database
// error while `what` otherwise. For the versioned stores of an event (settings, OS updates).
Status requireEvent(cache::Database& db, EventId eventId, std::string_view what);

class TerminalSettingsStore {
 public:
  explicit TerminalSettingsStore(cache::Database& db) : db_(db) {}

  // Stores `toml` as the event's next version and returns its number. kInvalidInput (naming
  // the key and line) for a key central may not set or a value a terminal would refuse;
  // kNotFound for an unknown event.
  Result<std::int64_t> set(EventId eventId, std::string_view toml, std::string_view by,
                           TimePoint now);
  // The event's latest version, if any.
  Result<std::optional<cache::api::TerminalSettings>> current(EventId eventId);
  // Every version of the event, newest first.
  Result<std::vector<SettingsVersion>> history(EventId eventId);

 private:
  cache::Database& db_;
};

}  // namespace kiosk::central
