#include "offline-cache/local_store.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>

#include "kiosk/admin/event_choice.h"
#include "kiosk/core/ids.h"
#include "kiosk/core/text_search.h"
#include "offline-cache/json_codec.h"
#include "offline-cache/migrations.h"
#include "offline-cache/record_rows.h"
#include "offline-cache/sync_protocol.h"

namespace kiosk::cache {

namespace {

constexpr std::string_view kGuestColumns =
    "event_id, guest_id, booking_code, name, company, title, category, language, phone, email, "
    "diet, allergies, accessibility, host, host_contact, status, escort_required, lodging, "
    "transport, meetings, name_reading";

constexpr std::string_view kCheckinColumns =
    "id, event_id, guest_id, terminal, scanned_at, method, staff_id, override_reason, "
    "confirmed_needs, needs_changed, photo_taken, undone_at, undone_by, undo_reason, "
    "previous_needs";

// Upper bound for a prefix range scan: every key that starts with the prefix sorts
// below prefix + U+10FFFF (keys are valid UTF-8, compared bytewise).
std::string prefixUpperBound(std::string_view prefix) {
  return std::string(prefix) + "\xf4\x8f\xbf\xbf";
}

Guest readGuest(const Statement& s) {
  Guest g;
  g.eventId = static_cast<EventId>(s.columnInt(0));
  g.id = static_cast<GuestId>(s.columnInt(1));
  g.bookingCode = s.columnText(2);
  g.name = s.columnText(3);
  g.company = s.columnText(4);
  g.title = s.columnText(5);
  g.category = parseGuestCategory(s.columnText(6)).value_or(GuestCategory::kOther);
  g.language = s.columnText(7);
  g.phone = s.columnText(8);
  g.email = s.columnText(9);
  g.needs.diet = s.columnText(10);
  g.needs.allergies = s.columnText(11);
  g.needs.accessibility = s.columnText(12);
  g.host = s.columnText(13);
  g.hostContact = s.columnText(14);
  g.status = parseGuestStatus(s.columnText(15)).value_or(GuestStatus::kActive);
  g.escortRequired = s.columnInt(16) != 0;
  g.lodging = lodgingFromJson(parseJson(s.columnText(17)));
  for (const auto& leg : parseJson(s.columnText(18))) {
    g.transport.push_back(transportLegFromJson(leg));
  }
  for (const auto& meeting : parseJson(s.columnText(19))) {
    g.meetings.push_back(meetingFromJson(meeting));
  }
  g.nameReading = s.columnText(20);
  return g;
}

CheckinRecord readCheckin(const Statement& s) {
  CheckinRecord r;
  r.id = s.columnText(0);
  r.eventId = static_cast<EventId>(s.columnInt(1));
  r.guestId = static_cast<GuestId>(s.columnInt(2));
  r.terminal = s.columnText(3);
  r.scannedAt = fromUnixMillis(s.columnInt(4));
  r.method = parseCheckinMethod(s.columnText(5)).value_or(CheckinMethod::kQrCode);
  r.staffId = s.columnText(6);
  r.overrideReason = s.columnText(7);
  r.confirmedNeeds = needsFromJson(parseJson(s.columnText(8)));
  r.needsChanged = s.columnInt(9) != 0;
  r.photoTaken = s.columnInt(10) != 0;
  if (auto undone = s.columnOptionalInt(11)) {
    r.undoneAt = fromUnixMillis(*undone);
  }
  r.undoneBy = s.columnText(12);
  r.undoReason = s.columnText(13);
  if (!s.isNull(14)) {
    r.previousNeeds = needsFromJson(parseJson(s.columnText(14)));
  }
  return r;
}

Event readEvent(const Statement& s) {
  Event e;
  e.id = static_cast<EventId>(s.columnInt(0));
  e.name = s.columnText(1);
  e.startsAt = fromUnixMillis(s.columnInt(2));
  e.endsAt = fromUnixMillis(s.columnInt(3));
  e.timezone = s.columnText(4);
  e.venue = s.columnText(5);
  e.venueAddress = s.columnText(6);
  e.wifiSsid = s.columnText(7);
  e.wifiPassword = s.columnText(8);
  for (const auto& c : parseJson(s.columnText(9))) {
    e.emergencyContacts.push_back({c.value("label", ""), c.value("phone", "")});
  }
  e.hospitalName = s.columnText(10);
  e.hospitalAddress = s.columnText(11);
  e.hospitalPhone = s.columnText(12);
  const auto fields = s.columnText(13);
  std::size_t start = 0;
  while (start < fields.size()) {
    const auto comma = fields.find(',', start);
    const auto end = comma == std::string::npos ? fields.size() : comma;
    if (end > start) {
      e.requiredFields.push_back(fields.substr(start, end - start));
    }
    start = end + 1;
  }
  e.retentionDays = static_cast<int>(s.columnInt(14));
  e.selfReprintLimit = static_cast<int>(s.columnInt(15));
  return e;
}

constexpr std::string_view kEventColumns =
    "id, name, starts_at, ends_at, timezone, venue, venue_address, wifi_ssid, wifi_password, "
    "emergency_contacts, hospital_name, hospital_address, hospital_phone, required_fields, "
    "retention_days, self_reprint_limit";

std::string sql(std::string_view a, std::string_view b, std::string_view c = {}) {
  std::string out(a);
  out += b;
  out += c;
  return out;
}

}  // namespace

LocalStore::LocalStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
LocalStore::~LocalStore() = default;

Result<std::unique_ptr<LocalStore>> LocalStore::open(const std::string& path,
                                                     const OpenOptions& options) {
  auto db = Database::open(path, options);
  if (!db) {
    return db.error();
  }
  if (!options.readOnly) {
    if (auto migrated = migrate(**db); !migrated) {
      return migrated.error();
    }
  }
  auto store = std::unique_ptr<LocalStore>(new LocalStore(std::move(*db)));
  if (!options.readOnly) {
    if (auto reindexed = store->reindexIfStale(); !reindexed) {
      return reindexed.error();
    }
  }
  return store;
}

Status LocalStore::reindexIfStale() {
  // Keys written by an older build lack what searchKeysFor() adds since (Latin spellings
  // of other scripts, middle digits, code parts): they are rebuilt once, in one
  // transaction, so a terminal finds guests the new way without waiting for a new roster.
  constexpr std::string_view kVersionKey = "search_keys_version";
  return guardedStatus("rebuilding the guest search index", [&] {
    auto version = db_->prepare("SELECT value FROM settings WHERE key = ?1");
    version.bind(1, kVersionKey);
    if (version.step() && version.columnText(0) == std::to_string(kSearchKeysVersion)) {
      return;
    }
    version.reset();
    db_->transaction([&] {
      db_->exec("DELETE FROM guest_search");
      std::vector<Guest> guests;
      auto all = db_->prepare(sql("SELECT ", kGuestColumns, " FROM guests ORDER BY event_id"));
      while (all.step()) {
        guests.push_back(readGuest(all));
      }
      auto update =
          db_->prepare("UPDATE guests SET search_keys = ?3 WHERE event_id = ?1 AND guest_id = ?2");
      std::size_t i = 0;
      while (i < guests.size()) {
        const EventId eventId = guests[i].eventId;
        std::vector<std::pair<std::string, GuestId>> keys;
        for (; i < guests.size() && guests[i].eventId == eventId; ++i) {
          std::string joined;
          for (auto& key : searchKeysFor(guests[i])) {
            joined += (joined.empty() ? "" : "\n") + key;
            keys.emplace_back(std::move(key), guests[i].id);
          }
          update.bind(1, eventId).bind(2, guests[i].id).bind(3, joined).run();
        }
        insertSearchKeys(eventId, std::move(keys));
      }
      db_->prepare(
             "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET "
             "value = ?2")
          .bind(1, kVersionKey)
          .bind(2, std::to_string(kSearchKeysVersion))
          .run();
    });
  });
}

// --- events and keys ---

Status LocalStore::saveEvent(const Event& e) {
  return guardedStatus("saving event", [&] {
    Json contacts = Json::array();
    for (const auto& c : e.emergencyContacts) {
      contacts.push_back({{"label", c.label}, {"phone", c.phone}});
    }
    std::string fields;
    for (const auto& f : e.requiredFields) {
      fields += (fields.empty() ? "" : ",") + f;
    }
    db_->prepare(
           "INSERT INTO events (id, name, starts_at, ends_at, timezone, venue, venue_address, "
           "wifi_ssid, wifi_password, emergency_contacts, hospital_name, hospital_address, "
           "hospital_phone, required_fields, retention_days, self_reprint_limit) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) "
           "ON CONFLICT(id) DO UPDATE SET name=?2, starts_at=?3, ends_at=?4, timezone=?5, "
           "venue=?6, venue_address=?7, wifi_ssid=?8, wifi_password=?9, emergency_contacts=?10, "
           "hospital_name=?11, hospital_address=?12, hospital_phone=?13, required_fields=?14, "
           "retention_days=?15, self_reprint_limit=?16")
        .bind(1, e.id)
        .bind(2, e.name)
        .bind(3, toUnixMillis(e.startsAt))
        .bind(4, toUnixMillis(e.endsAt))
        .bind(5, e.timezone)
        .bind(6, e.venue)
        .bind(7, e.venueAddress)
        .bind(8, e.wifiSsid)
        .bind(9, e.wifiPassword)
        .bind(10, dump(contacts))
        .bind(11, e.hospitalName)
        .bind(12, e.hospitalAddress)
        .bind(13, e.hospitalPhone)
        .bind(14, fields)
        .bind(15, e.retentionDays)
        .bind(16, e.selfReprintLimit)
        .run();
  });
}

Result<std::vector<Event>> LocalStore::listEvents() {
  return guarded("listing events", [&] {
    std::vector<Event> events;
    auto s = db_->prepare(sql("SELECT ", kEventColumns, " FROM events ORDER BY starts_at"));
    while (s.step()) {
      events.push_back(readEvent(s));
    }
    return events;
  });
}

Result<std::optional<Event>> LocalStore::findEvent(EventId eventId) {
  return guarded("reading event", [&] {
    auto s = db_->prepare(sql("SELECT ", kEventColumns, " FROM events WHERE id = ?1"));
    s.bind(1, eventId);
    return s.step() ? std::optional<Event>(readEvent(s)) : std::nullopt;
  });
}

Result<Event> LocalStore::resolveEvent(std::optional<EventId> id) {
  auto events = listEvents();
  if (!events) {
    return events.error();
  }
  return admin::chooseEvent(*events, id, db_->path(), "kioskctl event create");
}

Status LocalStore::saveSigningKey(const SigningKey& key) {
  return guardedStatus("saving signing key", [&] {
    auto s = db_->prepare(
        "INSERT INTO signing_keys (event_id, key_id, public_key, secret_key, created_at, "
        "retired_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(event_id, key_id) DO UPDATE SET "
        "public_key=?3, secret_key=COALESCE(?4, secret_key), created_at=?5, "
        "retired_at=COALESCE(retired_at, ?6)");
    s.bind(1, key.eventId).bind(2, static_cast<int>(key.id)).bindBlob(3, key.publicKey);
    if (key.secretKey) {
      s.bindBlob(4, *key.secretKey);
    } else {
      s.bindNull(4);
    }
    s.bind(5, toUnixMillis(key.createdAt));
    if (key.retiredAt) {
      s.bind(6, toUnixMillis(*key.retiredAt));
    } else {
      s.bindNull(6);
    }
    s.run();
  });
}

Status LocalStore::retireSigningKey(EventId eventId, KeyId keyId, TimePoint at) {
  return guardedStatus("retiring signing key", [&] {
    db_->prepare(
           "UPDATE signing_keys SET retired_at = COALESCE(retired_at, ?3) WHERE event_id = ?1 "
           "AND key_id = ?2")
        .bind(1, eventId)
        .bind(2, static_cast<int>(keyId))
        .bind(3, toUnixMillis(at))
        .run();
  });
}

Result<std::vector<SigningKey>> LocalStore::signingKeys(EventId eventId) {
  return guarded("reading signing keys", [&] { return readSigningKeys(*db_, eventId); });
}

Result<std::optional<SigningKey>> LocalStore::issuingKey(EventId eventId) {
  auto keys = signingKeys(eventId);
  if (!keys) {
    return keys.error();
  }
  return issuingKeyOf(*keys);
}

Result<std::optional<SigningKey>> LocalStore::findSigningKey(EventId eventId, KeyId keyId) {
  return guarded("reading signing key", [&] {
    auto s = db_->prepare(
        "SELECT public_key, created_at, retired_at FROM signing_keys WHERE event_id = ?1 AND "
        "key_id = ?2");
    s.bind(1, eventId).bind(2, static_cast<int>(keyId));
    if (!s.step()) {
      return std::optional<SigningKey>{};
    }
    SigningKey key;
    key.eventId = eventId;
    key.id = keyId;
    const auto blob = s.columnBlob(0);
    if (blob.size() != key.publicKey.size()) {
      throw DatabaseError(ErrorKind::kCorrupt, "signing key with a bad public key");
    }
    std::copy(blob.begin(), blob.end(), key.publicKey.begin());
    key.createdAt = fromUnixMillis(s.columnInt(1));
    if (!s.isNull(2)) {
      key.retiredAt = fromUnixMillis(s.columnInt(2));
    }
    return std::optional<SigningKey>{key};
  });
}

Status LocalStore::revokeToken(EventId eventId, std::string_view tokenId, std::string_view reason,
                               TimePoint at, std::optional<GuestId> guestId) {
  return guardedStatus("revoking code", [&] {
    auto s = db_->prepare(
        "INSERT INTO revocations (event_id, token_id, reason, revoked_at, guest_id) VALUES (?1, "
        "?2, ?3, ?4, ?5) ON CONFLICT(event_id, token_id) DO UPDATE SET guest_id = "
        "COALESCE(guest_id, ?5)");
    s.bind(1, eventId).bind(2, tokenId).bind(3, reason).bind(4, toUnixMillis(at));
    if (guestId) {
      s.bind(5, *guestId);
    } else {
      s.bindNull(5);
    }
    s.run();
  });
}

Result<bool> LocalStore::hasRevokedCode(EventId eventId, GuestId guestId) {
  return guarded("reading revocations", [&] {
    auto s = db_->prepare("SELECT 1 FROM revocations WHERE event_id = ?1 AND guest_id = ?2");
    s.bind(1, eventId).bind(2, guestId);
    return s.step();
  });
}

Result<bool> LocalStore::isTokenRevoked(EventId eventId, std::string_view tokenId) {
  return guarded("reading revocations", [&] {
    auto s = db_->prepare("SELECT 1 FROM revocations WHERE event_id = ?1 AND token_id = ?2");
    s.bind(1, eventId).bind(2, tokenId);
    return s.step();
  });
}

// --- guests ---

namespace {

// From this many guests on, an import uses both cores: the keys and texts of the rows are
// made on two threads, and the search keys are sorted on a second thread while this one
// writes the guest rows. Below, starting a thread costs more than it saves.
constexpr std::size_t kTwoThreadsFrom = 2000;

// In an import's list of guest ids by place: the row at this place was replaced by a later
// row with the same booking code (no guest has id 0).
constexpr GuestId kReplacedInTheList = 0;

}  // namespace

LocalStore::GuestRowTexts LocalStore::rowTextsFor(const Guest& g, std::vector<std::string>& keys) {
  GuestRowTexts texts;
  keys = searchKeysFor(g);
  for (const auto& key : keys) {
    texts.joinedKeys += (texts.joinedKeys.empty() ? "" : "\n") + key;
  }
  Json transport = Json::array();
  for (const auto& t : g.transport) {
    transport.push_back(toJson(t));
  }
  Json meetings = Json::array();
  for (const auto& m : g.meetings) {
    meetings.push_back(toJson(m));
  }
  texts.lodging = dumpCompact(toJson(g.lodging));
  texts.transport = dumpCompact(transport);
  texts.meetings = dumpCompact(meetings);
  return texts;
}

Result<std::vector<Guest>> LocalStore::upsertGuests(EventId eventId, std::vector<Guest> guests,
                                                    TimePoint now) {
  return guarded("saving guests", [&] {
    // Every guest's texts and keys first, each key with its guest's place in `guests` until
    // the ids are known: on two threads for a large list, each with its half of the guests
    // and its own keys.
    const std::size_t count = guests.size();
    const bool twoThreads = count >= kTwoThreadsFrom;
    std::vector<GuestRowTexts> texts(count);
    std::vector<std::pair<std::string, GuestId>> keyHalves[2];
    const auto prepareRange = [&](std::size_t from, std::size_t to,
                                  std::vector<std::pair<std::string, GuestId>>& keys) {
      keys.reserve((to - from) * 20);
      std::vector<std::string> guestKeys;
      for (std::size_t i = from; i < to; ++i) {
        texts[i] = rowTextsFor(guests[i], guestKeys);
        for (auto& key : guestKeys) {
          keys.emplace_back(std::move(key), static_cast<GuestId>(i));
        }
      }
    };
    // The second half is made on another thread while this one makes the first; then each
    // half's keys are put in key order on other threads while this one writes the rows.
    const std::size_t half = twoThreads ? count / 2 : count;
    const auto sortHalf = [&](int which) {
      std::sort(keyHalves[which].begin(), keyHalves[which].end());
    };
    std::jthread prepareSecond;
    if (twoThreads) {
      prepareSecond = std::jthread([&] { prepareRange(half, count, keyHalves[1]); });
    }
    prepareRange(0, half, keyHalves[0]);
    std::jthread sortFirst;
    if (twoThreads) {
      sortFirst = std::jthread([&] { sortHalf(0); });
    } else {
      sortHalf(0);
    }
    std::vector<GuestId> idOfPlace(count);
    db_->transaction([&] {
      std::int64_t nextId = 1;
      {
        auto s =
            db_->prepare("SELECT COALESCE(MAX(guest_id), 0) + 1 FROM guests WHERE event_id = ?1");
        s.bind(1, eventId);
        if (s.step()) {
          nextId = s.columnInt(0);
        }
      }
      // A booking code given twice in the list: the later row is the guest, and the keys
      // of the earlier one are not indexed. An event without guests (a first import) has no
      // booking codes to look up in the database.
      const bool eventHadGuests = nextId > 1;
      std::unordered_map<std::string_view, std::size_t> placeOfCode;
      const auto writeRows = [&](std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) {
          auto& g = guests[i];
          g.eventId = eventId;
          bool isNew = false;
          if (g.id == 0) {
            std::optional<GuestId> existing;
            if (const auto it = placeOfCode.find(g.bookingCode); it != placeOfCode.end()) {
              existing = idOfPlace[it->second];
              idOfPlace[it->second] = kReplacedInTheList;
              it->second = i;
            } else if (eventHadGuests) {
              auto s = db_->prepare(
                  "SELECT guest_id FROM guests WHERE event_id = ?1 AND booking_code = ?2");
              s.bind(1, eventId).bind(2, g.bookingCode);
              if (s.step()) {
                existing = static_cast<GuestId>(s.columnInt(0));
              }
            }
            isNew = !existing;
            g.id = existing ? *existing : static_cast<GuestId>(nextId++);
            placeOfCode.emplace(g.bookingCode, i);
          }
          idOfPlace[i] = g.id;
          upsertGuest(eventId, g, texts[i], now, isNew);
          texts[i] = {};
        }
      };
      writeRows(0, half);
      std::jthread sortSecond;
      if (twoThreads) {
        if (prepareSecond.joinable()) {
          prepareSecond.join();
        }
        sortSecond = std::jthread([&] { sortHalf(1); });
        writeRows(half, count);
      }
      if (sortFirst.joinable()) {
        sortFirst.join();
      }
      if (sortSecond.joinable()) {
        sortSecond.join();
      }
      insertSortedSearchKeys(eventId, keyHalves[0], keyHalves[1], &idOfPlace);
    });
    // The keys go before the guests are handed back: a large list held twice was the
    // import's peak of memory.
    keyHalves[0] = {};
    keyHalves[1] = {};
    texts = {};
    return std::move(guests);
  });
}

