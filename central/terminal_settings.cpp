#include "central/terminal_settings.h"

#include "kiosk/config/config.h"

namespace kiosk::central {

using cache::guarded;

Status requireEvent(cache::Database& db, EventId eventId, std::string_view what) {
  auto known = guarded(what, [&] {
    auto e = db.prepare("SELECT 1 FROM events WHERE id = ?1");
    e.bind(1, static_cast<std::int64_t>(eventId));
    return e.step();
  });
  if (!known) {
    return known.error();
  }
  if (!*known) {
    return makeError(ErrorKind::kNotFound,
                     "no event " + std::to_string(eventId) + " (kiosk-central events)");
  }
  return okStatus();
}

Result<std::int64_t> TerminalSettingsStore::set(EventId eventId, std::string_view toml,
                                                std::string_view by, TimePoint now) {
  if (toml.size() > cache::api::kMaxSettingsBytes) {
    return makeError(ErrorKind::kInvalidInput, "settings: at most 16 KiB of TOML");
  }
  if (auto checked = app::checkCentralSettings(toml); !checked) {
    return checked.error();
  }
  if (auto known = requireEvent(db_, eventId, "storing terminal settings"); !known) {
    return known.error();
  }
  return guarded("storing terminal settings", [&] {
    return db_.transaction([&] {
      std::int64_t version = 1;
      {
        auto last = db_.prepare("SELECT MAX(version) FROM terminal_settings WHERE event_id = ?1");
        last.bind(1, static_cast<std::int64_t>(eventId));
        if (last.step() && !last.isNull(0)) {
          version = last.columnInt(0) + 1;
        }
      }
      auto s = db_.prepare(
          "INSERT INTO terminal_settings (event_id, version, settings, created_at, created_by) "
          "VALUES (?1, ?2, ?3, ?4, ?5)");
      s.bind(1, static_cast<std::int64_t>(eventId))
          .bind(2, version)
          .bind(3, toml)
          .bind(4, toUnixMillis(now))
          .bind(5, by);
      s.run();
      return version;
    });
  });
}

Result<std::optional<cache::api::TerminalSettings>> TerminalSettingsStore::current(
    EventId eventId) {
  return guarded("reading terminal settings", [&] {
    auto s = db_.prepare(
        "SELECT version, settings FROM terminal_settings WHERE event_id = ?1 "
        "ORDER BY version DESC LIMIT 1");
    s.bind(1, static_cast<std::int64_t>(eventId));
    std::optional<cache::api::TerminalSettings> out;
    if (s.step()) {
      out = cache::api::TerminalSettings{s.columnInt(0), s.columnText(1)};
    }
    return out;
  });
}

Result<std::vector<SettingsVersion>> TerminalSettingsStore::history(EventId eventId) {
  return guarded("reading terminal settings", [&] {
    auto s = db_.prepare(
        "SELECT version, settings, created_at, created_by FROM terminal_settings "
        "WHERE event_id = ?1 ORDER BY version DESC");
    s.bind(1, static_cast<std::int64_t>(eventId));
    std::vector<SettingsVersion> out;
    while (s.step()) {
      out.push_back(SettingsVersion{s.columnInt(0), s.columnText(1), fromUnixMillis(s.columnInt(2)),
                                    s.columnText(3)});
    }
    return out;
  });
}

}  // namespace kiosk::central
