// ChangeFeed: what terminals pull. Every object a terminal pulls (event, public signing key,
// guest, revocation, staff member, badge template, check-in) has one row in `feed` holding
// its wire JSON, re-inserted with a new sequence number whenever it changes. GET
// /v1/changes is a range scan of that table from the terminal's cursor; the cursor is
// "<database id>:<sequence>", so a cursor of another database starts over instead of
// skipping data.
//
// Thread rules: as the Database it is given (one per thread).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kiosk/core/event.h"
#include "kiosk/core/result.h"
#include "kiosk/core/time.h"
#include "offline-cache/database.h"

namespace kiosk::central {

// On PostgreSQL every transaction of central's connections takes this advisory lock first
// (cache::OpenOptions::writeLock, set by CentralStore::open): the writers of all instances
// take turns, as SQLite's one write lock makes them. The feed relies on it: sequence
// numbers are handed out in commit order (see page()).
inline constexpr std::int64_t kCentralWriteLock = 0x6b696f736b0001;

class ChangeFeed {
 public:
  explicit ChangeFeed(cache::Database& db) : db_(db) {}

  // Feeds `doc` (wire JSON) under (kind, key) to the terminals of `eventId` (0: every
  // event). Inside the caller's transaction; throws DatabaseError.
  void put(EventId eventId, std::string_view kind, std::string_view key, const std::string& doc);
  // The JSON body of GET /v1/changes for a device of `eventId`.
  Result<std::string> page(EventId eventId, std::string_view cursor, std::size_t limit,
                           TimePoint now);

 private:
  std::string databaseId();

  cache::Database& db_;
  std::string databaseId_;
};

// A check-in id is unique within its event only (schema version 6): its feed key.
std::string checkinFeedKey(EventId eventId, std::string_view id);
// A check-in's stored doc with its flag, as terminals pull it.
std::string feedCheckinDoc(const std::string& doc, bool flagged);

}  // namespace kiosk::central
