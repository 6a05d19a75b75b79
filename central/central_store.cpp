#include "central/central_store.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "central/console/console_schema.h"
#include "central/record_checks.h"
#include "kiosk/admin/event_choice.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/ids.h"
#include "offline-cache/migration_runner.h"
#include "offline-cache/record_rows.h"

namespace kiosk::central {

using cache::Database;
using cache::DatabaseError;
using cache::dump;
using cache::guarded;
using cache::guardedStatus;
using cache::Json;
using cache::parseJson;
using cache::Statement;
using cache::toJson;

namespace {

constexpr std::string_view kSchema1 = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE events (
  id          INTEGER PRIMARY KEY,
  doc         TEXT NOT NULL,
  webhook_url TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL
);

CREATE TABLE signing_keys (
  event_id   INTEGER NOT NULL REFERENCES events(id),
  key_id     INTEGER NOT NULL,
  public_key BLOB NOT NULL,
  secret_key BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (event_id, key_id)
) WITHOUT ROWID;

CREATE TABLE guests (
  event_id     INTEGER NOT NULL REFERENCES events(id),
  guest_id     INTEGER NOT NULL,
  booking_code TEXT NOT NULL,
  doc          TEXT NOT NULL,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (event_id, guest_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX guests_by_code ON guests(event_id, booking_code);

CREATE TABLE revocations (
  event_id   INTEGER NOT NULL,
  token_id   TEXT NOT NULL,
  reason     TEXT NOT NULL DEFAULT '',
  revoked_at INTEGER NOT NULL,
  PRIMARY KEY (event_id, token_id)
) WITHOUT ROWID;

CREATE TABLE staff (
  staff_id   TEXT PRIMARY KEY,
  doc        TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE badge_templates (
  name       TEXT PRIMARY KEY,
  toml       TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE devices (
  id               TEXT PRIMARY KEY,
  terminal         TEXT NOT NULL,
  event_id         INTEGER NOT NULL,
  token_hash       TEXT NOT NULL UNIQUE,
  token_expires_at INTEGER NOT NULL,
  enrolled_at      INTEGER NOT NULL,
  revoked_at       INTEGER,
  revoke_reason    TEXT NOT NULL DEFAULT '',
  last_seen_at     INTEGER,
  last_address     TEXT NOT NULL DEFAULT '',
  version          TEXT NOT NULL DEFAULT '',
  health           TEXT NOT NULL DEFAULT '{}'
) WITHOUT ROWID;

CREATE TABLE enrollment_codes (
  code_hash  TEXT PRIMARY KEY,
  terminal   TEXT NOT NULL,
  event_id   INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER,
  device_id  TEXT
) WITHOUT ROWID;

-- Facts from terminals. `doc` is the record as pushed (json_codec form).
CREATE TABLE checkins (
  id            TEXT PRIMARY KEY,
  event_id      INTEGER NOT NULL,
  guest_id      INTEGER NOT NULL,
  terminal      TEXT NOT NULL,
  device_id     TEXT NOT NULL,
  scanned_at    INTEGER NOT NULL,
  method        TEXT NOT NULL,
  doc           TEXT NOT NULL,
  undone_at     INTEGER,
  flagged       INTEGER NOT NULL DEFAULT 0,
  unknown_guest INTEGER NOT NULL DEFAULT 0,
  received_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX checkins_by_guest ON checkins(event_id, guest_id, scanned_at);

-- Undos as received; `applied` = 0 while the check-in has not arrived yet.
CREATE TABLE undos (
  checkin_id  TEXT PRIMARY KEY,
  event_id    INTEGER NOT NULL,
  doc         TEXT NOT NULL,
  device_id   TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  applied     INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE walk_ins (
  checkin_id    TEXT PRIMARY KEY,
  event_id      INTEGER NOT NULL,
  guest_id      INTEGER NOT NULL,
  device_id     TEXT NOT NULL,
  guest_created INTEGER NOT NULL,
  received_at   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE rejections (
  id          TEXT PRIMARY KEY,
  event_id    INTEGER NOT NULL,
  guest_id    INTEGER,
  terminal    TEXT NOT NULL,
  device_id   TEXT NOT NULL,
  scanned_at  INTEGER NOT NULL,
  outcome     TEXT NOT NULL,
  doc         TEXT NOT NULL,
  received_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE feedback (
  id          TEXT PRIMARY KEY,
  event_id    INTEGER NOT NULL,
  guest_id    INTEGER,
  terminal    TEXT NOT NULL,
  device_id   TEXT NOT NULL,
  at          INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  rating      INTEGER,
  category    TEXT NOT NULL DEFAULT '',
  text        TEXT NOT NULL DEFAULT '',
  received_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE arrival_notices (
  id              TEXT PRIMARY KEY,
  event_id        INTEGER NOT NULL,
  checkin_id      TEXT NOT NULL,
  guest_id        INTEGER NOT NULL,
  doc             TEXT NOT NULL,
  device_id       TEXT NOT NULL,
  received_at     INTEGER NOT NULL,
  delivered_at    INTEGER,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX arrival_notices_due ON arrival_notices(delivered_at, next_attempt_at);

CREATE TABLE webhook_deliveries (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  notice_id    TEXT NOT NULL,
  url          TEXT NOT NULL,
  attempted_at INTEGER NOT NULL,
  http_status  INTEGER NOT NULL DEFAULT 0,
  error        TEXT NOT NULL DEFAULT '',
  duration_ms  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE photos (
  checkin_id   TEXT PRIMARY KEY,
  event_id     INTEGER NOT NULL,
  device_id    TEXT NOT NULL,
  content_type TEXT NOT NULL,
  data         BLOB NOT NULL,
  received_at  INTEGER NOT NULL
) WITHOUT ROWID;

-- What terminals pull: the newest wire form of every object, ordered by a sequence that
-- only grows (an object moves to the end when it changes). event_id 0 = site-wide.
CREATE TABLE feed (
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id INTEGER NOT NULL,
  kind     TEXT NOT NULL,
  key      TEXT NOT NULL,
  doc      TEXT NOT NULL
);
CREATE UNIQUE INDEX feed_by_key ON feed(kind, key);
)sql";

// Version 2: terminals are peers, not friends.
// - order_at: the time that decides which check-in is a guest's admission: the terminal's
//   scan time when it is plausible, central's receive time when it is not (skewed = 1).
// - sent_doc: the record as first accepted (undo fields cleared): a re-sent id with
//   other content is a conflict, not a repeat.
// - staff.event_id: the event a staff member works at (0 = every event); a terminal
//   pulls only its event's staff.
// - conflicts: records central refused because their id was already taken by another
//   record, kept for staff to see (`kiosk-central conflicts`).
constexpr std::string_view kSchema2 = R"sql(
ALTER TABLE checkins ADD COLUMN order_at INTEGER;
ALTER TABLE checkins ADD COLUMN skewed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE checkins ADD COLUMN sent_doc TEXT;
UPDATE checkins SET order_at = scanned_at;
DROP INDEX checkins_by_guest;
CREATE INDEX checkins_by_guest ON checkins(event_id, guest_id, order_at);

ALTER TABLE staff ADD COLUMN event_id INTEGER NOT NULL DEFAULT 0;
UPDATE feed SET event_id = 0 WHERE kind = 'staff';

CREATE TABLE conflicts (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  kind        TEXT NOT NULL,
  record_id   TEXT NOT NULL,
  event_id    INTEGER NOT NULL,
  device_id   TEXT NOT NULL,
  terminal    TEXT NOT NULL,
  reason      TEXT NOT NULL,
  doc         TEXT NOT NULL,
  received_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX conflicts_once ON conflicts(kind, record_id, device_id, doc);
)sql";

// Version 3: an unknown lodging date is null on the wire, never "" (docs/api/openapi.yaml
// says `format: date`). Guests stored before are rewritten, so that a terminal pulls the
// contract's form and re-importing a list does not see every guest as changed. (Text
// replacement is exact here: docs are json_codec's dump(), and a quote inside a string
// value is escaped, so the pattern only matches the field itself.)
constexpr std::string_view kSchema3 = R"sql(
UPDATE guests SET doc = replace(replace(doc, '"checkin_date":""', '"checkin_date":null'),
                                '"checkout_date":""', '"checkout_date":null');
UPDATE feed SET doc = replace(replace(doc, '"checkin_date":""', '"checkin_date":null'),
                              '"checkout_date":""', '"checkout_date":null')
  WHERE kind = 'guests';
)sql";

// Version 4, revocation rules (README, "Guest codes"): the guest a revoked code was
// issued to, when known (their booking code is refused too), and retired signing keys.
constexpr std::string_view kSchema4 = R"sql(
ALTER TABLE revocations ADD COLUMN guest_id INTEGER;
ALTER TABLE signing_keys ADD COLUMN retired_at INTEGER;
)sql";

// Version 5: audit rows terminals send because central must see them (api::sentToCentral:
// a staff PIN lockout), listed by `kiosk-central audit`.
constexpr std::string_view kSchema5 = R"sql(
CREATE TABLE audit (
  id          TEXT PRIMARY KEY,
  event_id    INTEGER NOT NULL,
  terminal    TEXT NOT NULL,
  device_id   TEXT NOT NULL,
  at          INTEGER NOT NULL,
  action      TEXT NOT NULL,
  doc         TEXT NOT NULL,
  received_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX audit_by_event ON audit(event_id, at);
)sql";

// Version 6: a check-in id is a terminal's id within its event, not across central. Keyed
// by id alone, a terminal of event B could push a check-in under an id that event A's
// terminal would use next, and A's genuine record was then refused as a conflict. The
// check-ins and the records that name a check-in (undos, walk-ins, photos) are keyed by
// (event_id, id), and a check-in's feed key carries its event like a guest's does.
constexpr std::string_view kSchema6 = R"sql(
CREATE TABLE checkins_by_event (
  id            TEXT NOT NULL,
  event_id      INTEGER NOT NULL,
  guest_id      INTEGER NOT NULL,
  terminal      TEXT NOT NULL,
  device_id     TEXT NOT NULL,
  scanned_at    INTEGER NOT NULL,
  method        TEXT NOT NULL,
  doc           TEXT NOT NULL,
  undone_at     INTEGER,
  flagged       INTEGER NOT NULL DEFAULT 0,
  unknown_guest INTEGER NOT NULL DEFAULT 0,
  received_at   INTEGER NOT NULL,
  order_at      INTEGER,
  skewed        INTEGER NOT NULL DEFAULT 0,
  sent_doc      TEXT,
  PRIMARY KEY (event_id, id)
) WITHOUT ROWID;
INSERT INTO checkins_by_event (id, event_id, guest_id, terminal, device_id, scanned_at, method,
                               doc, undone_at, flagged, unknown_guest, received_at, order_at,
                               skewed, sent_doc)
  SELECT id, event_id, guest_id, terminal, device_id, scanned_at, method, doc, undone_at,
         flagged, unknown_guest, received_at, order_at, skewed, sent_doc FROM checkins;
DROP TABLE checkins;
ALTER TABLE checkins_by_event RENAME TO checkins;
CREATE INDEX checkins_by_guest ON checkins(event_id, guest_id, order_at);

CREATE TABLE undos_by_event (
  checkin_id  TEXT NOT NULL,
  event_id    INTEGER NOT NULL,
  doc         TEXT NOT NULL,
  device_id   TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  applied     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (event_id, checkin_id)
) WITHOUT ROWID;
INSERT INTO undos_by_event (checkin_id, event_id, doc, device_id, received_at, applied)
  SELECT checkin_id, event_id, doc, device_id, received_at, applied FROM undos;
DROP TABLE undos;
ALTER TABLE undos_by_event RENAME TO undos;
CREATE INDEX undos_pending ON undos(device_id, applied);

CREATE TABLE walk_ins_by_event (
  checkin_id    TEXT NOT NULL,
  event_id      INTEGER NOT NULL,
  guest_id      INTEGER NOT NULL,
  device_id     TEXT NOT NULL,
  guest_created INTEGER NOT NULL,
  received_at   INTEGER NOT NULL,
  PRIMARY KEY (event_id, checkin_id)
) WITHOUT ROWID;
INSERT INTO walk_ins_by_event (checkin_id, event_id, guest_id, device_id, guest_created,
                               received_at)
  SELECT checkin_id, event_id, guest_id, device_id, guest_created, received_at FROM walk_ins;
DROP TABLE walk_ins;
ALTER TABLE walk_ins_by_event RENAME TO walk_ins;

CREATE TABLE photos_by_event (
  checkin_id   TEXT NOT NULL,
  event_id     INTEGER NOT NULL,
  device_id    TEXT NOT NULL,
  content_type TEXT NOT NULL,
  data         BLOB NOT NULL,
  received_at  INTEGER NOT NULL,
  PRIMARY KEY (event_id, checkin_id)
) WITHOUT ROWID;
INSERT INTO photos_by_event (checkin_id, event_id, device_id, content_type, data, received_at)
  SELECT checkin_id, event_id, device_id, content_type, data, received_at FROM photos;
DROP TABLE photos;
ALTER TABLE photos_by_event RENAME TO photos;

UPDATE feed SET key = event_id || ':' || key WHERE kind = 'checkins';
)sql";

// Version 7: staff edits of a guest's room, transport and meeting fields pushed by
// terminals (kind "guest_edit"), as received: a re-sent id is a repeat or a conflict
// within its event (ids are a terminal's, like check-in ids since version 6).
// The edit itself is applied to `guests` (and fed) when received.
constexpr std::string_view kSchema7 = R"sql(
CREATE TABLE guest_edits (
  id          TEXT NOT NULL,
  event_id    INTEGER NOT NULL,
  guest_id    INTEGER NOT NULL,
  device_id   TEXT NOT NULL,
  terminal    TEXT NOT NULL,
  staff_id    TEXT NOT NULL,
  doc         TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (event_id, id)
) WITHOUT ROWID;
CREATE INDEX guest_edits_by_guest ON guest_edits(event_id, guest_id, received_at);
)sql";

// Version 8: a staff member's language (BCP-47, "" = the terminal's default). Staff are
// stored as their wire documents: the ones saved before gain the field, in the feed too, so
// every staff record central serves has the contract's shape.
constexpr std::string_view kSchema8 = R"sql(
UPDATE staff SET doc = json_set(doc, '$.language', '')
  WHERE json_type(doc, '$.language') IS NULL;
UPDATE feed SET doc = json_set(doc, '$.language', '')
  WHERE kind = 'staff' AND json_type(doc, '$.language') IS NULL;
)sql";

// Version 9: the reception console's accounts, sessions and audit (central/console).
constexpr std::array<std::string_view, 9> kSchema{kSchema1, kSchema2, kSchema3,
                                                  kSchema4, kSchema5, kSchema6,
                                                  kSchema7, kSchema8, console::kConsoleSchema};

Status migrateCentral(Database& db) {
  if (auto migrated = cache::runMigrations(db, kSchema, "kiosk-central"); !migrated) {
    return migrated;
  }
  return guardedStatus("migrating " + db.path(), [&] {
    db.transaction([&] {
      auto s = db.prepare("SELECT value FROM meta WHERE key = 'database_id'");
      if (!s.step()) {
        db.prepare("INSERT INTO meta (key, value) VALUES ('database_id', ?1)")
            .bind(1, randomCode(10))
            .run();
      }
    });
  });
}

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

// A check-in id is unique within its event only (schema version 6).
std::string checkinFeedKey(EventId eventId, std::string_view id) {
  return std::to_string(eventId) + ":" + std::string(id);
}

std::string feedCheckinDoc(const std::string& doc, bool flagged) {
  // doc is a dumped JSON object: splice the flag in without a parse.
  return std::string("{\"flagged\":") + (flagged ? "true" : "false") + (doc.size() > 2 ? "," : "") +
         doc.substr(1);
}

template <std::size_t N>
std::array<std::uint8_t, N> blobArray(const std::vector<std::uint8_t>& blob, const char* what) {
  if (blob.size() != N) {
    throw DatabaseError(ErrorKind::kCorrupt, std::string("stored ") + what + " has a bad size");
  }
  std::array<std::uint8_t, N> out{};
  std::copy(blob.begin(), blob.end(), out.begin());
  return out;
}

Device readDevice(const Statement& s) {
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

constexpr std::string_view kDeviceColumns =
    "id, terminal, event_id, enrolled_at, token_expires_at, revoked_at, revoke_reason, "
    "last_seen_at, last_address, version, health";

std::string cat(std::string_view a, std::string_view b, std::string_view c = {}) {
  std::string out(a);
  out += b;
  out += c;
  return out;
}

// The id a malformed item is answered under: whatever id-like field it has.
std::string itemId(const Json& item, const api::PushRoute& route) {
  try {
    if (!item.is_object()) {
      return {};
    }
    if (route.kind == "undo") {
      return item.value("checkin_id", std::string());
    }
    if (route.kind == "walk_in") {
      auto it = item.find("checkin");
      return it != item.end() && it->is_object() ? it->value("id", std::string()) : std::string();
    }
    return item.value("id", std::string());
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace

CentralStore::CentralStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
CentralStore::~CentralStore() = default;

Result<std::unique_ptr<CentralStore>> CentralStore::open(const std::string& path,
                                                         const cache::OpenOptions& options) {
  auto db = Database::open(path, options);
  if (!db) {
    return db.error();
  }
  if (!options.readOnly) {
    if (auto migrated = migrateCentral(**db); !migrated) {
      return migrated.error();
    }
  }
  try {
    // Pulls scan the feed sequentially; mmap spares a copy per page read.
    (*db)->exec("PRAGMA cache_size = -32768");
    (*db)->exec("PRAGMA mmap_size = 1073741824");
  } catch (const DatabaseError& e) {
    return makeError(e.kind(), std::string("configuring ") + path + ": " + e.what());
  }
  return std::unique_ptr<CentralStore>(new CentralStore(std::move(*db)));
}

std::string CentralStore::databaseId() {
  if (databaseId_.empty()) {
    auto s = db_->prepare("SELECT value FROM meta WHERE key = 'database_id'");
    databaseId_ = s.step() ? s.columnText(0) : "none";
  }
  return databaseId_;
}

void CentralStore::putFeed(EventId eventId, std::string_view kind, std::string_view key,
                           const std::string& doc) {
  // REPLACE deletes the old row and inserts one with a new, larger sequence number.
  db_->prepare("INSERT OR REPLACE INTO feed (event_id, kind, key, doc) VALUES (?1, ?2, ?3, ?4)")
      .bind(1, eventId)
      .bind(2, kind)
      .bind(3, key)
      .bind(4, doc)
      .run();
}

// --- events, keys, roster ---

Status CentralStore::createEvent(const Event& event, const SigningKey& key,
                                 const std::string& webhookUrl, TimePoint now) {
  return guardedStatus("creating the event", [&] {
    if (!key.secretKey) {
      throw std::invalid_argument("the event's first key needs its secret half");
    }
    db_->transaction([&] {
      const auto doc = dump(toJson(event));
      db_->prepare("INSERT INTO events (id, doc, webhook_url, created_at) VALUES (?1, ?2, ?3, ?4)")
          .bind(1, event.id)
          .bind(2, doc)
          .bind(3, webhookUrl)
          .bind(4, toUnixMillis(now))
          .run();
      putFeed(event.id, "events", std::to_string(event.id), doc);
      db_->prepare(
             "INSERT INTO signing_keys (event_id, key_id, public_key, secret_key, created_at) "
             "VALUES (?1, ?2, ?3, ?4, ?5)")
          .bind(1, event.id)
          .bind(2, static_cast<int>(key.id))
          .bindBlob(3, key.publicKey)
          .bindBlob(4, *key.secretKey)
          .bind(5, toUnixMillis(key.createdAt))
          .run();
      putFeed(event.id, "signing_keys", std::to_string(event.id) + ":" + std::to_string(key.id),
              dump(toJson(key, false)));
    });
  });
}

Result<std::vector<Event>> CentralStore::listEvents() {
  return guarded("listing events", [&] {
    std::vector<Event> events;
    auto s = db_->prepare("SELECT doc FROM events ORDER BY id");
    while (s.step()) {
      events.push_back(cache::eventFromJson(parseJson(s.columnText(0))));
    }
    return events;
  });
}

Result<Event> CentralStore::resolveEvent(std::optional<EventId> id) {
  auto events = listEvents();
  if (!events) {
    return events.error();
  }
  return admin::chooseEvent(*events, id, db_->path(), "kiosk-central event create");
}

Status CentralStore::setWebhook(EventId eventId, const std::string& url) {
  return guardedStatus("setting the webhook", [&] {
    db_->prepare("UPDATE events SET webhook_url = ?2 WHERE id = ?1")
        .bind(1, eventId)
        .bind(2, url)
        .run();
    if (db_->changes() != 1) {
      throw DatabaseError(ErrorKind::kNotFound, "no event " + std::to_string(eventId));
    }
  });
}

Result<std::string> CentralStore::webhookUrl(EventId eventId) {
  return guarded("reading the webhook", [&] {
    auto s = db_->prepare("SELECT webhook_url FROM events WHERE id = ?1");
    s.bind(1, eventId);
    return s.step() ? s.columnText(0) : std::string();
  });
}

Result<std::vector<SigningKey>> CentralStore::signingKeys(EventId eventId) {
  return guarded("reading signing keys", [&] {
    std::vector<SigningKey> keys;
    auto s = db_->prepare(
        "SELECT key_id, public_key, secret_key, created_at, retired_at FROM signing_keys "
        "WHERE event_id = ?1 ORDER BY key_id");
    s.bind(1, eventId);
    while (s.step()) {
      SigningKey k;
      k.eventId = eventId;
      k.id = static_cast<KeyId>(s.columnInt(0));
      k.publicKey = blobArray<32>(s.columnBlob(1), "public key");
      k.secretKey = blobArray<64>(s.columnBlob(2), "secret key");
      k.createdAt = fromUnixMillis(s.columnInt(3));
      if (!s.isNull(4)) {
        k.retiredAt = fromUnixMillis(s.columnInt(4));
      }
      keys.push_back(k);
    }
    return keys;
  });
}

Result<std::optional<SigningKey>> CentralStore::issuingKey(EventId eventId) {
  auto keys = signingKeys(eventId);
  if (!keys) {
    return keys.error();
  }
  for (auto k = keys->rbegin(); k != keys->rend(); ++k) {
    if (!k->retiredAt) {
      return std::optional<SigningKey>{*k};
    }
  }
  return std::optional<SigningKey>{};
}

Status CentralStore::retireKey(EventId eventId, KeyId keyId, TimePoint now) {
  return guardedStatus("retiring the key", [&] {
    db_->transaction([&] {
      db_->prepare(
             "UPDATE signing_keys SET retired_at = ?3 WHERE event_id = ?1 AND key_id = ?2 AND "
             "retired_at IS NULL")
          .bind(1, eventId)
          .bind(2, static_cast<int>(keyId))
          .bind(3, toUnixMillis(now))
          .run();
      if (db_->changes() == 0) {
        return;
      }
      // Terminals learn it from the feed, as they learnt the key.
      auto keys = signingKeys(eventId);
      if (!keys) {
        throw DatabaseError(keys.error().kind, keys.error().message);
      }
      for (const auto& k : *keys) {
        if (k.id == keyId) {
          putFeed(eventId, "signing_keys", std::to_string(eventId) + ":" + std::to_string(k.id),
                  dump(toJson(k, false)));
        }
      }
    });
  });
}

Result<SigningKey> CentralStore::rotateKey(EventId eventId, TimePoint now) {
  return guarded("adding a signing key", [&] {
    return db_->transaction([&] {
      auto s =
          db_->prepare("SELECT COALESCE(MAX(key_id), 0) + 1 FROM signing_keys WHERE event_id = ?1");
      s.bind(1, eventId);
      const auto next = s.step() ? s.columnInt(0) : 1;
      s.reset();
      if (next > 0xffff) {
        throw std::invalid_argument("no key ids left");
      }
      auto key = generateSigningKey(eventId, static_cast<KeyId>(next), now);
      db_->prepare(
             "INSERT INTO signing_keys (event_id, key_id, public_key, secret_key, created_at) "
             "VALUES (?1, ?2, ?3, ?4, ?5)")
          .bind(1, eventId)
          .bind(2, static_cast<int>(key.id))
          .bindBlob(3, key.publicKey)
          .bindBlob(4, *key.secretKey)
          .bind(5, toUnixMillis(key.createdAt))
          .run();
      putFeed(eventId, "signing_keys", std::to_string(eventId) + ":" + std::to_string(key.id),
              dump(toJson(key, false)));
      return key;
    });
  });
}

void CentralStore::upsertGuest(EventId eventId, const Guest& g, TimePoint now) {
  const auto doc = dump(toJson(g));
  // Unchanged guests are not re-fed: re-importing a list must not make every terminal
  // download it again.
  db_->prepare(
         "INSERT INTO guests (event_id, guest_id, booking_code, doc, updated_at) VALUES (?1, ?2, "
         "?3, ?4, ?5) ON CONFLICT(event_id, guest_id) DO UPDATE SET booking_code = ?3, doc = ?4, "
         "updated_at = ?5 WHERE guests.doc != ?4")
      .bind(1, eventId)
      .bind(2, g.id)
      .bind(3, g.bookingCode)
      .bind(4, doc)
      .bind(5, toUnixMillis(now))
      .run();
  if (db_->changes() > 0) {
    putFeed(eventId, "guests", std::to_string(eventId) + ":" + std::to_string(g.id), doc);
  }
}

Result<std::vector<Guest>> CentralStore::upsertGuests(EventId eventId, std::vector<Guest> guests,
                                                      TimePoint now) {
  return guarded("saving guests", [&] {
    return db_->transaction([&] {
      std::int64_t nextId = 1;
      {
        // Walk-in ids (top bit set) are the terminals'; central counts below them.
        auto s = db_->prepare(
            "SELECT COALESCE(MAX(guest_id), 0) + 1 FROM guests WHERE event_id = ?1 AND guest_id < "
            "2147483648");
        s.bind(1, eventId);
        if (s.step()) {
          nextId = s.columnInt(0);
        }
      }
      for (auto& g : guests) {
        g.eventId = eventId;
        if (g.id == 0) {
          auto s =
              db_->prepare("SELECT guest_id FROM guests WHERE event_id = ?1 AND booking_code = ?2");
          s.bind(1, eventId).bind(2, g.bookingCode);
          g.id = s.step() ? static_cast<GuestId>(s.columnInt(0)) : static_cast<GuestId>(nextId++);
        }
        upsertGuest(eventId, g, now);
      }
      return guests;
    });
  });
}

Result<std::vector<Guest>> CentralStore::listGuests(EventId eventId) {
  return guarded("listing guests", [&] {
    std::vector<Guest> guests;
    auto s = db_->prepare("SELECT doc FROM guests WHERE event_id = ?1 ORDER BY guest_id");
    s.bind(1, eventId);
    while (s.step()) {
      guests.push_back(cache::guestFromJson(parseJson(s.columnText(0))));
    }
    return guests;
  });
}

Result<std::optional<Guest>> CentralStore::findGuestByBookingCode(EventId eventId,
                                                                  std::string_view code) {
  return guarded("reading guest", [&] {
    auto s = db_->prepare("SELECT doc FROM guests WHERE event_id = ?1 AND booking_code = ?2");
    s.bind(1, eventId).bind(2, code);
    return s.step() ? std::optional<Guest>(cache::guestFromJson(parseJson(s.columnText(0))))
                    : std::nullopt;
  });
}

Status CentralStore::revokeToken(EventId eventId, std::string_view tokenId, std::string_view reason,
                                 TimePoint now, std::optional<GuestId> guestId) {
  return guardedStatus("revoking the code", [&] {
    db_->transaction([&] {
      auto insert = db_->prepare(
          "INSERT INTO revocations (event_id, token_id, reason, revoked_at, guest_id) VALUES (?1, "
          "?2, ?3, ?4, ?5) ON CONFLICT(event_id, token_id) DO NOTHING");
      insert.bind(1, eventId).bind(2, tokenId).bind(3, reason).bind(4, toUnixMillis(now));
      if (guestId) {
        insert.bind(5, *guestId);
      } else {
        insert.bindNull(5);
      }
      insert.run();
      if (db_->changes() > 0) {
        api::Revocation r{eventId, std::string(tokenId), std::string(reason), now, guestId};
        putFeed(eventId, "revocations", std::to_string(eventId) + ":" + std::string(tokenId),
                dump(api::toJson(r)));
      }
    });
  });
}

Result<bool> CentralStore::isTokenRevoked(EventId eventId, std::string_view tokenId) {
  return guarded("reading the revocation list", [&] {
    auto s = db_->prepare("SELECT 1 FROM revocations WHERE event_id = ?1 AND token_id = ?2");
    s.bind(1, eventId).bind(2, tokenId);
    return s.step();
  });
}

Status CentralStore::saveStaff(const StaffMember& m, TimePoint now, EventId eventId) {
  return guardedStatus("saving the staff member", [&] {
    try {
      checks::requireText("staff id", m.id, checks::kMaxNameBytes);
      checks::requireText("staff name", m.name, checks::kMaxNameBytes * 2);
      if (m.id.empty()) {
        throw std::invalid_argument("a staff member needs an id");
      }
      if (auto language = parseStaffLanguage(m.language); !language) {
        throw std::invalid_argument(language.error().message);
      }
    } catch (const std::invalid_argument& e) {
      throw DatabaseError(ErrorKind::kInvalidInput, e.what());
    }
    db_->transaction([&] {
      if (eventId != 0) {
        auto s = db_->prepare("SELECT 1 FROM events WHERE id = ?1");
        s.bind(1, eventId);
        if (!s.step()) {
          throw DatabaseError(ErrorKind::kNotFound, "no event " + std::to_string(eventId));
        }
      }
      const auto doc = dump(api::toJson(m));
      db_->prepare(
             "INSERT INTO staff (staff_id, doc, updated_at, event_id) VALUES (?1, ?2, ?3, ?4) ON "
             "CONFLICT(staff_id) DO UPDATE SET doc = ?2, updated_at = ?3, event_id = ?4")
          .bind(1, m.id)
          .bind(2, doc)
          .bind(3, toUnixMillis(now))
          .bind(4, eventId)
          .run();
      // Only the terminals of the member's event pull the member (and the PIN hash).
      putFeed(eventId, "staff", m.id, doc);
    });
  });
}

Result<std::vector<StaffMember>> CentralStore::listStaff() {
  auto rows = listStaffWithEvents();
  if (!rows) {
    return rows.error();
  }
  std::vector<StaffMember> staff;
  for (auto& [member, eventId] : *rows) {
    staff.push_back(std::move(member));
  }
  return staff;
}

Result<std::vector<std::pair<StaffMember, EventId>>> CentralStore::listStaffWithEvents() {
  return guarded("listing staff", [&] {
    std::vector<std::pair<StaffMember, EventId>> staff;
    auto s = db_->prepare("SELECT doc, event_id FROM staff ORDER BY staff_id");
    while (s.step()) {
      staff.emplace_back(api::staffFromJson(parseJson(s.columnText(0))),
                         static_cast<EventId>(s.columnInt(1)));
    }
    return staff;
  });
}

Status CentralStore::saveBadgeTemplate(const api::BadgeTemplate& t) {
  return guardedStatus("saving the badge template", [&] {
    db_->transaction([&] {
      db_->prepare(
             "INSERT INTO badge_templates (name, toml, updated_at) VALUES (?1, ?2, ?3) ON "
             "CONFLICT(name) DO UPDATE SET toml = ?2, updated_at = ?3")
          .bind(1, t.name)
          .bind(2, t.toml)
          .bind(3, toUnixMillis(t.updatedAt))
          .run();
      putFeed(0, "badge_templates", t.name, dump(api::toJson(t)));
    });
  });
}

// --- devices ---

Result<EnrollmentCode> CentralStore::createEnrollmentCode(const std::string& terminal,
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
    auto s = db_->prepare("SELECT 1 FROM events WHERE id = ?1");
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
    db_->prepare(
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

Result<std::vector<Device>> CentralStore::listDevices() {
  return guarded("listing devices", [&] {
    std::vector<Device> devices;
    auto s = db_->prepare(cat("SELECT ", kDeviceColumns, " FROM devices ORDER BY enrolled_at"));
    while (s.step()) {
      devices.push_back(readDevice(s));
    }
    return devices;
  });
}

Result<std::size_t> CentralStore::revokeDevice(std::string_view idOrTerminal,
                                               std::string_view reason, TimePoint now) {
  return guarded("revoking the device", [&] {
    db_->prepare(
           "UPDATE devices SET revoked_at = ?2, revoke_reason = ?3 WHERE (id = ?1 OR terminal = "
           "?1) AND revoked_at IS NULL")
        .bind(1, idOrTerminal)
        .bind(2, toUnixMillis(now))
        .bind(3, reason)
        .run();
    return static_cast<std::size_t>(db_->changes());
  });
}

// --- facts (admin views) ---

namespace {
constexpr std::string_view kCheckinColumns =
    "doc, device_id, flagged, unknown_guest, received_at, undone_at, skewed";

CentralCheckin readCentralCheckin(const Statement& s) {
  CentralCheckin c;
  c.record = cache::checkinFromJson(parseJson(s.columnText(0)));
  c.deviceId = s.columnText(1);
  c.flagged = s.columnInt(2) != 0;
  c.unknownGuest = s.columnInt(3) != 0;
  c.receivedAt = fromUnixMillis(s.columnInt(4));
  c.skewed = s.columnInt(6) != 0;
  return c;
}
}  // namespace

Result<std::vector<CentralCheckin>> CentralStore::listCheckins(std::optional<EventId> eventId) {
  return guarded("listing check-ins", [&] {
    std::vector<CentralCheckin> out;
    auto s = db_->prepare(cat("SELECT ", kCheckinColumns,
                              " FROM checkins WHERE ?1 IS NULL OR event_id = ?1 ORDER BY "
                              "scanned_at, id"));
    s.bind(1, eventId ? std::optional<std::int64_t>(*eventId) : std::nullopt);
    while (s.step()) {
      out.push_back(readCentralCheckin(s));
    }
    return out;
  });
}

Result<std::vector<CentralCheckin>> CentralStore::listDuplicates(std::optional<EventId> eventId) {
  return guarded("listing second admissions", [&] {
    std::vector<CentralCheckin> out;
    auto s = db_->prepare(cat("SELECT ", kCheckinColumns,
                              " FROM checkins WHERE flagged = 1 AND (?1 IS NULL OR event_id = ?1) "
                              "ORDER BY scanned_at, id"));
    s.bind(1, eventId ? std::optional<std::int64_t>(*eventId) : std::nullopt);
    while (s.step()) {
      out.push_back(readCentralCheckin(s));
    }
    s.reset();
    auto first = db_->prepare(
        "SELECT id FROM checkins WHERE event_id = ?1 AND guest_id = ?2 AND undone_at IS NULL AND "
        "flagged = 0 ORDER BY order_at, id LIMIT 1");
    for (auto& c : out) {
      first.bind(1, c.record.eventId).bind(2, c.record.guestId);
      if (first.step()) {
        c.admissionId = first.columnText(0);
      }
      first.reset();
    }
    return out;
  });
}

Result<std::vector<ConflictRow>> CentralStore::listConflicts(std::optional<EventId> eventId) {
  return guarded("listing conflicts", [&] {
    std::vector<ConflictRow> out;
    auto s = db_->prepare(
        "SELECT kind, record_id, event_id, device_id, terminal, reason, doc, received_at FROM "
        "conflicts WHERE ?1 IS NULL OR event_id = ?1 ORDER BY seq");
    s.bind(1, eventId ? std::optional<std::int64_t>(*eventId) : std::nullopt);
    while (s.step()) {
      ConflictRow c;
      c.kind = s.columnText(0);
      c.recordId = s.columnText(1);
      c.eventId = static_cast<EventId>(s.columnInt(2));
      c.deviceId = s.columnText(3);
      c.terminal = s.columnText(4);
      c.reason = s.columnText(5);
      c.doc = s.columnText(6);
      c.receivedAt = fromUnixMillis(s.columnInt(7));
      out.push_back(std::move(c));
    }
    return out;
  });
}

Result<std::vector<AuditEvent>> CentralStore::listAudit(std::optional<EventId> eventId) {
  return guarded("listing the audit trail", [&] {
    std::vector<AuditEvent> out;
    auto s = db_->prepare(
        "SELECT id, doc FROM audit WHERE ?1 IS NULL OR event_id = ?1 ORDER BY at, received_at, "
        "id");
    s.bind(1, eventId ? std::optional<std::int64_t>(*eventId) : std::nullopt);
    while (s.step()) {
      Json doc = parseJson(s.columnText(1));
      doc["id"] = s.columnText(0);
      out.push_back(api::auditFromJson(doc, true).second);
    }
    return out;
  });
}

Result<std::vector<Feedback>> CentralStore::listFeedback(std::optional<EventId> eventId) {
  return guarded("listing feedback", [&] {
    std::vector<Feedback> out;
    auto s = db_->prepare(
        "SELECT id, event_id, guest_id, terminal, at, kind, rating, category, text FROM feedback "
        "WHERE ?1 IS NULL OR event_id = ?1 ORDER BY at, id");
    s.bind(1, eventId ? std::optional<std::int64_t>(*eventId) : std::nullopt);
    while (s.step()) {
      out.push_back(cache::feedbackFromRow(s));
    }
    return out;
  });
}

Result<std::vector<NoticeRow>> CentralStore::listNotices() {
  return guarded("listing arrival notices", [&] {
    std::vector<NoticeRow> out;
    auto s = db_->prepare(
        "SELECT n.doc, COALESCE(e.webhook_url, ''), n.delivered_at, n.attempts, n.last_error FROM "
        "arrival_notices n LEFT JOIN events e ON e.id = n.event_id ORDER BY n.received_at, n.id");
    while (s.step()) {
      NoticeRow r;
      r.notice = api::arrivalNoticeFromJson(parseJson(s.columnText(0)));
      r.webhookUrl = s.columnText(1);
      if (auto d = s.columnOptionalInt(2)) {
        r.deliveredAt = fromUnixMillis(*d);
      }
      r.attempts = static_cast<int>(s.columnInt(3));
      r.lastError = s.columnText(4);
      out.push_back(std::move(r));
    }
    return out;
  });
}

Result<std::vector<DeliveryRow>> CentralStore::listDeliveries(std::size_t limit) {
  return guarded("listing webhook deliveries", [&] {
    std::vector<DeliveryRow> out;
    auto s = db_->prepare(
        "SELECT notice_id, url, attempted_at, http_status, error, duration_ms FROM "
        "webhook_deliveries ORDER BY seq DESC LIMIT ?1");
    s.bind(1, static_cast<std::int64_t>(limit));
    while (s.step()) {
      out.push_back({s.columnText(0), s.columnText(1), fromUnixMillis(s.columnInt(2)),
                     static_cast<int>(s.columnInt(3)), s.columnText(4), s.columnInt(5)});
    }
    return out;
  });
}

Result<std::size_t> CentralStore::countRows(std::string_view table) {
  return guarded("counting", [&] {
    static constexpr std::array<std::string_view, 10> kTables{
        "checkins", "rejections", "undos",   "walk_ins",        "feedback",
        "photos",   "guests",     "devices", "arrival_notices", "audit"};
    if (std::find(kTables.begin(), kTables.end(), table) == kTables.end()) {
      throw std::invalid_argument("not a countable table");
    }
    auto s = db_->prepare(cat("SELECT COUNT(*) FROM ", table));
    return s.step() ? static_cast<std::size_t>(s.columnInt(0)) : std::size_t{0};
  });
}

// --- the sync API ---

Result<api::Enrollment> CentralStore::enroll(std::string_view code, std::string_view version,
                                             Millis tokenLifetime, TimePoint now) {
  return guarded("enrolling", [&] {
    return db_->transaction([&] {
      auto s = db_->prepare(
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
      auto ev = db_->prepare("SELECT doc FROM events WHERE id = ?1");
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
      db_->prepare(
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
      db_->prepare("UPDATE enrollment_codes SET used_at = ?2, device_id = ?3 WHERE code_hash = ?1")
          .bind(1, sha256Hex(normalizeCode(code)))
          .bind(2, toUnixMillis(now))
          .bind(3, e.deviceId)
          .run();
      return e;
    });
  });
}

Result<std::variant<Device, AuthFailure>> CentralStore::authenticate(std::string_view token,
                                                                     TimePoint now) {
  using Answer = std::variant<Device, AuthFailure>;
  if (token.empty()) {
    return Answer{AuthFailure::kMissing};
  }
  return guarded("checking the device token", [&]() -> Answer {
    auto s = db_->prepare(cat("SELECT ", kDeviceColumns, " FROM devices WHERE token_hash = ?1"));
    s.bind(1, sha256Hex(token));
    if (!s.step()) {
      return AuthFailure::kUnknown;
    }
    auto d = readDevice(s);
    if (d.revokedAt) {
      return AuthFailure::kRevoked;
    }
    if (d.tokenExpiresAt <= now) {
      return AuthFailure::kExpired;
    }
    return d;
  });
}

Result<std::string> CentralStore::changesPage(const Device& device, std::string_view cursor,
                                              std::size_t limit, TimePoint now) {
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
    // at a time, so a row that commits later always gets a larger one.
    std::int64_t upTo = 0;
    {
      auto s = db_->prepare("SELECT COALESCE(MAX(seq), 0) FROM feed");
      if (s.step()) {
        upTo = s.columnInt(0);
      }
    }
    std::map<std::string, std::string, std::less<>> arrays;
    std::int64_t last = after;
    std::size_t count = 0;
    bool more = false;
    {
      auto s = db_->prepare(
          "SELECT seq, kind, doc FROM feed WHERE seq > ?1 AND seq <= ?2 AND event_id IN (0, ?3) "
          "ORDER BY seq LIMIT ?4");
      s.bind(1, after)
          .bind(2, upTo)
          .bind(3, device.eventId)
          .bind(4, static_cast<std::int64_t>(limit + 1));
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

namespace {

// What a re-sent id is compared with: the record as central accepted it (terminal name
// from the enrollment), without the undo fields (undos arrive as records of their own).
std::string sentCheckinDoc(CheckinRecord r) {
  r.undoneAt.reset();
  r.undoneBy.clear();
  r.undoReason.clear();
  return dump(toJson(r));
}

// The same words whichever record holds the id: the answer must not tell a device
// anything about another event's records.
constexpr std::string_view kConflictDetail =
    "conflict: this id already names another record; kept at central for staff review";

constexpr GuestId kFirstWalkInGuestId = 0x80000000u;
constexpr std::size_t kMaxWalkInGuestBytes = 8192;

// Undos of check-ins central has not seen wait for them, but only this many per device.
constexpr std::int64_t kMaxPendingUndosPerDevice = 1000;

void checkNeeds(const SpecialNeeds& n) {
  checks::requireText("diet", n.diet, checks::kMaxNeedsBytes);
  checks::requireText("allergies", n.allergies, checks::kMaxNeedsBytes);
  checks::requireText("accessibility", n.accessibility, checks::kMaxNeedsBytes);
}

// Shape and size of a check-in; the terminal name is taken from the enrollment.
void checkCheckin(CheckinRecord& r, const Device& device) {
  checks::requireRecordId("id", r.id);
  if (r.guestId == 0) {
    throw std::invalid_argument("guest_id missing");
  }
  checks::requireText("staff_id", r.staffId, checks::kMaxNameBytes);
  checks::requireText("override_reason", r.overrideReason, checks::kMaxReasonBytes);
  checks::requireText("undone_by", r.undoneBy, checks::kMaxNameBytes);
  checks::requireText("undo_reason", r.undoReason, checks::kMaxReasonBytes);
  checkNeeds(r.confirmedNeeds);
  const bool staffMethod = r.method == CheckinMethod::kStaffManual ||
                           r.method == CheckinMethod::kStaffOverride ||
                           r.method == CheckinMethod::kWalkIn;
  if (staffMethod && r.staffId.empty()) {
    throw std::invalid_argument(std::string("a ") + toString(r.method) +
                                " check-in needs staff_id");
  }
  r.terminal = device.terminal;
}

// A walk-in's guest: in the terminals' id range (central numbers its own guests below it),
// the check-in's guest, admitted (a terminal cannot create a blocked or cancelled guest),
// without a host (arrival notices would go to whoever the terminal names), not a VIP
// (isWalkInCategory) and small.
void checkWalkInGuest(const Guest& g, const CheckinRecord& r) {
  if (g.id < kFirstWalkInGuestId) {
    throw std::invalid_argument("walk-in guest ids are in the terminals' range");
  }
  if (g.id != r.guestId) {
    throw std::invalid_argument("the walk-in's guest and check-in name different guests");
  }
  if (r.method != CheckinMethod::kWalkIn) {
    throw std::invalid_argument("a walk-in's check-in has method walk_in");
  }
  if (g.status != GuestStatus::kActive) {
    throw std::invalid_argument("a walk-in guest is active");
  }
  if (!g.host.empty() || !g.hostContact.empty()) {
    throw std::invalid_argument("a walk-in guest has no host; set one at central");
  }
  if (!isWalkInCategory(g.category)) {
    throw std::invalid_argument(
        "a walk-in guest's category is government, business, press, staff or other; VIP "
        "guests are made at central, where their host is set");
  }
  if (!normalizeBookingCode(g.bookingCode)) {
    throw std::invalid_argument("booking_code is not a booking code");
  }
  checks::requireText("name", g.name, checks::kMaxNameBytes * 2);
  for (const auto* text : {&g.company, &g.title, &g.language, &g.phone, &g.email}) {
    checks::requireText("guest field", *text, checks::kMaxNameBytes * 2);
  }
  checkNeeds(g.needs);
  if (dump(toJson(g)).size() > kMaxWalkInGuestBytes) {
    throw std::invalid_argument("walk-in guest larger than " +
                                std::to_string(kMaxWalkInGuestBytes) + " bytes");
  }
}

}  // namespace

bool CentralStore::checkinFlagged(EventId eventId, std::string_view id) {
  auto s = db_->prepare("SELECT flagged FROM checkins WHERE event_id = ?1 AND id = ?2");
  s.bind(1, eventId).bind(2, id);
  return s.step() && s.columnInt(0) != 0;
}

bool CentralStore::isEventStaff(EventId eventId, std::string_view staffId) {
  auto s = db_->prepare("SELECT 1 FROM staff WHERE staff_id = ?1 AND event_id IN (0, ?2)");
  s.bind(1, staffId).bind(2, eventId);
  return s.step();
}

void CentralStore::recordConflict(const Device& device, std::string_view kind,
                                  std::string_view recordId, std::string_view reason,
                                  const std::string& doc, TimePoint now) {
  // Once per record and device: a terminal that re-sends its refusal adds nothing.
  db_->prepare(
         "INSERT OR IGNORE INTO conflicts (kind, record_id, event_id, device_id, terminal, reason, "
         "doc, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
      .bind(1, kind)
      .bind(2, recordId)
      .bind(3, device.eventId)
      .bind(4, device.id)
      .bind(5, device.terminal)
      .bind(6, reason)
      .bind(7, doc)
      .bind(8, toUnixMillis(now))
      .run();
}

void CentralStore::recomputeFlags(EventId eventId, GuestId guestId) {
  // The admission is the first check-in not undone by (order_at, id); every other one not
  // undone is flagged. Only rows whose flag is wrong are read and rewritten (at most the
  // old and the new admission), so a guest with many check-ins costs a push little.
  std::string admission;
  {
    auto s = db_->prepare(
        "SELECT id FROM checkins WHERE event_id = ?1 AND guest_id = ?2 AND undone_at IS NULL "
        "ORDER BY order_at, id LIMIT 1");
    s.bind(1, eventId).bind(2, guestId);
    if (!s.step()) {
      return;
    }
    admission = s.columnText(0);
  }
  struct Row {
    std::string id;
    std::string doc;
    bool flag;
  };
  std::vector<Row> wrong;
  {
    // The guest's rows, not the event's: keyed by (event_id, id), the planner would walk
    // every check-in of the event for the `id = ?3` term (200 times slower at 20,000).
    auto s = db_->prepare(
        "SELECT id, doc FROM checkins INDEXED BY checkins_by_guest WHERE event_id = ?1 AND "
        "guest_id = ?2 AND undone_at IS NULL AND ((id = ?3 AND flagged = 1) OR (id != ?3 AND "
        "flagged = 0))");
    s.bind(1, eventId).bind(2, guestId).bind(3, admission);
    while (s.step()) {
      auto id = s.columnText(0);
      const bool flag = id != admission;
      wrong.push_back({std::move(id), s.columnText(1), flag});
    }
  }
  for (const auto& row : wrong) {
    db_->prepare("UPDATE checkins SET flagged = ?3 WHERE event_id = ?1 AND id = ?2")
        .bind(1, eventId)
        .bind(2, row.id)
        .bind(3, row.flag)
        .run();
    putFeed(eventId, "checkins", checkinFeedKey(eventId, row.id),
            feedCheckinDoc(row.doc, row.flag));
  }
}

api::ItemResult CentralStore::insertCheckin(const Device& device, const CheckinRecord& record,
                                            const checks::TimeWindow& window, TimePoint now,
                                            PushSummary& summary) {
  api::ItemResult result;
  result.id = record.id;
  const auto sent = sentCheckinDoc(record);
  {
    // Only this event's check-ins are looked at: another event's records neither block
    // this one nor answer for it.
    auto s = db_->prepare("SELECT sent_doc, flagged FROM checkins WHERE event_id = ?1 AND id = ?2");
    s.bind(1, device.eventId).bind(2, record.id);
    if (s.step()) {
      // Rows from before sent_doc was kept compare by id only.
      const bool repeat = s.isNull(0) || s.columnText(0) == sent;
      if (repeat) {
        result.flagged = s.columnInt(1) != 0;  // same answer, nothing changes
        return result;
      }
      s.reset();
      recordConflict(device, "checkin", record.id, "id already names another check-in", sent, now);
      result.status = api::ItemStatus::kRejected;
      result.detail = std::string(kConflictDetail);
      ++summary.rejected;
      return result;
    }
  }
  bool knownGuest = false;
  {
    auto s = db_->prepare("SELECT 1 FROM guests WHERE event_id = ?1 AND guest_id = ?2");
    s.bind(1, record.eventId).bind(2, record.guestId);
    knownGuest = s.step();
  }
  // A time the terminal's clock cannot have told truly never decides the admission:
  // such a record is ordered by the time central received it.
  const bool skewed = !window.contains(record.scannedAt);
  const auto orderAt = skewed ? now : record.scannedAt;
  // An undo made by the terminal before this push is part of the record itself.
  const auto doc = dump(toJson(record));
  db_->prepare(
         "INSERT INTO checkins (id, event_id, guest_id, terminal, device_id, scanned_at, method, "
         "doc, undone_at, unknown_guest, received_at, order_at, skewed, sent_doc) VALUES (?1, ?2, "
         "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)")
      .bind(1, record.id)
      .bind(2, record.eventId)
      .bind(3, record.guestId)
      .bind(4, record.terminal)
      .bind(5, device.id)
      .bind(6, toUnixMillis(record.scannedAt))
      .bind(7, toString(record.method))
      .bind(8, doc)
      .bind(9, record.undoneAt ? std::optional<std::int64_t>(toUnixMillis(*record.undoneAt))
                               : std::nullopt)
      .bind(10, !knownGuest)
      .bind(11, toUnixMillis(now))
      .bind(12, toUnixMillis(orderAt))
      .bind(13, skewed)
      .bind(14, sent)
      .run();
  putFeed(record.eventId, "checkins", checkinFeedKey(record.eventId, record.id),
          feedCheckinDoc(doc, false));
  {
    auto s = db_->prepare(
        "SELECT doc FROM undos WHERE checkin_id = ?1 AND event_id = ?2 AND applied = 0");
    s.bind(1, record.id).bind(2, record.eventId);
    if (s.step()) {
      const auto undo = api::undoFromJson(parseJson(s.columnText(0)));
      s.reset();
      applyUndo(undo, record.eventId);
    }
  }
  recomputeFlags(record.eventId, record.guestId);
  result.flagged = checkinFlagged(record.eventId, record.id);
  if (!knownGuest) {
    result.detail = "guest unknown at central; recorded";
  }
  if (skewed) {
    result.detail =
        "scanned_at is not plausible (terminal clock?); ordered by central's receive "
        "time";
  }
  ++summary.accepted;
  if (result.flagged) {
    ++summary.flagged;
  }
  return result;
}

void CentralStore::applyUndo(const api::UndoRecord& undo, EventId eventId) {
  // Found by id within the event: an undo never reaches another event's check-in.
  auto s = db_->prepare("SELECT doc, undone_at FROM checkins WHERE id = ?1 AND event_id = ?2");
  s.bind(1, undo.checkinId).bind(2, eventId);
  if (!s.step()) {
    return;  // kept in `undos`, applied when the check-in arrives
  }
  const bool alreadyUndone = !s.isNull(1);
  auto record = cache::checkinFromJson(parseJson(s.columnText(0)));
  s.reset();
  if (undo.guestId != 0 && undo.guestId != record.guestId) {
    return;  // names another guest: never applied (the push answered it as a conflict)
  }
  db_->prepare("UPDATE undos SET applied = 1 WHERE event_id = ?1 AND checkin_id = ?2")
      .bind(1, eventId)
      .bind(2, undo.checkinId)
      .run();
  if (alreadyUndone) {
    return;
  }
  record.undoneAt = undo.undoneAt;
  record.undoneBy = undo.undoneBy;
  record.undoReason = undo.reason;
  const auto doc = dump(toJson(record));
  db_->prepare("UPDATE checkins SET doc = ?3, undone_at = ?4 WHERE event_id = ?1 AND id = ?2")
      .bind(1, eventId)
      .bind(2, record.id)
      .bind(3, doc)
      .bind(4, toUnixMillis(undo.undoneAt))
      .run();
  putFeed(eventId, "checkins", checkinFeedKey(eventId, record.id),
          feedCheckinDoc(doc, checkinFlagged(eventId, record.id)));
  recomputeFlags(record.eventId, record.guestId);
}

// A staff edit from a terminal. Checked like every pushed record: the device's event, the
// guest in that event, staff of that event, a reason, bounded text, known fields. The
// terminal name comes from the enrollment. Applied to central's guest record when it is
// received: with a roster import that changes the same field, the one central receives
// last wins (an import after the edit overwrites it; an edit after the import stays).
api::ItemResult CentralStore::ingestGuestEdit(const Device& device, const Json& item,
                                              const checks::TimeWindow& window, TimePoint now,
                                              PushSummary& summary) {
  auto edit = api::guestEditFromJson(item);
  checks::requireRecordId("id", edit.id);
  checks::requireText("staff_id", edit.staffId, checks::kMaxNameBytes);
  checks::requireText("reason", edit.reason, checks::kMaxReasonBytes);
  if (edit.changes.empty() || edit.changes.size() > kMaxGuestEditChanges) {
    throw std::invalid_argument("changes must hold 1 to " + std::to_string(kMaxGuestEditChanges) +
                                " fields");
  }
  for (const auto& c : edit.changes) {
    checks::requireText("field", c.field, checks::kMaxNameBytes);
    checks::requireText("value", c.value, kMaxGuestFieldBytes);
  }
  edit.terminal = device.terminal;
  if (!window.contains(edit.at)) {
    edit.at = now;
  }
  api::ItemResult result;
  result.id = edit.id;
  auto reject = [&](std::string why) {
    result.status = api::ItemStatus::kRejected;
    result.detail = std::move(why);
    ++summary.rejected;
    return result;
  };
  if (edit.eventId != device.eventId) {
    return reject("record of event " + std::to_string(edit.eventId) +
                  "; this device serves event " + std::to_string(device.eventId));
  }
  if (edit.staffId.empty() || edit.reason.empty()) {
    return reject("a guest edit needs staff_id and a reason");
  }
  if (!isEventStaff(device.eventId, edit.staffId)) {
    return reject("staff_id is not a staff member of this event");
  }
  const auto doc = dump(api::toJson(edit));
  {
    auto s = db_->prepare("SELECT doc FROM guest_edits WHERE event_id = ?1 AND id = ?2");
    s.bind(1, device.eventId).bind(2, edit.id);
    if (s.step()) {
      if (s.columnText(0) == doc) {
        ++summary.accepted;
        return result;  // a repeat: applied once already
      }
      s.reset();
      recordConflict(device, "guest_edit", edit.id, "id already names another record", doc, now);
      return reject(std::string(kConflictDetail));
    }
  }
  std::optional<Guest> guest;
  {
    // Within the device's event only: another event's guest is as unknown as none.
    auto s = db_->prepare("SELECT doc FROM guests WHERE event_id = ?1 AND guest_id = ?2");
    s.bind(1, device.eventId).bind(2, edit.guestId);
    if (s.step()) {
      guest = cache::guestFromJson(parseJson(s.columnText(0)));
    }
  }
  if (!guest) {
    return reject("no such guest in this event");
  }
  for (const auto& c : edit.changes) {
    if (auto why = applyFieldChange(*guest, c)) {
      return reject(c.field + ": " + *why);
    }
  }
  upsertGuest(device.eventId, *guest, now);
  db_->prepare(
         "INSERT INTO guest_edits (id, event_id, guest_id, device_id, terminal, staff_id, doc, "
         "received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
      .bind(1, edit.id)
      .bind(2, device.eventId)
      .bind(3, edit.guestId)
      .bind(4, device.id)
      .bind(5, device.terminal)
      .bind(6, edit.staffId)
      .bind(7, doc)
      .bind(8, toUnixMillis(now))
      .run();
  AuditEvent a;
  a.at = edit.at;
  a.terminal = device.terminal;
  a.actor = "staff:" + edit.staffId;
  a.action = AuditAction::kGuestEdited;
  a.eventId = device.eventId;
  a.guestId = edit.guestId;
  for (const auto& c : edit.changes) {
    a.outcome += (a.outcome.empty() ? "" : ", ") + c.field;
  }
  a.reason = edit.reason;
  a.refId = edit.id;
  db_->prepare(
         "INSERT INTO audit (id, event_id, terminal, device_id, at, action, doc, received_at) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
      .bind(1, edit.id)
      .bind(2, device.eventId)
      .bind(3, device.terminal)
      .bind(4, device.id)
      .bind(5, toUnixMillis(a.at))
      .bind(6, toString(a.action))
      .bind(7, dump(toJson(a)))
      .bind(8, toUnixMillis(now))
      .run();
  ++summary.accepted;
  return result;
}

Result<PushSummary> CentralStore::push(const Device& device, const api::PushRoute& route,
                                       const Json& items, TimePoint now) {
  return guarded("storing pushed records", [&] {
    if (!items.is_array()) {
      throw std::invalid_argument(std::string(route.field) + " must be an array");
    }
    return db_->transaction([&] {
      TimePoint eventStartsAt = now;
      {
        auto s = db_->prepare("SELECT doc FROM events WHERE id = ?1");
        s.bind(1, device.eventId);
        if (s.step()) {
          eventStartsAt = cache::eventFromJson(parseJson(s.columnText(0))).startsAt;
        }
      }
      const auto window = checks::plausibleTimes(eventStartsAt, now);
      PushSummary summary;
      for (const auto& item : items) {
        api::ItemResult result;
        result.id = itemId(item, route);
        auto reject = [&](std::string why) {
          result.status = api::ItemStatus::kRejected;
          result.detail = std::move(why);
          ++summary.rejected;
        };
        auto sameEvent = [&](EventId eventId) {
          if (eventId != device.eventId) {
            reject("record of event " + std::to_string(eventId) + "; this device serves event " +
                   std::to_string(device.eventId));
            return false;
          }
          return true;
        };
        // Staff ids must name a staff member of this device's event.
        auto eventStaff = [&](std::string_view field, const std::string& staffId) {
          if (!staffId.empty() && !isEventStaff(device.eventId, staffId)) {
            reject(std::string(field) + " is not a staff member of this event");
            return false;
          }
          return true;
        };
        // A conflict for records kept with INSERT OR IGNORE: the id is taken by a record
        // of another event, or by other content. Tables keyed by (event_id, id) only look
        // at this event's records.
        auto takenBy = [&](std::string_view table, std::string_view key, const std::string& id,
                           const std::string& doc, bool perEvent = false) {
          auto s =
              db_->prepare(cat("SELECT event_id, doc FROM ", table,
                               cat(" WHERE ", key, " = ?1 AND (?2 IS NULL OR event_id = ?2)")));
          s.bind(1, id).bind(2,
                             perEvent ? std::optional<std::int64_t>(device.eventId) : std::nullopt);
          if (!s.step()) {
            return false;
          }
          if (static_cast<EventId>(s.columnInt(0)) == device.eventId && s.columnText(1) == doc) {
            return false;  // a repeat
          }
          s.reset();
          recordConflict(device, route.kind, id, "id already names another record", doc, now);
          reject(std::string(kConflictDetail));
          return true;
        };
        // Only parsing is guarded per item; a database failure aborts the whole batch.
        try {
          if (route.kind == "checkin") {
            auto r = cache::checkinFromJson(item);
            checkCheckin(r, device);
            if (sameEvent(r.eventId) && eventStaff("staff_id", r.staffId) &&
                eventStaff("undone_by", r.undoneBy)) {
              result = insertCheckin(device, r, window, now, summary);
            }
          } else if (route.kind == "walk_in") {
            auto guest = cache::guestFromJson(item.at("guest"));
            auto r = cache::checkinFromJson(item.at("checkin"));
            checkCheckin(r, device);
            checkWalkInGuest(guest, r);
            if (sameEvent(r.eventId) && sameEvent(guest.eventId) &&
                eventStaff("staff_id", r.staffId)) {
              bool created = false;
              bool exists = false;
              {
                auto s = db_->prepare("SELECT 1 FROM guests WHERE event_id = ?1 AND guest_id = ?2");
                s.bind(1, guest.eventId).bind(2, guest.id);
                exists = s.step();
              }
              if (!exists) {
                bool codeTaken = false;
                {
                  auto c = db_->prepare(
                      "SELECT 1 FROM guests WHERE event_id = ?1 AND booking_code = ?2");
                  c.bind(1, guest.eventId).bind(2, guest.bookingCode);
                  codeTaken = c.step();
                }
                if (codeTaken) {
                  // Two terminals drew the same random walk-in code: keep both guests.
                  guest.bookingCode += "-" + randomCode(4);
                }
                upsertGuest(guest.eventId, guest, now);
                created = true;
              }
              db_->prepare(
                     "INSERT OR IGNORE INTO walk_ins (checkin_id, event_id, guest_id, device_id, "
                     "guest_created, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                  .bind(1, r.id)
                  .bind(2, r.eventId)
                  .bind(3, guest.id)
                  .bind(4, device.id)
                  .bind(5, created)
                  .bind(6, toUnixMillis(now))
                  .run();
              result = insertCheckin(device, r, window, now, summary);
            }
          } else if (route.kind == "undo") {
            auto u = api::undoFromJson(item);
            checks::requireRecordId("checkin_id", u.checkinId);
            checks::requireText("undone_by", u.undoneBy, checks::kMaxNameBytes);
            checks::requireText("reason", u.reason, checks::kMaxReasonBytes);
            u.terminal = device.terminal;
            if (!sameEvent(u.eventId)) {
              // answered
            } else if (u.undoneBy.empty() || u.reason.empty()) {
              reject("an undo needs undone_by and a reason");
            } else if (!eventStaff("undone_by", u.undoneBy)) {
              // answered
            } else if (!window.contains(u.undoneAt)) {
              reject("undone_at is not plausible (terminal clock?)");
            } else {
              const auto doc = dump(api::toJson(u));
              bool known = false;
              bool otherGuest = false;
              {
                // Looked up within the event: another event's check-in is as unknown here
                // as one that does not exist.
                auto s =
                    db_->prepare("SELECT guest_id FROM checkins WHERE id = ?1 AND event_id = ?2");
                s.bind(1, u.checkinId).bind(2, device.eventId);
                if (s.step()) {
                  known = true;
                  otherGuest = u.guestId != 0 && static_cast<GuestId>(s.columnInt(0)) != u.guestId;
                }
              }
              std::int64_t pending = 0;
              if (!known) {
                auto s =
                    db_->prepare("SELECT COUNT(*) FROM undos WHERE device_id = ?1 AND applied = 0");
                s.bind(1, device.id);
                pending = s.step() ? s.columnInt(0) : 0;
              }
              if (otherGuest) {
                recordConflict(device, route.kind, u.checkinId,
                               "undo names another guest than the check-in", doc, now);
                reject(std::string(kConflictDetail));
              } else if (!takenBy("undos", "checkin_id", u.checkinId, doc, true)) {
                if (!known && pending >= kMaxPendingUndosPerDevice) {
                  reject("too many undos of check-ins central has not received");
                } else {
                  db_->prepare(
                         "INSERT OR IGNORE INTO undos (checkin_id, event_id, doc, device_id, "
                         "received_at) VALUES (?1, ?2, ?3, ?4, ?5)")
                      .bind(1, u.checkinId)
                      .bind(2, u.eventId)
                      .bind(3, doc)
                      .bind(4, device.id)
                      .bind(5, toUnixMillis(now))
                      .run();
                  applyUndo(u, device.eventId);
                  ++summary.accepted;
                }
              }
            }
          } else if (route.kind == "guest_edit") {
            result = ingestGuestEdit(device, item, window, now, summary);
          } else if (route.kind == "rejection") {
            auto r = cache::rejectionFromJson(item);
            checks::requireRecordId("id", r.id);
            checks::requireText("detail", r.detail, checks::kMaxReasonBytes);
            checks::requireText("scan_hash", r.scanHash, checks::kMaxNameBytes);
            r.terminal = device.terminal;
            const auto doc = dump(toJson(r));
            if (sameEvent(r.eventId) && !takenBy("rejections", "id", r.id, doc)) {
              db_->prepare(
                     "INSERT OR IGNORE INTO rejections (id, event_id, guest_id, terminal, "
                     "device_id, scanned_at, outcome, doc, received_at) VALUES (?1, ?2, ?3, ?4, "
                     "?5, ?6, ?7, ?8, ?9)")
                  .bind(1, r.id)
                  .bind(2, r.eventId)
                  .bind(3, r.guestId ? std::optional<std::int64_t>(*r.guestId) : std::nullopt)
                  .bind(4, r.terminal)
                  .bind(5, device.id)
                  .bind(6, toUnixMillis(r.scannedAt))
                  .bind(7, toString(r.outcome))
                  .bind(8, doc)
                  .bind(9, toUnixMillis(now))
                  .run();
              ++summary.accepted;
            }
          } else if (route.kind == "feedback") {
            auto f = api::feedbackFromJson(item);
            checks::requireRecordId("id", f.id);
            checks::requireText("category", f.category, checks::kMaxNameBytes);
            checks::requireText("text", f.text, checks::kMaxFeedbackBytes, true);
            if (f.rating && (*f.rating < 1 || *f.rating > 5)) {
              throw std::invalid_argument("rating must be 1 to 5");
            }
            f.terminal = device.terminal;
            bool taken = false;
            {
              auto s = db_->prepare("SELECT event_id, device_id FROM feedback WHERE id = ?1");
              s.bind(1, f.id);
              if (s.step() && (static_cast<EventId>(s.columnInt(0)) != device.eventId ||
                               s.columnText(1) != device.id)) {
                s.reset();
                recordConflict(device, route.kind, f.id, "id already names another record",
                               dump(api::toJson(f)), now);
                reject(std::string(kConflictDetail));
                taken = true;
              }
            }
            if (sameEvent(f.eventId) && !taken) {
              db_->prepare(
                     "INSERT OR IGNORE INTO feedback (id, event_id, guest_id, terminal, "
                     "device_id, at, kind, rating, category, text, received_at) VALUES (?1, ?2, "
                     "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
                  .bind(1, f.id)
                  .bind(2, f.eventId)
                  .bind(3, f.guestId ? std::optional<std::int64_t>(*f.guestId) : std::nullopt)
                  .bind(4, f.terminal)
                  .bind(5, device.id)
                  .bind(6, toUnixMillis(f.at))
                  .bind(7, toString(f.kind))
                  .bind(8, f.rating)
                  .bind(9, f.category)
                  .bind(10, f.text)
                  .bind(11, toUnixMillis(now))
                  .run();
              ++summary.accepted;
            }
          } else if (route.kind == "audit") {
            auto [id, a] = api::auditFromJson(item);
            checks::requireRecordId("id", id);
            checks::requireText("actor", a.actor, checks::kMaxNameBytes);
            checks::requireText("reason", a.reason, checks::kMaxReasonBytes);
            a.terminal = device.terminal;
            if (!window.contains(a.at)) {
              a.at = now;
            }
            const auto doc = dump(toJson(a));
            if (sameEvent(a.eventId) && !takenBy("audit", "id", id, doc)) {
              db_->prepare(
                     "INSERT OR IGNORE INTO audit (id, event_id, terminal, device_id, at, action, "
                     "doc, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
                  .bind(1, id)
                  .bind(2, a.eventId)
                  .bind(3, a.terminal)
                  .bind(4, device.id)
                  .bind(5, toUnixMillis(a.at))
                  .bind(6, toString(a.action))
                  .bind(7, doc)
                  .bind(8, toUnixMillis(now))
                  .run();
              ++summary.accepted;
            }
          } else if (route.kind == "arrival_notice") {
            auto n = api::arrivalNoticeFromJson(item);
            checks::requireRecordId("id", n.id);
            checks::requireRecordId("checkin_id", n.checkinId);
            n.terminal = device.terminal;
            if (!window.contains(n.arrivedAt)) {
              n.arrivedAt = now;
            }
            // Notices go out to the event's webhook: only for a check-in of this event's
            // guest, and to the host central knows, never to one the terminal names.
            std::optional<Guest> guest;
            bool checkedIn = false;
            if (sameEvent(n.eventId)) {
              {
                auto s =
                    db_->prepare("SELECT doc FROM guests WHERE event_id = ?1 AND guest_id = ?2");
                s.bind(1, device.eventId).bind(2, n.guestId);
                if (s.step()) {
                  guest = cache::guestFromJson(parseJson(s.columnText(0)));
                }
              }
              {
                auto s = db_->prepare(
                    "SELECT 1 FROM checkins WHERE id = ?1 AND event_id = ?2 AND guest_id = ?3");
                s.bind(1, n.checkinId).bind(2, device.eventId).bind(3, n.guestId);
                checkedIn = s.step();
              }
              if (!guest || !checkedIn) {
                reject(
                    "arrival notice for a guest or check-in central does not know in this "
                    "event");
              } else if (guest->host.empty() && guest->hostContact.empty()) {
                reject("the guest has no host at central");
              } else {
                n.host = guest->host;
                n.hostContact = guest->hostContact;
                const auto doc = dump(api::toJson(n));
                if (!takenBy("arrival_notices", "id", n.id, doc)) {
                  db_->prepare(
                         "INSERT OR IGNORE INTO arrival_notices (id, event_id, checkin_id, "
                         "guest_id, doc, device_id, received_at, next_attempt_at) VALUES (?1, "
                         "?2, ?3, ?4, ?5, ?6, ?7, ?7)")
                      .bind(1, n.id)
                      .bind(2, n.eventId)
                      .bind(3, n.checkinId)
                      .bind(4, n.guestId)
                      .bind(5, doc)
                      .bind(6, device.id)
                      .bind(7, toUnixMillis(now))
                      .run();
                  if (db_->changes() > 0) {
                    ++summary.notices;
                  }
                  ++summary.accepted;
                }
              }
            }
          } else {
            reject("unknown record kind");
          }
        } catch (const DatabaseError&) {
          throw;
        } catch (const std::exception& e) {
          reject(std::string("malformed ") + std::string(route.kind) + ": " +
                 std::string(e.what()).substr(0, 120));
        }
        summary.results.push_back(std::move(result));
      }
      return summary;
    });
  });
}

Status CentralStore::putPhoto(const Device& device, std::string_view checkinId,
                              std::string_view contentType, std::string_view bytes, TimePoint now) {
  return guardedStatus("storing the photo", [&] {
    {
      // A photo belongs to a check-in this terminal made (a re-enrolled terminal keeps its
      // name): never to another event's or another terminal's.
      auto s = db_->prepare(
          "SELECT 1 FROM checkins WHERE id = ?1 AND event_id = ?2 AND (device_id = ?3 OR "
          "terminal = ?4)");
      s.bind(1, checkinId).bind(2, device.eventId).bind(3, device.id).bind(4, device.terminal);
      if (!s.step()) {
        throw DatabaseError(ErrorKind::kNotFound, "no check-in of this terminal has this id");
      }
    }
    db_->prepare(
           "INSERT INTO photos (checkin_id, event_id, device_id, content_type, data, received_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(event_id, checkin_id) DO UPDATE SET "
           "content_type = "
           "?4, data = ?5, received_at = ?6, device_id = ?3")
        .bind(1, checkinId)
        .bind(2, device.eventId)
        .bind(3, device.id)
        .bind(4, contentType)
        .bindBlob(5, std::span<const std::uint8_t>(
                         reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()))
        .bind(6, toUnixMillis(now))
        .run();
  });
}

Result<std::optional<std::string>> CentralStore::photoContentType(EventId eventId,
                                                                  std::string_view checkinId) {
  return guarded("reading the photo", [&] {
    auto s =
        db_->prepare("SELECT content_type FROM photos WHERE event_id = ?1 AND checkin_id = ?2");
    s.bind(1, eventId).bind(2, checkinId);
    return s.step() ? std::optional<std::string>(s.columnText(0)) : std::nullopt;
  });
}

Status CentralStore::recordHeartbeat(const Device& device, const api::Heartbeat& h,
                                     std::string_view address, TimePoint now) {
  return guardedStatus("recording the heartbeat", [&] {
    // Shown in `kiosk-central devices` and the fleet view: bounded, printable.
    try {
      checks::requireText("version", h.version, checks::kMaxNameBytes);
      checks::requireText("camera state", h.camera.state, checks::kMaxNameBytes);
      checks::requireText("camera detail", h.camera.detail, checks::kMaxReasonBytes);
      checks::requireText("printer state", h.printer.state, checks::kMaxNameBytes);
      checks::requireText("printer detail", h.printer.detail, checks::kMaxReasonBytes);
    } catch (const std::invalid_argument& e) {
      throw DatabaseError(ErrorKind::kInvalidInput, e.what());
    }
    auto j = api::toJson(h);
    j["received_at"] = toJson(now);
    db_->prepare(
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

Result<std::vector<NoticeRow>> CentralStore::dueNotices(TimePoint now, std::size_t limit) {
  return guarded("reading arrival notices to deliver", [&] {
    std::vector<NoticeRow> out;
    auto s = db_->prepare(
        "SELECT n.doc, COALESCE(e.webhook_url, ''), n.attempts FROM arrival_notices n LEFT JOIN "
        "events e ON e.id = n.event_id WHERE n.delivered_at IS NULL AND n.next_attempt_at <= ?1 "
        "ORDER BY n.next_attempt_at LIMIT ?2");
    s.bind(1, toUnixMillis(now)).bind(2, static_cast<std::int64_t>(limit));
    while (s.step()) {
      NoticeRow r;
      r.notice = api::arrivalNoticeFromJson(parseJson(s.columnText(0)));
      r.webhookUrl = s.columnText(1);
      r.attempts = static_cast<int>(s.columnInt(2));
      out.push_back(std::move(r));
    }
    return out;
  });
}

Status CentralStore::recordDelivery(const DeliveryRow& d, bool delivered,
                                    std::optional<TimePoint> nextAttempt) {
  return guardedStatus("recording a webhook delivery", [&] {
    db_->transaction([&] {
      if (!d.url.empty()) {
        db_->prepare(
               "INSERT INTO webhook_deliveries (notice_id, url, attempted_at, http_status, error, "
               "duration_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .bind(1, d.noticeId)
            .bind(2, d.url)
            .bind(3, toUnixMillis(d.attemptedAt))
            .bind(4, d.httpStatus)
            .bind(5, d.error)
            .bind(6, d.durationMs)
            .run();
      }
      db_->prepare(
             "UPDATE arrival_notices SET attempts = attempts + ?5, delivered_at = ?2, "
             "next_attempt_at = ?3, last_error = ?4 WHERE id = ?1")
          .bind(1, d.noticeId)
          .bind(2,
                delivered ? std::optional<std::int64_t>(toUnixMillis(d.attemptedAt)) : std::nullopt)
          .bind(3, toUnixMillis(nextAttempt.value_or(d.attemptedAt)))
          .bind(4, d.error)
          .bind(5, d.url.empty() ? 0 : 1)
          .run();
    });
  });
}

}  // namespace kiosk::central
