#include "central/os_update.h"

#include <stdexcept>

#include "central/console/console_store.h"
#include "central/terminal_settings.h"

namespace kiosk::central {

using cache::guarded;

Result<std::int64_t> OsUpdateStore::set(EventId eventId, const cache::api::OsUpdate& update,
                                        std::string_view by, TimePoint now) {
  try {
    cache::api::checkOsUpdate(update);
  } catch (const std::invalid_argument& e) {
    return makeError(ErrorKind::kInvalidInput, e.what());
  }
  if (auto known = requireEvent(db_, eventId, "storing the OS update"); !known) {
    return known.error();
  }
  return guarded("storing the OS update", [&] {
    return db_.transaction([&] {
      std::int64_t number = 1;
      {
        auto last = db_.prepare("SELECT MAX(number) FROM os_updates WHERE event_id = ?1");
        last.bind(1, static_cast<std::int64_t>(eventId));
        if (last.step() && !last.isNull(0)) {
          number = last.columnInt(0) + 1;
        }
      }
      db_.prepare(
             "INSERT INTO os_updates (event_id, number, version, url, sha256, size, created_at, "
             "created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
          .bind(1, static_cast<std::int64_t>(eventId))
          .bind(2, number)
          .bind(3, update.version)
          .bind(4, update.url)
          .bind(5, update.sha256)
          .bind(6, static_cast<std::int64_t>(update.size))
          .bind(7, toUnixMillis(now))
          .bind(8, by)
          .run();
      // In the console's audit beside the reception's own actions; a failed write there
      // fails the offer (the transaction), so no offer goes unrecorded.
      auto audited = console::ConsoleStore(db_).audit(console::AuditRow{
          now, "cli:" + std::string(by.empty() ? "admin" : by), eventId, "os_update_offer",
          update.version,
          update.url + " sha256 " + update.sha256 + " size " + std::to_string(update.size)});
      if (!audited) {
        throw cache::DatabaseError(audited.error().kind, audited.error().message);
      }
      return number;
    });
  });
}

Result<std::optional<cache::api::OsUpdate>> OsUpdateStore::current(EventId eventId) {
  return guarded("reading the OS update", [&] {
    auto s = db_.prepare(
        "SELECT version, url, sha256, size FROM os_updates WHERE event_id = ?1 "
        "ORDER BY number DESC LIMIT 1");
    s.bind(1, static_cast<std::int64_t>(eventId));
    std::optional<cache::api::OsUpdate> out;
    if (s.step()) {
      out = cache::api::OsUpdate{s.columnText(0), s.columnText(1), s.columnText(2),
                                 static_cast<std::uint64_t>(s.columnInt(3))};
    }
    return out;
  });
}

Result<std::vector<OsUpdateOffer>> OsUpdateStore::history(EventId eventId) {
  return guarded("reading the OS updates", [&] {
    auto s = db_.prepare(
        "SELECT number, version, url, sha256, size, created_at, created_by FROM os_updates "
        "WHERE event_id = ?1 ORDER BY number DESC");
    s.bind(1, static_cast<std::int64_t>(eventId));
    std::vector<OsUpdateOffer> out;
    while (s.step()) {
      out.push_back(OsUpdateOffer{s.columnInt(0),
                                  {s.columnText(1), s.columnText(2), s.columnText(3),
                                   static_cast<std::uint64_t>(s.columnInt(4))},
                                  fromUnixMillis(s.columnInt(5)),
                                  s.columnText(6)});
    }
    return out;
  });
}

std::optional<cache::api::OsUpdate> updateFor(const std::optional<cache::api::OsUpdate>& offer,
                                              std::string_view runningOs) {
  if (!offer || runningOs.empty() || offer->version == runningOs) {
    return std::nullopt;
  }
  return offer;
}

}  // namespace kiosk::central