void LocalStore::upsertGuest(EventId eventId, const Guest& g, const GuestRowTexts& texts,
                             TimePoint now, bool isNew) {
  // The old keys are deleted by primary key (guest_search has no guest_id index: one
  // would cost as much as the table at import time).
  if (!isNew) {
    auto old = db_->prepare("SELECT search_keys FROM guests WHERE event_id = ?1 AND guest_id = ?2");
    old.bind(1, eventId).bind(2, g.id);
    if (old.step()) {
      const auto keys = old.columnText(0);
      auto remove = db_->prepare(
          "DELETE FROM guest_search WHERE event_id = ?1 AND key = ?2 AND guest_id = ?3");
      std::size_t start = 0;
      while (start < keys.size()) {
        const auto end = std::min(keys.find('\n', start), keys.size());
        remove.bind(1, eventId)
            .bind(2, std::string_view(keys).substr(start, end - start))
            .bind(3, g.id)
            .run();
        start = end + 1;
      }
    }
  }
  // The texts are read in place (bindUnowned): `g` and `texts` outlive the statement's run.
  db_->prepare(
         "INSERT INTO guests (event_id, guest_id, booking_code, name, company, title, "
         "category, language, phone, email, diet, allergies, accessibility, host, "
         "host_contact, status, escort_required, lodging, transport, meetings, search_keys, "
         "updated_at, name_reading) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
         "?18, ?19, ?20, ?22, ?21, ?23) ON CONFLICT(event_id, guest_id) DO UPDATE SET "
         "booking_code=?3, name=?4, company=?5, title=?6, category=?7, language=?8, "
         "phone=?9, email=?10, diet=?11, allergies=?12, accessibility=?13, host=?14, "
         "host_contact=?15, status=?16, escort_required=?17, lodging=?18, transport=?19, "
         "meetings=?20, search_keys=?22, updated_at=?21, name_reading=?23")
      .bind(1, eventId)
      .bind(2, g.id)
      .bindUnowned(3, g.bookingCode)
      .bindUnowned(4, g.name)
      .bindUnowned(5, g.company)
      .bindUnowned(6, g.title)
      .bind(7, toString(g.category))
      .bindUnowned(8, g.language)
      .bindUnowned(9, g.phone)
      .bindUnowned(10, g.email)
      .bindUnowned(11, g.needs.diet)
      .bindUnowned(12, g.needs.allergies)
      .bindUnowned(13, g.needs.accessibility)
      .bindUnowned(14, g.host)
      .bindUnowned(15, g.hostContact)
      .bind(16, toString(g.status))
      .bind(17, g.escortRequired)
      .bindUnowned(18, texts.lodging)
      .bindUnowned(19, texts.transport)
      .bindUnowned(20, texts.meetings)
      .bind(21, toUnixMillis(now))
      .bindUnowned(22, texts.joinedKeys)
      .bindUnowned(23, g.nameReading)
      .run();
}

