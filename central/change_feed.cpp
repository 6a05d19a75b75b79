#include "central/change_feed.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>

namespace kiosk::central {

using cache::guarded;

std::string checkinFeedKey(EventId eventId, std::string_view id) {
  return std::to_string(eventId) + ":" + std::string(id);
}

std::string feedCheckinDoc(const std::string& doc, bool flagged) {
  // doc is a dumped JSON object: splice the flag in without a parse.
  return std::string("{\"flagged\":") + (flagged ? "true" : "false") + (doc.size() > 2 ? "," : "") +
         doc.substr(1);
}

std::string ChangeFeed::databaseId() {
  if (databaseId_.empty()) {
    auto s = db_.prepare("SELECT value FROM meta WHERE key = 'database_id'");
    databaseId_ = s.step() ? s.columnText(0) : "none";
  }
  return databaseId_;
}

void ChangeFeed::put(EventId eventId, std::string_view kind, std::string_view key,
                     const std::string& doc) {
  if (db_.dialect() == cache::Dialect::kSqlite) {
    // REPLACE deletes the old row and inserts one with a new, larger sequence number.
    db_.prepare("INSERT OR REPLACE INTO feed (event_id, kind, key, doc) VALUES (?1, ?2, ?3, ?4)")
        .bind(1, eventId)
        .bind(2, kind)
        .bind(3, key)
        .bind(4, doc)
        .run();
    return;
  }
  // Several processes write at once: the write lock, held to the end of the transaction,
  // makes sequence order commit order (see page()). Central's transactions hold it from
  // their start already; a write outside such a transaction takes it here.
  db_.prepare("SELECT pg_advisory_xact_lock(?1)").bind(1, kCentralWriteLock).step();
  db_.prepare(
         "INSERT INTO feed (event_id, kind, key, doc) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (kind, "
         "key) DO UPDATE SET seq = nextval('feed_seq'), event_id = excluded.event_id, doc = "
         "excluded.doc")
      .bind(1, eventId)
      .bind(2, kind)
      .bind(3, key)
      .bind(4, doc)
      .run();
}

Result<std::string> ChangeFeed::page(EventId eventId, std::string_view cursor, std::size_t limit,
                                     TimePoint now) {
  return guarded("reading changes", [&] {
    const auto dbId = databaseId();
    std::int64_t after = 0;
    if (const auto colon = cursor.find(':');
        colon != std::string_view::npos && cursor.substr(0, colon) == dbId) {
      const auto digits = cursor.substr(colon + 1);
      std::int64_t value = 0;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (ec == std::errc() && end == digits.data() + digits.size() && value >= 0) {
        after = value;
      }
    }
    // Everything up to `upTo` is committed: sequence numbers are handed out by one writer
    // at a time (SQLite's one write lock; on PostgreSQL the feed lock that put() holds to
    // its commit), so a row that commits later always gets a larger one. A cursor taken
    // from a sequence alone would skip rows that got smaller numbers but committed later.
    std::int64_t upTo = 0;
    {
      auto s = db_.prepare("SELECT COALESCE(MAX(seq), 0) FROM feed");
      if (s.step()) {
        upTo = s.columnInt(0);
      }
    }
    std::map<std::string, std::string, std::less<>> arrays;
    std::int64_t last = after;
    std::size_t count = 0;
    bool more = false;
    {
      auto s = db_.prepare(
          "SELECT seq, kind, doc FROM feed WHERE seq > ?1 AND seq <= ?2 AND event_id IN (0, ?3) "
          "ORDER BY seq LIMIT ?4");
      s.bind(1, after).bind(2, upTo).bind(3, eventId).bind(4, static_cast<std::int64_t>(limit + 1));
      while (s.step()) {
        if (count == limit) {
          more = true;
          break;
        }
        last = s.columnInt(0);
        auto& array = arrays[s.columnText(1)];
        if (!array.empty()) {
          array += ',';
        }
        array += s.columnText(2);
        ++count;
      }
    }
    // Nothing more for this device up to upTo: later reads can start there, skipping other
    // events' rows.
    const std::int64_t next = more ? last : std::max(last, upTo);
    std::string body = "{\"cursor\":\"" + dbId + ":" + std::to_string(next) +
                       "\",\"has_more\":" + (more ? "true" : "false") + ",\"server_time\":\"" +
                       formatIso8601(now, true) + "\"";
    for (const auto& [kind, items] : arrays) {
      body += ",\"" + kind + "\":[" + items + "]";
    }
    body += "}";
    return body;
  });
}

}  // namespace kiosk::central
