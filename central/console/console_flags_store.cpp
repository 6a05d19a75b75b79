#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "central/console/console_flags.h"
#include "offline-cache/json_codec.h"

namespace kiosk::central::console {

using cache::guarded;

namespace {

constexpr std::array<std::pair<std::string_view, std::array<std::string_view, 2>>, 3> kDecisions{
    {{"second", {"reentry", "undone_at_desk"}},
     {"skewed", {"time_confirmed", "clock_wrong"}},
     {"conflict", {"stored_stands", "sent_stands"}}}};

// The tables of the pushed records a conflict may name that keep the record's document:
// (kind, table, id column). Feedback and walk-ins keep no document to compare.
struct StoredTable {
  std::string_view kind;
  std::string_view table;
  std::string_view key;
};
constexpr std::array<StoredTable, 5> kStoredTables{{{"undo", "undos", "checkin_id"},
                                                    {"guest_edit", "guest_edits", "id"},
                                                    {"rejection", "rejections", "id"},
                                                    {"arrival_notice", "arrival_notices", "id"},
                                                    {"audit", "audit", "id"}}};

// What a record's document says about itself, whatever its kind.
void fromDoc(FlagRecord& r, const std::string& doc) {
  r.doc = doc;
  const auto j = nlohmann::json::parse(doc, nullptr, false);
  if (!j.is_object()) {
    return;
  }
  if (auto it = j.find("guest_id"); it != j.end() && it->is_number_unsigned()) {
    r.guestId = it->get<GuestId>();
  }
  if (auto it = j.find("terminal"); it != j.end() && it->is_string()) {
    r.terminal = it->get<std::string>();
  }
  if (auto it = j.find("staff_id"); it != j.end() && it->is_string()) {
    r.staffId = it->get<std::string>();
  }
  if (auto it = j.find("scanned_at"); it != j.end() && !it->is_null()) {
    try {
      r.scannedAt = cache::timeFromJson(*it);
    } catch (const std::exception&) {
      // a refused record's time need not be readable: shown as its document says it
    }
  }
}

}  // namespace

const char* toString(FlagKind kind) {
  switch (kind) {
    case FlagKind::kSecondAdmission:
      return "second";
    case FlagKind::kSkewed:
      return "skewed";
    case FlagKind::kConflict:
      return "conflict";
  }
  return "second";
}

std::optional<FlagKind> parseFlagKind(std::string_view text) {
  for (auto k : {FlagKind::kSecondAdmission, FlagKind::kSkewed, FlagKind::kConflict}) {
    if (text == toString(k)) {
      return k;
    }
  }
  return std::nullopt;
}

std::vector<std::string_view> decisionsFor(FlagKind kind) {
  for (const auto& [k, decisions] : kDecisions) {
    if (k == toString(kind)) {
      return {decisions.begin(), decisions.end()};
    }
  }
  return {};
}

bool mayResolveFlags(Role role) {
  return role == Role::kSupervisor;
}

// An event's flagged (or skewed) check-ins, through their partial index: without statistics
// SQLite takes the primary key (event_id, id) and reads every check-in of the event (10 ms at
// 20,000, on every page a supervisor opens).
std::string FlagStore::checkinsWith(std::string_view column) const {
  if (db_.dialect() != cache::Dialect::kSqlite) {
    return "checkins c";
  }
  return "checkins c INDEXED BY checkins_" + std::string(column);
}

void FlagStore::fill(FlagRecord& r, EventId eventId, const std::string& deviceId) {
  {
    auto s = db_.prepare("SELECT terminal FROM devices WHERE id = ?1");
    s.bind(1, deviceId);
    r.device = s.step() ? s.columnText(0) : deviceId;
  }
  if (r.guestId != 0) {
    auto s = db_.prepare("SELECT doc FROM guests WHERE event_id = ?1 AND guest_id = ?2");
    s.bind(1, static_cast<std::int64_t>(eventId)).bind(2, static_cast<std::int64_t>(r.guestId));
    if (s.step()) {
      r.guestName = cache::guestFromJson(cache::parseJson(s.columnText(0))).name;
    }
  }
}

std::optional<FlagRecord> FlagStore::checkin(EventId eventId, std::string_view id) {
  FlagRecord r;
  std::string deviceId;
  {
    // The document as the terminal sent it (sent_doc; doc for rows from before it was
    // kept), so that a refused re-send compares with like.
    auto s = db_.prepare(
        "SELECT COALESCE(sent_doc, doc), device_id, received_at, skewed, undone_at FROM checkins "
        "WHERE event_id = ?1 AND id = ?2");
    s.bind(1, static_cast<std::int64_t>(eventId)).bind(2, id);
    if (!s.step()) {
      return std::nullopt;
    }
    r.id = std::string(id);
    fromDoc(r, s.columnText(0));
    deviceId = s.columnText(1);
    r.receivedAt = fromUnixMillis(s.columnInt(2));
    r.skewed = s.columnInt(3) != 0;
    r.undone = !s.isNull(4);
  }
  fill(r, eventId, deviceId);
  return r;
}

std::optional<FlagRecord> FlagStore::stored(EventId eventId, std::string_view kind,
                                            std::string_view id) {
  if (kind == "checkin") {
    return checkin(eventId, id);
  }
  const auto table = std::find_if(kStoredTables.begin(), kStoredTables.end(),
                                  [&](const StoredTable& t) { return t.kind == kind; });
  if (table == kStoredTables.end()) {
    return std::nullopt;
  }
  FlagRecord r;
  std::string deviceId;
  {
    // This event's record only: a conflict with another event's record shows nothing of it.
    auto s = db_.prepare("SELECT doc, device_id, received_at FROM " + std::string(table->table) +
                         " WHERE event_id = ?1 AND " + std::string(table->key) + " = ?2");
    s.bind(1, static_cast<std::int64_t>(eventId)).bind(2, id);
    if (!s.step()) {
      return std::nullopt;
    }
    r.id = std::string(id);
    fromDoc(r, s.columnText(0));
    deviceId = s.columnText(1);
    r.receivedAt = fromUnixMillis(s.columnInt(2));
  }
  fill(r, eventId, deviceId);
  return r;
}

std::vector<FlagItem> FlagStore::raised(EventId eventId, std::optional<FlagKind> onlyKind,
                                        std::optional<std::string_view> onlyId) {
  std::vector<FlagItem> out;
  const auto event = static_cast<std::int64_t>(eventId);
  auto wanted = [&](FlagKind k) { return !onlyKind || *onlyKind == k; };
  for (auto kind : {FlagKind::kSecondAdmission, FlagKind::kSkewed}) {
    if (!wanted(kind)) {
      continue;
    }
    std::vector<std::string> ids;
    {
      const std::string column = kind == FlagKind::kSkewed ? "skewed" : "flagged";
      auto s =
          db_.prepare("SELECT c.id FROM " + checkinsWith(column) + " WHERE c.event_id = ?1 AND c." +
                      column + " = 1 AND (CAST(?2 AS TEXT) IS NULL OR c.id = ?2)");
      s.bind(1, event).bind(2, onlyId ? std::optional<std::string_view>(*onlyId) : std::nullopt);
      while (s.step()) {
        ids.push_back(s.columnText(0));
      }
    }
    for (const auto& id : ids) {
      FlagItem item;
      item.kind = kind;
      item.flagId = id;
      item.recordId = id;
      item.flagged = checkin(eventId, id);
      if (!item.flagged) {
        continue;
      }
      item.raisedAt = item.flagged->receivedAt.value_or(TimePoint{});
      // The other side: the admission that counts (for a second admission), or for a skewed
      // record the guest's first other check-in in force, if there is one.
      std::string otherId;
      {
        auto s = db_.prepare(
            kind == FlagKind::kSecondAdmission
                ? "SELECT id FROM checkins WHERE event_id = ?1 AND guest_id = ?2 AND id != ?3 AND "
                  "undone_at IS NULL AND flagged = 0 ORDER BY order_at, id LIMIT 1"
                : "SELECT id FROM checkins WHERE event_id = ?1 AND guest_id = ?2 AND id != ?3 AND "
                  "undone_at IS NULL ORDER BY order_at, id LIMIT 1");
        s.bind(1, event).bind(2, static_cast<std::int64_t>(item.flagged->guestId)).bind(3, id);
        if (s.step()) {
          otherId = s.columnText(0);
        }
      }
      if (!otherId.empty()) {
        item.other = checkin(eventId, otherId);
      }
      out.push_back(std::move(item));
    }
  }
  if (wanted(FlagKind::kConflict)) {
    struct Row {
      FlagItem item;
      std::string deviceId;
      std::string doc;
    };
    std::vector<Row> rows;
    {
      auto s = db_.prepare(
          "SELECT seq, kind, record_id, device_id, reason, doc, received_at FROM conflicts WHERE "
          "event_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR CAST(seq AS TEXT) = ?2)");
      s.bind(1, event).bind(2, onlyId ? std::optional<std::string_view>(*onlyId) : std::nullopt);
      while (s.step()) {
        Row r;
        r.item.kind = FlagKind::kConflict;
        r.item.flagId = std::to_string(s.columnInt(0));
        r.item.recordKind = s.columnText(1);
        r.item.recordId = s.columnText(2);
        r.deviceId = s.columnText(3);
        r.item.reason = s.columnText(4);
        r.doc = s.columnText(5);
        r.item.raisedAt = fromUnixMillis(s.columnInt(6));
        rows.push_back(std::move(r));
      }
    }
    for (auto& row : rows) {
      FlagRecord refused;
      refused.id = row.item.recordId;
      fromDoc(refused, row.doc);
      refused.receivedAt = row.item.raisedAt;
      fill(refused, eventId, row.deviceId);
      row.item.flagged = std::move(refused);
      row.item.other = stored(eventId, row.item.recordKind, row.item.recordId);
      out.push_back(std::move(row.item));
    }
  }
  return out;
}

void FlagStore::attachResolutions(EventId eventId, std::vector<FlagItem>& items, bool keepOrphans) {
  auto s = db_.prepare(
      "SELECT kind, flag_id, record_id, decision, note, account, at FROM "
      "console_flag_resolutions WHERE event_id = ?1");
  s.bind(1, static_cast<std::int64_t>(eventId));
  while (s.step()) {
    const auto kind = parseFlagKind(s.columnText(0));
    if (!kind) {
      continue;
    }
    const auto flagId = s.columnText(1);
    FlagResolution r{s.columnText(3), s.columnText(4), s.columnText(5),
                     fromUnixMillis(s.columnInt(6))};
    auto it = std::find_if(items.begin(), items.end(), [&](const FlagItem& i) {
      return i.kind == *kind && i.flagId == flagId;
    });
    if (it != items.end()) {
      it->resolution = std::move(r);
    } else if (keepOrphans) {
      FlagItem orphan;
      orphan.kind = *kind;
      orphan.flagId = flagId;
      orphan.recordId = s.columnText(2);
      orphan.raisedAt = r.at;
      orphan.resolution = std::move(r);
      items.push_back(std::move(orphan));
    }
  }
}

Result<std::vector<FlagItem>> FlagStore::flags(EventId eventId) {
  return guarded("listing flags", [&] {
    auto items = raised(eventId, std::nullopt, std::nullopt);
    attachResolutions(eventId, items, true);
    std::stable_sort(items.begin(), items.end(), [](const FlagItem& a, const FlagItem& b) {
      return a.raisedAt != b.raisedAt ? a.raisedAt > b.raisedAt : a.flagId > b.flagId;
    });
    return items;
  });
}

Result<std::size_t> FlagStore::openCount(EventId eventId) {
  return guarded("counting flags", [&] {
    // Counted in SQL: every page of a supervisor shows it.
    auto s = db_.prepare(
        "SELECT "
        " (SELECT COUNT(*) FROM " +
        checkinsWith("flagged") +
        " WHERE c.event_id = ?1 AND c.flagged = 1 AND NOT EXISTS "
        "  (SELECT 1 FROM console_flag_resolutions r WHERE r.event_id = ?1 AND r.kind = 'second' "
        "   AND r.flag_id = c.id)) + "
        " (SELECT COUNT(*) FROM " +
        checkinsWith("skewed") +
        " WHERE c.event_id = ?1 AND c.skewed = 1 AND NOT EXISTS "
        "  (SELECT 1 FROM console_flag_resolutions r WHERE r.event_id = ?1 AND r.kind = 'skewed' "
        "   AND r.flag_id = c.id)) + "
        " (SELECT COUNT(*) FROM conflicts c WHERE c.event_id = ?1 AND NOT EXISTS "
        "  (SELECT 1 FROM console_flag_resolutions r WHERE r.event_id = ?1 AND r.kind = "
        "   'conflict' AND r.flag_id = CAST(c.seq AS TEXT)))");
    s.bind(1, static_cast<std::int64_t>(eventId));
    return s.step() ? static_cast<std::size_t>(s.columnInt(0)) : std::size_t{0};
  });
}

Result<std::optional<FlagItem>> FlagStore::flag(EventId eventId, FlagKind kind,
                                                std::string_view flagId) {
  return guarded("reading a flag", [&] {
    auto items = raised(eventId, kind, flagId);
    attachResolutions(eventId, items, false);
    std::optional<FlagItem> out;
    if (!items.empty()) {
      out = std::move(items.front());
    }
    return out;
  });
}

Result<bool> FlagStore::resolve(EventId eventId, const FlagItem& item,
                                const FlagResolution& resolution, const AuditRow& audit) {
  return guarded("resolving a flag", [&] {
    return db_.transaction([&] {
      db_.prepare(
             "INSERT INTO console_flag_resolutions (event_id, kind, flag_id, record_id, decision, "
             "note, account, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING")
          .bind(1, static_cast<std::int64_t>(eventId))
          .bind(2, std::string_view(toString(item.kind)))
          .bind(3, item.flagId)
          .bind(4, item.recordId)
          .bind(5, resolution.decision)
          .bind(6, resolution.note)
          .bind(7, resolution.account)
          .bind(8, toUnixMillis(resolution.at))
          .run();
      auto s = db_.prepare(
          "SELECT decision, note, account, at FROM console_flag_resolutions WHERE event_id = ?1 "
          "AND kind = ?2 AND flag_id = ?3");
      s.bind(1, static_cast<std::int64_t>(eventId))
          .bind(2, std::string_view(toString(item.kind)))
          .bind(3, item.flagId);
      const bool ours = s.step() && s.columnText(0) == resolution.decision &&
                        s.columnText(1) == resolution.note &&
                        s.columnText(2) == resolution.account &&
                        s.columnInt(3) == toUnixMillis(resolution.at);
      s.reset();
      if (ours) {
        // A decision without its audit row is not kept.
        if (auto st = ConsoleStore(db_).audit(audit); !st) {
          throw std::runtime_error(st.error().message);
        }
      }
      return ours;
    });
  });
}

}  // namespace kiosk::central::console