void LocalStore::insertSearchKeys(EventId eventId, SearchKeys keys) {
  // In key order: appending to the index b-tree is several times faster than inserting
  // 700,000 keys at random places.
  std::sort(keys.begin(), keys.end());
  insertSortedSearchKeys(eventId, keys, {}, nullptr);
}

void LocalStore::insertSortedSearchKeys(EventId eventId, const SearchKeys& first,
                                        const SearchKeys& second,
                                        const std::vector<GuestId>* idOfPlace) {
  // Both lists merged on the way (a merged copy of 2,000,000 keys was the import's peak of
  // memory).
  std::size_t inFirst = 0;
  std::size_t inSecond = 0;
  const auto takeNext = [&]() -> const std::pair<std::string, GuestId>& {
    if (inSecond == second.size() ||
        (inFirst < first.size() && first[inFirst] < second[inSecond])) {
      return first[inFirst++];
    }
    return second[inSecond++];
  };
  // Many rows a statement: a one-row INSERT spends most of its time starting and ending
  // the statement (2,000,000 keys: 2.2 s of CPU one by one, 0.7 s 200 at a time). The keys
  // are read in place: the lists outlive every run.
  constexpr std::size_t kRowsPerInsert = 200;
  std::string manyRows =
      "INSERT OR IGNORE INTO guest_search (event_id, key, guest_id) VALUES (?1, ?2, ?3)";
  for (std::size_t row = 1; row < kRowsPerInsert; ++row) {
    manyRows +=
        ", (?1, ?" + std::to_string(2 * row + 2) + ", ?" + std::to_string(2 * row + 3) + ")";
  }
  std::vector<std::pair<const std::string*, GuestId>> batch;
  batch.reserve(kRowsPerInsert);
  for (std::size_t left = first.size() + second.size(); left > 0; --left) {
    const auto& [key, idOrPlace] = takeNext();
    const GuestId id = idOfPlace ? (*idOfPlace)[idOrPlace] : idOrPlace;
    if (id == kReplacedInTheList) {
      continue;
    }
    batch.emplace_back(&key, id);
    if (batch.size() == kRowsPerInsert) {
      auto insertMany = db_->prepare(manyRows);
      insertMany.bind(1, eventId);
      for (std::size_t row = 0; row < kRowsPerInsert; ++row) {
        const int param = static_cast<int>(2 * row + 2);
        insertMany.bindUnowned(param, *batch[row].first).bind(param + 1, batch[row].second);
      }
      insertMany.run();
      batch.clear();
    }
  }
  auto insertOne = db_->prepare(
      "INSERT OR IGNORE INTO guest_search (event_id, key, guest_id) VALUES (?1, ?2, ?3)");
  for (const auto& [key, id] : batch) {
    insertOne.bind(1, eventId).bind(2, *key).bind(3, id).run();
  }
}

Result<std::vector<Guest>> LocalStore::listGuests(EventId eventId) {
  return guarded("listing guests", [&] {
    std::vector<Guest> guests;
    auto s = db_->prepare(
        sql("SELECT ", kGuestColumns, " FROM guests WHERE event_id = ?1 ORDER BY guest_id"));
    s.bind(1, eventId);
    while (s.step()) {
      guests.push_back(readGuest(s));
    }
    return guests;
  });
}

Result<std::size_t> LocalStore::guestCount(EventId eventId) {
  return guarded("counting guests", [&] {
    auto s = db_->prepare("SELECT COUNT(*) FROM guests WHERE event_id = ?1");
    s.bind(1, eventId);
    return s.step() ? static_cast<std::size_t>(s.columnInt(0)) : std::size_t{0};
  });
}

Result<std::vector<Guest>> LocalStore::searchGuests(EventId eventId, std::string_view query,
                                                    std::size_t limit) {
  return guarded("searching guests", [&] {
    if (const auto parts = splitNameAndNumber(query)) {
      return guestsByIds(eventId, guestsUnderBoth(eventId, nameQueryKeysFor(parts->name),
                                                  numberQueryKeysFor(parts->number), limit));
    }
    std::vector<GuestId> ids;
    std::set<GuestId> seen;
    for (const auto& key : queryKeysFor(query)) {
      if (key.empty()) {
        continue;
      }
      auto s = db_->prepare(
          "SELECT DISTINCT guest_id FROM guest_search WHERE event_id = ?1 AND key >= ?2 AND key < "
          "?3 "
          "LIMIT ?4");
      s.bind(1, eventId)
          .bind(2, key)
          .bind(3, prefixUpperBound(key))
          .bind(4, static_cast<std::int64_t>(limit));
      while (s.step() && ids.size() < limit) {
        const auto id = static_cast<GuestId>(s.columnInt(0));
        if (seen.insert(id).second) {
          ids.push_back(id);
        }
      }
    }
    return guestsByIds(eventId, ids);
  });
}

Result<std::vector<Guest>> LocalStore::findByNameAndPhoneTail(EventId eventId,
                                                              std::string_view name,
                                                              std::string_view phoneTail,
                                                              std::size_t limit) {
  // Above this many guests sharing the phone tail (placeholder numbers), the name is the
  // narrower side.
  constexpr std::int64_t kMaxTailGuests = 2000;
  return guarded("finding a booking", [&] {
    const std::string tail = phoneTailKey(phoneTail);
    // A name is never a phone tail: the digit forms of a query are not name keys.
    const std::vector<std::string> nameKeys = nameQueryKeysFor(name);
    if (tail.empty() || nameKeys.empty()) {
      return std::vector<Guest>{};
    }
    std::vector<GuestId> ids;
    const auto add = [&](GuestId id) {
      if (ids.size() < limit && std::find(ids.begin(), ids.end(), id) == ids.end()) {
        ids.push_back(id);
      }
    };
    // The phone tail narrows most (four digits: about one guest in ten thousand): its
    // guests come from the index with their keys, and the name is matched against those.
    auto byTail = db_->prepare(
        "SELECT p.guest_id, g.search_keys FROM guest_search p JOIN guests g ON g.event_id = "
        "p.event_id AND g.guest_id = p.guest_id WHERE p.event_id = ?1 AND p.key >= ?2 AND "
        "p.key < ?3 LIMIT ?4");
    byTail.bind(1, eventId)
        .bind(2, tail)
        .bind(3, prefixUpperBound(tail))
        .bind(4, kMaxTailGuests + 1);
    std::int64_t tailGuests = 0;
    while (byTail.step()) {
      ++tailGuests;
      const std::string keys = "\n" + byTail.columnText(1);
      for (const auto& key : nameKeys) {
        if (keys.find("\n" + key) != std::string::npos) {
          add(static_cast<GuestId>(byTail.columnInt(0)));
        }
      }
    }
    byTail.reset();
    if (tailGuests > kMaxTailGuests) {
      // Both parts are prefix ranges of the (event_id, key, guest_id) primary key: the
      // tail's guests are collected once, the name range is walked checking against them.
      ids.clear();
      auto both = db_->prepare(
          "SELECT DISTINCT n.guest_id FROM guest_search n WHERE n.event_id = ?1 AND n.key >= ?2 "
          "AND n.key < ?3 AND n.guest_id IN (SELECT p.guest_id FROM guest_search p WHERE "
          "p.event_id = ?1 AND p.key >= ?4 AND p.key < ?5) LIMIT ?6");
      for (const auto& key : nameKeys) {
        both.bind(1, eventId)
            .bind(2, key)
            .bind(3, prefixUpperBound(key))
            .bind(4, tail)
            .bind(5, prefixUpperBound(tail))
            .bind(6, static_cast<std::int64_t>(limit));
        while (both.step()) {
          add(static_cast<GuestId>(both.columnInt(0)));
        }
        both.reset();
      }
    }
    return guestsByIds(eventId, ids);
  });
}

std::vector<GuestId> LocalStore::guestsUnderBoth(EventId eventId,
                                                 const std::vector<std::string>& nameKeys,
                                                 const std::vector<std::string>& numberKeys,
                                                 std::size_t limit) {
  if (nameKeys.empty() || numberKeys.empty()) {
    return {};
  }
  // How many index entries a side has, counted up to `cap` (a walk of at most that many
  // entries of the primary key).
  const auto entries = [&](const std::vector<std::string>& keys, std::int64_t cap) {
    std::int64_t total = 0;
    auto count = db_->prepare(
        "SELECT count(*) FROM (SELECT 1 FROM guest_search WHERE event_id = ?1 AND key >= ?2 AND "
        "key < ?3 LIMIT ?4)");
    for (const auto& key : keys) {
      count.bind(1, eventId).bind(2, key).bind(3, prefixUpperBound(key)).bind(4, cap - total);
      if (count.step()) {
        total += count.columnInt(0);
      }
      count.reset();
      if (total >= cap) {
        break;
      }
    }
    return total;
  };
  // One statement: the guests under the narrower side's keys come from the index with the
  // keys they are indexed under, and SQLite keeps those that also have a key starting
  // with one of the other side's keys, stopping at `limit`. Every guest of the narrower
  // side is looked at, so the right one is never lost behind a first page of namesakes
  // (or of guests sharing a placeholder phone number).
  constexpr std::int64_t kCountCap = 2000;
  const std::int64_t nameEntries = entries(nameKeys, kCountCap);
  const bool byNumber = entries(numberKeys, nameEntries + 1) <= nameEntries;
  const std::vector<std::string>& driving = byNumber ? numberKeys : nameKeys;
  const std::vector<std::string>& other = byNumber ? nameKeys : numberKeys;
  std::string ranges;
  std::string matches;
  int param = 2;
  for (std::size_t i = 0; i < driving.size(); ++i) {
    ranges += std::string(i == 0 ? "" : " UNION ALL ") +
              "SELECT guest_id FROM guest_search WHERE event_id = ?1 AND key >= ?" +
              std::to_string(param) + " AND key < ?" + std::to_string(param + 1);
    param += 2;
  }
  for (std::size_t i = 0; i < other.size(); ++i) {
    matches += std::string(i == 0 ? "" : " OR ") +
               "instr(char(10) || g.search_keys, char(10) || ?" + std::to_string(param) + ") > 0";
    ++param;
  }
  auto s = db_->prepare("SELECT DISTINCT p.guest_id FROM (" + ranges +
                        ") p JOIN guests g ON g.event_id = ?1 AND g.guest_id = p.guest_id WHERE " +
                        matches + " LIMIT ?" + std::to_string(param));
  s.bind(1, eventId);
  param = 2;
  for (const auto& key : driving) {
    s.bind(param, key).bind(param + 1, prefixUpperBound(key));
    param += 2;
  }
  for (const auto& key : other) {
    s.bind(param++, key);
  }
  s.bind(param, static_cast<std::int64_t>(limit));
  std::vector<GuestId> ids;
  while (s.step()) {
    ids.push_back(static_cast<GuestId>(s.columnInt(0)));
  }
  return ids;
}

std::vector<Guest> LocalStore::guestsByIds(EventId eventId, const std::vector<GuestId>& ids) {
  std::vector<Guest> guests;
  for (const GuestId id : ids) {
    auto row = db_->prepare(
        sql("SELECT ", kGuestColumns, " FROM guests WHERE event_id = ?1 AND guest_id = ?2"));
    row.bind(1, eventId).bind(2, id);
    if (row.step()) {
      guests.push_back(readGuest(row));
    }
  }
  return guests;
}

Result<std::optional<Guest>> LocalStore::findGuest(EventId eventId, GuestId guestId) {
  return guarded("reading guest", [&] {
    auto s = db_->prepare(
        sql("SELECT ", kGuestColumns, " FROM guests WHERE event_id = ?1 AND guest_id = ?2"));
    s.bind(1, eventId).bind(2, guestId);
    return s.step() ? std::optional<Guest>(readGuest(s)) : std::nullopt;
  });
}

Result<std::optional<Guest>> LocalStore::findGuestByBookingCode(EventId eventId,
                                                                std::string_view bookingCode) {
  return guarded("reading guest", [&] {
    auto s = db_->prepare(
        sql("SELECT ", kGuestColumns, " FROM guests WHERE event_id = ?1 AND booking_code = ?2"));
    s.bind(1, eventId).bind(2, bookingCode);
    return s.step() ? std::optional<Guest>(readGuest(s)) : std::nullopt;
  });
}

// --- check-ins ---

std::optional<CheckinRecord> LocalStore::activeCheckin(EventId eventId, GuestId guestId) {
  auto s =
      db_->prepare(sql("SELECT ", kCheckinColumns,
                       " FROM checkins WHERE event_id = ?1 AND guest_id = ?2 AND undone_at IS NULL "
                       "ORDER BY scanned_at LIMIT 1"));
  s.bind(1, eventId).bind(2, guestId);
  return s.step() ? std::optional<CheckinRecord>(readCheckin(s)) : std::nullopt;
}

Result<std::optional<CheckinRecord>> LocalStore::findActiveCheckin(EventId eventId,
                                                                   GuestId guestId) {
  return guarded("reading check-in", [&] { return activeCheckin(eventId, guestId); });
}

Result<std::optional<CheckinRecord>> LocalStore::findCheckin(std::string_view checkinId) {
  return guarded("reading check-in", [&] {
    auto s = db_->prepare(sql("SELECT ", kCheckinColumns, " FROM checkins WHERE id = ?1"));
    s.bind(1, checkinId);
    return s.step() ? std::optional<CheckinRecord>(readCheckin(s)) : std::nullopt;
  });
}

void LocalStore::insertAudit(const AuditEvent& a) {
  db_->prepare(
         "INSERT INTO audit (at, terminal, actor, action, event_id, guest_id, outcome, reason, "
         "ref_id) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
      .bind(1, toUnixMillis(a.at))
      .bind(2, a.terminal)
      .bind(3, a.actor)
      .bind(4, toString(a.action))
      .bind(5, a.eventId)
      .bind(6, a.guestId)
      .bind(7, a.outcome)
      .bind(8, a.reason)
      .bind(9, a.refId)
      .run();
}

void LocalStore::insertOutbox(std::string_view kind, std::string_view refId, EventId eventId,
                              const std::string& payload, TimePoint at) {
  db_->prepare(
         "INSERT INTO outbox (kind, ref_id, event_id, payload, created_at) VALUES (?1, ?2, ?3, ?4, "
         "?5)")
      .bind(1, kind)
      .bind(2, refId)
      .bind(3, eventId)
      .bind(4, payload)
      .bind(5, toUnixMillis(at))
      .run();
}

Result<CommitResult> LocalStore::commitCheckin(const CheckinRecord& r, const AuditEvent& audit,
                                               bool notifyHost) {
  return guarded("recording check-in", [&] {
    return db_->transaction([&] {
      if (auto existing = activeCheckin(r.eventId, r.guestId)) {
        return CommitResult{false, std::move(existing)};
      }
      db_->prepare(
             "INSERT INTO checkins (id, event_id, guest_id, terminal, scanned_at, method, "
             "staff_id, "
             "override_reason, confirmed_needs, needs_changed, photo_taken, origin, recorded_at, "
             "previous_needs) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'local', ?12, ?13)")
          .bind(1, r.id)
          .bind(2, r.eventId)
          .bind(3, r.guestId)
          .bind(4, r.terminal)
          .bind(5, toUnixMillis(r.scannedAt))
          .bind(6, toString(r.method))
          .bind(7, r.staffId)
          .bind(8, r.overrideReason)
          .bind(9, dump(toJson(r.confirmedNeeds)))
          .bind(10, r.needsChanged)
          .bind(11, r.photoTaken)
          .bind(12, toUnixMillis(audit.at))
          .bind(13, r.previousNeeds ? std::optional<std::string>(dump(toJson(*r.previousNeeds)))
                                    : std::nullopt)
          .run();
      insertOutbox("checkin", r.id, r.eventId, dump(toJson(r)), audit.at);
      if (notifyHost) {
        auto s = db_->prepare(
            "SELECT host, host_contact FROM guests WHERE event_id = ?1 AND guest_id = ?2");
        s.bind(1, r.eventId).bind(2, r.guestId);
        if (s.step() && !s.columnText(0).empty()) {
          const std::string noticeId = newRecordId(audit.at);
          const Json notice{{"id", noticeId},          {"checkin_id", r.id},
                            {"event_id", r.eventId},   {"guest_id", r.guestId},
                            {"host", s.columnText(0)}, {"host_contact", s.columnText(1)},
                            {"terminal", r.terminal},  {"arrived_at", toJson(r.scannedAt)}};
          insertOutbox("arrival_notice", noticeId, r.eventId, dump(notice), audit.at);
        }
      }
      insertAudit(audit);
      return CommitResult{true, std::nullopt};
    });
  });
}

Status LocalStore::commitRejection(const RejectedScan& r, const AuditEvent& audit) {
  return guardedStatus("recording refused scan", [&] {
    db_->transaction([&] {
      db_->prepare(
             "INSERT INTO rejections (id, event_id, guest_id, terminal, scanned_at, outcome, "
             "staff_reason, detail, scan_hash, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
             "?10)")
          .bind(1, r.id)
          .bind(2, r.eventId)
          .bind(3, r.guestId)
          .bind(4, r.terminal)
          .bind(5, toUnixMillis(r.scannedAt))
          .bind(6, toString(r.outcome))
          .bind(7, toString(r.staffReason))
          .bind(8, r.detail)
          .bind(9, r.scanHash)
          .bind(10, toString(r.source))
          .run();
      insertOutbox("rejection", r.id, r.eventId, dump(toJson(r)), audit.at);
      insertAudit(audit);
    });
  });
}

Status LocalStore::commitUndo(const CheckinRecord& r, const AuditEvent& audit) {
  return guardedStatus("undoing check-in", [&] {
    db_->transaction([&] {
      db_->prepare(
             "UPDATE checkins SET undone_at = ?2, undone_by = ?3, undo_reason = ?4 "
             "WHERE id = ?1 AND undone_at IS NULL")
          .bind(1, r.id)
          .bind(2, r.undoneAt ? toUnixMillis(*r.undoneAt) : toUnixMillis(audit.at))
          .bind(3, r.undoneBy)
          .bind(4, r.undoReason)
          .run();
      if (db_->changes() != 1) {
        throw DatabaseError(ErrorKind::kInvalidInput,
                            "check-in " + r.id + " is unknown or already undone");
      }
      const Json payload{
          {"checkin_id", r.id},        {"event_id", r.eventId},
          {"guest_id", r.guestId},     {"undone_at", toJson(r.undoneAt.value_or(audit.at))},
          {"undone_by", r.undoneBy},   {"reason", r.undoReason},
          {"terminal", audit.terminal}};
      insertOutbox("undo", r.id, r.eventId, dump(payload), audit.at);
      insertAudit(audit);
    });
  });
}

Status LocalStore::commitWalkIn(const Guest& guest, const CheckinRecord& r,
                                const AuditEvent& audit) {
  return guardedStatus("registering walk-in guest", [&] {
    db_->transaction([&] {
      std::vector<std::string> guestKeys;
      upsertGuest(r.eventId, guest, rowTextsFor(guest, guestKeys), audit.at, true);
      std::vector<std::pair<std::string, GuestId>> keys;
      for (auto& key : guestKeys) {
        keys.emplace_back(std::move(key), guest.id);
      }
      insertSearchKeys(r.eventId, std::move(keys));
      db_->prepare(
             "INSERT INTO checkins (id, event_id, guest_id, terminal, scanned_at, method, "
             "staff_id, "
             "override_reason, confirmed_needs, origin, recorded_at) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'local', ?10)")
          .bind(1, r.id)
          .bind(2, r.eventId)
          .bind(3, r.guestId)
          .bind(4, r.terminal)
          .bind(5, toUnixMillis(r.scannedAt))
          .bind(6, toString(r.method))
          .bind(7, r.staffId)
          .bind(8, r.overrideReason)
          .bind(9, dump(toJson(r.confirmedNeeds)))
          .bind(10, toUnixMillis(audit.at))
          .run();
      // One outbox row: central must create the guest before it can take the check-in.
      const Json payload{{"guest", toJson(guest)}, {"checkin", toJson(r)}};
      insertOutbox("walk_in", r.id, r.eventId, dump(payload), audit.at);
      insertAudit(audit);
    });
  });
}

Status LocalStore::commitFeedback(const Feedback& f, const AuditEvent& audit) {
  return guardedStatus("recording feedback", [&] {
    db_->transaction([&] {
      db_->prepare(
             "INSERT INTO feedback (id, event_id, guest_id, terminal, at, kind, rating, category, "
             "text) "
             "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
          .bind(1, f.id)
          .bind(2, f.eventId)
          .bind(3, f.guestId)
          .bind(4, f.terminal)
          .bind(5, toUnixMillis(f.at))
          .bind(6, toString(f.kind))
          .bind(7, f.rating)
          .bind(8, f.category)
          .bind(9, f.text)
          .run();
      const Json payload{{"id", f.id},
                         {"event_id", f.eventId},
                         {"guest_id", f.guestId ? Json(*f.guestId) : Json(nullptr)},
                         {"terminal", f.terminal},
                         {"at", toJson(f.at)},
                         {"kind", toString(f.kind)},
                         {"rating", f.rating ? Json(*f.rating) : Json(nullptr)},
                         {"category", f.category},
                         {"text", f.text}};
      insertOutbox("feedback", f.id, f.eventId, dump(payload), audit.at);
      insertAudit(audit);
    });
  });
}

// --- staff ---

namespace {
StaffMember readStaff(const Statement& s) {
  StaffMember m;
  m.id = s.columnText(0);
  m.name = s.columnText(1);
  m.role = s.columnText(2);
  m.pinHash = s.columnText(3);
  m.badgeHash = s.columnText(4);
  m.active = s.columnInt(5) != 0;
  m.language = s.columnText(6);
  return m;
}
constexpr std::string_view kStaffColumns =
    "staff_id, name, role, pin_hash, badge_hash, active, language";
}  // namespace

Status LocalStore::saveStaff(const StaffMember& m, TimePoint now) {
  return guardedStatus("saving staff member", [&] {
    db_->prepare(
           "INSERT INTO staff (staff_id, name, role, pin_hash, badge_hash, active, updated_at, "
           "language) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(staff_id) DO UPDATE "
           "SET name=?2, role=?3, pin_hash=?4, badge_hash=?5, active=?6, updated_at=?7, "
           "language=?8")
        .bind(1, m.id)
        .bind(2, m.name)
        .bind(3, m.role)
        .bind(4, m.pinHash)
        .bind(5, m.badgeHash)
        .bind(6, m.active)
        .bind(7, toUnixMillis(now))
        .bind(8, m.language)
        .run();
  });
}

Result<std::vector<StaffMember>> LocalStore::listStaff() {
  return guarded("listing staff", [&] {
    std::vector<StaffMember> staff;
    auto s = db_->prepare(sql("SELECT ", kStaffColumns, " FROM staff ORDER BY staff_id"));
    while (s.step()) {
      staff.push_back(readStaff(s));
    }
    return staff;
  });
}

Result<std::optional<StaffMember>> LocalStore::findStaff(std::string_view staffId) {
  return guarded("reading staff member", [&] {
    auto s = db_->prepare(sql("SELECT ", kStaffColumns, " FROM staff WHERE staff_id = ?1"));
    s.bind(1, staffId);
    return s.step() ? std::optional<StaffMember>(readStaff(s)) : std::nullopt;
  });
}

Result<std::optional<StaffMember>> LocalStore::findStaffByBadgeHash(std::string_view badgeHash) {
  return guarded("reading staff member", [&] {
    if (badgeHash.empty()) {
      return std::optional<StaffMember>{};
    }
    auto s = db_->prepare(
        sql("SELECT ", kStaffColumns, " FROM staff WHERE badge_hash = ?1 AND active = 1"));
    s.bind(1, badgeHash);
    return s.step() ? std::optional<StaffMember>(readStaff(s)) : std::nullopt;
  });
}

Result<Guest> LocalStore::commitGuestEdit(const GuestEdit& edit) {
  return guarded("saving the guest's details", [&] {
    return db_->transaction([&] {
      auto s = db_->prepare(
          sql("SELECT ", kGuestColumns, " FROM guests WHERE event_id = ?1 AND guest_id = ?2"));
      s.bind(1, edit.eventId).bind(2, edit.guestId);
      if (!s.step()) {
        throw DatabaseError(ErrorKind::kNotFound, "no such guest");
      }
      Guest g = readGuest(s);
      s.reset();
      if (edit.reason.empty() || edit.staffId.empty()) {
        throw DatabaseError(ErrorKind::kInvalidInput, "an edit needs staff and a reason");
      }
      // Central's limits, checked here too: an edit central would refuse is never queued.
      if (edit.changes.empty() || edit.changes.size() > kMaxGuestEditChanges) {
        throw DatabaseError(
            ErrorKind::kInvalidInput,
            "an edit changes 1 to " + std::to_string(kMaxGuestEditChanges) + " fields");
      }
      for (const auto& change : edit.changes) {
        if (change.value.size() > kMaxGuestFieldBytes) {
          throw DatabaseError(
              ErrorKind::kInvalidInput,
              change.field + ": longer than " + std::to_string(kMaxGuestFieldBytes) + " bytes");
        }
        if (auto why = applyFieldChange(g, change)) {
          throw DatabaseError(ErrorKind::kInvalidInput, change.field + ": " + *why);
        }
      }
      Json transport = Json::array();
      for (const auto& t : g.transport) {
        transport.push_back(toJson(t));
      }
      Json meetings = Json::array();
      for (const auto& m : g.meetings) {
        meetings.push_back(toJson(m));
      }
      // Room, transport and meetings are not search keys: the guest's keys stay as they are.
      db_->prepare(
             "UPDATE guests SET lodging = ?3, transport = ?4, meetings = ?5, updated_at = ?6 "
             "WHERE event_id = ?1 AND guest_id = ?2")
          .bind(1, edit.eventId)
          .bind(2, edit.guestId)
          .bind(3, dump(toJson(g.lodging)))
          .bind(4, dump(transport))
          .bind(5, dump(meetings))
          .bind(6, toUnixMillis(edit.at))
          .run();
      insertOutbox("guest_edit", edit.id, edit.eventId, dump(api::toJson(edit)), edit.at);
      AuditEvent a;
      a.at = edit.at;
      a.terminal = edit.terminal;
      a.actor = "staff:" + edit.staffId;
      a.action = AuditAction::kGuestEdited;
      a.eventId = edit.eventId;
      a.guestId = edit.guestId;
      std::string fields;
      for (const auto& change : edit.changes) {
        fields += (fields.empty() ? "" : ", ") + change.field;
      }
      a.outcome = fields;
      a.reason = edit.reason;
      a.refId = edit.id;
      insertAudit(a);
      return g;
    });
  });
}

Status LocalStore::appendAudit(const AuditEvent& audit) {
  return guardedStatus("writing audit trail", [&] {
    db_->transaction([&] {
      insertAudit(audit);
      if (api::sentToCentral(audit.action)) {
        const auto id = newRecordId(audit.at);
        insertOutbox("audit", id, audit.eventId, dump(api::toJson(id, audit)), audit.at);
      }
    });
  });
}

// --- reports and state ---

Result<std::vector<FeedbackRow>> LocalStore::feedbackReport(EventId eventId) {
  return guarded("listing feedback", [&] {
    std::vector<FeedbackRow> rows;
    auto s = db_->prepare(
        "SELECT f.id, f.event_id, f.guest_id, f.terminal, f.at, f.kind, f.rating, f.category, "
        "f.text, COALESCE(g.booking_code, ''), COALESCE(g.name, '') FROM feedback f "
        "LEFT JOIN guests g "
        "ON g.event_id = f.event_id AND g.guest_id = f.guest_id WHERE f.event_id = ?1 "
        "ORDER BY f.at, f.id");
    s.bind(1, eventId);
    while (s.step()) {
      FeedbackRow r;
      r.feedback = feedbackFromRow(s);
      r.bookingCode = s.columnText(9);
      r.guestName = s.columnText(10);
      rows.push_back(std::move(r));
    }
    return rows;
  });
}

Result<std::vector<ReportRow>> LocalStore::report(EventId eventId) {
  return guarded("building report", [&] {
    std::vector<ReportRow> rows;
    auto s = db_->prepare(
        "SELECT c.scanned_at, c.guest_id, COALESCE(g.booking_code, ''), COALESCE(g.name, ''), "
        "c.terminal, c.method, c.staff_id, c.override_reason, c.needs_changed, c.undone_at, "
        "c.undone_by, c.undo_reason, c.id, c.confirmed_needs, c.previous_needs FROM checkins c "
        "LEFT JOIN guests g "
        "ON g.event_id = c.event_id AND g.guest_id = c.guest_id WHERE c.event_id = ?1");
    s.bind(1, eventId);
    while (s.step()) {
      ReportRow r;
      r.at = fromUnixMillis(s.columnInt(0));
      r.outcome = "accepted";
      r.guestId = static_cast<GuestId>(s.columnInt(1));
      r.bookingCode = s.columnText(2);
      r.guestName = s.columnText(3);
      r.terminal = s.columnText(4);
      r.method = s.columnText(5);
      r.staffId = s.columnText(6);
      r.reason = s.columnText(7);
      r.needsChanged = s.columnInt(8) != 0;
      if (auto undone = s.columnOptionalInt(9)) {
        r.undoneAt = fromUnixMillis(*undone);
      }
      r.undoneBy = s.columnText(10);
      r.undoReason = s.columnText(11);
      r.recordId = s.columnText(12);
      r.confirmedNeeds = needsFromJson(parseJson(s.columnText(13)));
      // Check-ins from before previous_needs was kept have none.
      r.previousNeeds = s.isNull(14) ? SpecialNeeds{} : needsFromJson(parseJson(s.columnText(14)));
      rows.push_back(std::move(r));
    }
    auto rj = db_->prepare(
        "SELECT r.scanned_at, r.outcome, r.guest_id, COALESCE(g.booking_code, ''), "
        "COALESCE(g.name, ''), r.terminal, r.source, r.detail, r.id FROM rejections r "
        "LEFT JOIN guests g ON g.event_id = r.event_id AND g.guest_id = r.guest_id "
        "WHERE r.event_id = ?1");
    rj.bind(1, eventId);
    while (rj.step()) {
      ReportRow r;
      r.at = fromUnixMillis(rj.columnInt(0));
      r.outcome = rj.columnText(1);
      if (auto g = rj.columnOptionalInt(2)) {
        r.guestId = static_cast<GuestId>(*g);
      }
      r.bookingCode = rj.columnText(3);
      r.guestName = rj.columnText(4);
      r.terminal = rj.columnText(5);
      r.method = rj.columnText(6);
      r.reason = rj.columnText(7);
      r.recordId = rj.columnText(8);
      rows.push_back(std::move(r));
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const ReportRow& a, const ReportRow& b) { return a.at < b.at; });
    return rows;
  });
}

Result<std::vector<AuditEvent>> LocalStore::auditTrail(EventId eventId, std::size_t limit) {
  return guarded("reading audit trail", [&] {
    std::vector<AuditEvent> events;
    auto s = db_->prepare(
        "SELECT at, terminal, actor, action, guest_id, outcome, reason, ref_id FROM audit "
        "WHERE event_id = ?1 ORDER BY seq DESC LIMIT ?2");
    s.bind(1, eventId).bind(2, static_cast<std::int64_t>(limit));
    while (s.step()) {
      AuditEvent a;
      a.at = fromUnixMillis(s.columnInt(0));
      a.terminal = s.columnText(1);
      a.actor = s.columnText(2);
      a.action = parseAuditAction(s.columnText(3)).value_or(AuditAction::kCheckin);
      a.eventId = eventId;
      if (auto g = s.columnOptionalInt(4)) {
        a.guestId = static_cast<GuestId>(*g);
      }
      a.outcome = s.columnText(5);
      a.reason = s.columnText(6);
      a.refId = s.columnText(7);
      events.push_back(std::move(a));
    }
    return events;
  });
}

Result<OutboxCounts> LocalStore::outboxCounts() {
  return guarded("reading outbox", [&] {
    OutboxCounts counts;
    auto s = db_->prepare("SELECT COUNT(*), SUM(kind = 'checkin'), MIN(created_at) FROM outbox");
    if (s.step()) {
      counts.total = static_cast<std::size_t>(s.columnInt(0));
      counts.checkins = static_cast<std::size_t>(s.columnInt(1));
      if (auto oldest = s.columnOptionalInt(2)) {
        counts.oldest = fromUnixMillis(*oldest);
      }
    }
    return counts;
  });
}

Result<std::optional<std::string>> LocalStore::setting(std::string_view key) {
  return guarded("reading setting", [&] {
    auto s = db_->prepare("SELECT value FROM settings WHERE key = ?1");
    s.bind(1, key);
    return s.step() ? std::optional<std::string>(s.columnText(0)) : std::nullopt;
  });
}

Status LocalStore::setSetting(std::string_view key, std::string_view value) {
  return guardedStatus("writing setting", [&] {
    db_->prepare(
           "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value "
           "= ?2")
        .bind(1, key)
        .bind(2, value)
        .run();
  });
}

Status LocalStore::saveStaffLockout(const StaffLockoutState& lockout) {
  const Json doc{{"failures", lockout.failures},
                 {"locked_until",
                  lockout.lockedUntil ? Json(toUnixMillis(*lockout.lockedUntil)) : Json(nullptr)}};
  return setSetting("staff_lockout", dump(doc));
}

Result<StaffLockoutState> LocalStore::staffLockout() {
  auto text = setting("staff_lockout");
  if (!text) {
    return text.error();
  }
  StaffLockoutState lockout;
  if (!*text) {
    return lockout;
  }
  try {
    const auto doc = parseJson(**text);
    lockout.failures = doc.at("failures").get<int>();
    if (const auto& until = doc.at("locked_until"); !until.is_null()) {
      lockout.lockedUntil = fromUnixMillis(until.get<std::int64_t>());
    }
  } catch (const std::exception& e) {
    return Error{ErrorKind::kCorrupt, std::string("staff lockout setting: ") + e.what()};
  }
  return lockout;
}

Status LocalStore::recordPrintJob(EventId eventId, const PrintJobRecord& job,
                                  const AuditEvent& audit) {
  return guardedStatus("recording the print job", [&] {
    db_->transaction([&] {
      db_->prepare(
             "INSERT INTO print_jobs (id, event_id, guest_id, checkin_id, reprint, state, "
             "printer, detail, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
             "?9, ?9)")
          .bind(1, job.id)
          .bind(2, eventId)
          .bind(3, job.guestId)
          .bind(4, job.badgeId)
          .bind(5, job.reprint)
          .bind(6, job.state)
          .bind(7, job.printer)
          .bind(8, job.requestedBy)
          .bind(9, toUnixMillis(job.at))
          .run();
      insertAudit(audit);
    });
  });
}

Result<int> LocalStore::countSelfReprints(EventId eventId, GuestId guestId) {
  return guarded("counting the guest's reprints", [&] {
    auto s = db_->prepare(
        "SELECT COUNT(*) FROM print_jobs WHERE event_id = ?1 AND guest_id = ?2 AND reprint = 1 "
        "AND detail = 'guest' AND state = 'completed'");
    s.bind(1, eventId).bind(2, guestId);
    return s.step() ? static_cast<int>(s.columnInt(0)) : 0;
  });
}

Result<PurgeStats> LocalStore::purgeExpired(TimePoint now, std::string_view terminal) {
  return purgeExpired(now, terminal, PurgeOptions{});
}

Result<PurgeStats> LocalStore::purgeExpired(TimePoint now, std::string_view terminal,
                                            const PurgeOptions& options) {
  return guarded("purging expired guest data", [&] {
    PurgeStats stats;
    std::vector<std::pair<EventId, std::vector<std::string>>> purged;
    db_->transaction([&] {
      // ?2: the terminal's retention period in days for every event, NULL: each event's own.
      auto due = db_->prepare(
          "SELECT id, COALESCE(?2, retention_days) FROM events WHERE purged_at IS NULL AND "
          "ends_at + COALESCE(?2, retention_days) * 86400000 < ?1");
      due.bind(1, toUnixMillis(now));
      if (options.retentionDays) {
        due.bind(2, static_cast<std::int64_t>(*options.retentionDays));
      } else {
        due.bindNull(2);
      }
      std::vector<std::pair<EventId, std::int64_t>> events;
      while (due.step()) {
        events.emplace_back(static_cast<EventId>(due.columnInt(0)), due.columnInt(1));
      }
      for (const auto& row : events) {
        // Named copies, not structured bindings: clang 14 cannot capture those in a lambda.
        const EventId id = row.first;
        const std::int64_t days = row.second;
        std::vector<std::string> photoPaths;
        {
          auto p = db_->prepare("SELECT path FROM photos WHERE event_id = ?1");
          p.bind(1, id);
          while (p.step()) {
            photoPaths.push_back(p.columnText(0));
          }
        }
        auto count = [&](const char* statement) {
          db_->prepare(statement).bind(1, id).run();
          return static_cast<std::size_t>(db_->changes());
        };
        stats.guests += count("DELETE FROM guests WHERE event_id = ?1");
        count("DELETE FROM guest_search WHERE event_id = ?1");
        count("DELETE FROM photos WHERE event_id = ?1");
        count(
            "UPDATE checkins SET confirmed_needs = '{}', previous_needs = NULL WHERE event_id = "
            "?1");
        count("UPDATE feedback SET text = '' WHERE event_id = ?1");
        count("DELETE FROM print_jobs WHERE event_id = ?1");
        const std::size_t dropped = count("DELETE FROM outbox WHERE event_id = ?1");
        stats.outboxDropped += dropped;
        db_->prepare("UPDATE events SET purged_at = ?2, wifi_password = '' WHERE id = ?1")
            .bind(1, id)
            .bind(2, toUnixMillis(now))
            .run();
        AuditEvent a;
        a.at = now;
        a.terminal = std::string(terminal);
        a.actor = "retention";
        a.action = AuditAction::kRetentionPurge;
        a.eventId = id;
        a.reason = "retention period over (" + std::to_string(days) + " days after the event" +
                   (options.retentionDays ? ", terminal setting" : "") +
                   "); unsent records dropped: " + std::to_string(dropped);
        insertAudit(a);
        ++stats.events;
        purged.emplace_back(id, std::move(photoPaths));
      }
    });
    // Files go after the commit: a crash in between leaves files whose rows are gone,
    // which the folder sweep below finds by name on this run or the next one.
    for (const auto& [id, paths] : purged) {
      for (const auto& path : paths) {
        std::error_code ec;
        if (std::filesystem::remove(path, ec)) {
          ++stats.photos;
        }
      }
    }
    stats.files = removeFilesOfPurgedEvents(options.fileFolders);
    return stats;
  });
}

std::size_t LocalStore::removeFilesOfPurgedEvents(const std::vector<std::string>& folders) {
  namespace fs = std::filesystem;
  if (folders.empty()) {
    return 0;
  }
  {
    auto any = db_->prepare("SELECT 1 FROM events WHERE purged_at IS NOT NULL LIMIT 1");
    if (!any.step()) {
      return 0;  // nothing was ever purged: no file can belong to a purged event
    }
  }
  // The check-in id a file is named after: "<id>.jpg", "<id>.jpg.tmp" (photos),
  // "<id>-<attempt>.pdf", "<id>-<attempt>.pdf.part" (badge PDFs).
  const auto checkinIdOf = [](std::string name) -> std::string {
    for (const std::string_view suffix : {".tmp", ".part"}) {
      if (name.size() > suffix.size() && name.ends_with(suffix)) {
        name.resize(name.size() - suffix.size());
      }
    }
    if (name.ends_with(".jpg")) {
      return name.substr(0, name.size() - 4);
    }
    if (name.ends_with(".pdf")) {
      name.resize(name.size() - 4);
      const auto dash = name.rfind('-');
      if (dash != std::string::npos && dash + 1 < name.size() &&
          name.find_first_not_of("0123456789", dash + 1) == std::string::npos) {
        return name.substr(0, dash);
      }
    }
    return {};
  };
  auto ofPurged = db_->prepare(
      "SELECT 1 FROM checkins c JOIN events e ON e.id = c.event_id "
      "WHERE c.id = ?1 AND e.purged_at IS NOT NULL");
  std::size_t removed = 0;
  for (const auto& folder : folders) {
    std::error_code ec;
    std::vector<fs::path> doomed;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code typeEc;
      if (!it->is_regular_file(typeEc)) {
        continue;
      }
      const std::string id = checkinIdOf(it->path().filename().string());
      if (id.empty()) {
        continue;
      }
      ofPurged.reset();
      ofPurged.bind(1, id);
      if (ofPurged.step()) {
        doomed.push_back(it->path());
      }
    }
    for (const auto& path : doomed) {
      std::error_code removeEc;
      if (fs::remove(path, removeEc)) {
        ++removed;
      }
    }
  }
  return removed;
}

}  // namespace kiosk::cache
