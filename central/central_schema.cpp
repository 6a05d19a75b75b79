#include "central/central_schema.h"

#include <array>
#include <span>

#include "central/console/console_schema.h"
#include "kiosk/core/ids.h"
#include "offline-cache/migration_runner.h"

namespace kiosk::central {

using cache::Database;
using cache::guardedStatus;

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

// Central settings for terminals (central/terminal_settings.h): SQLite's version 12 and
// PostgreSQL's version 6, the same text on both.
constexpr std::string_view kTerminalSettingsSchema = R"sql(
CREATE TABLE terminal_settings (
  event_id   BIGINT NOT NULL,
  version    BIGINT NOT NULL,
  settings   TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (event_id, version)
);
)sql";

// OS updates offered to terminals (central/os_update.h): SQLite's version 13 and
// PostgreSQL's version 7, the same text on both.
constexpr std::string_view kOsUpdateSchema = R"sql(
CREATE TABLE os_updates (
  event_id   BIGINT NOT NULL,
  number     BIGINT NOT NULL,
  version    TEXT NOT NULL,
  url        TEXT NOT NULL,
  sha256     TEXT NOT NULL,
  size       BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (event_id, number)
);
)sql";

// Version 9: the reception console's accounts, sessions and audit (central/console).
// Version 10: the console's handling of feedback (assignment, answer, closing note).
// Version 11: the console's resolutions of flags.
// Version 12: central settings for terminals.
// Version 13: OS updates offered to terminals.
constexpr std::array<std::string_view, 13> kSchema{kSchema1,
                                                   kSchema2,
                                                   kSchema3,
                                                   kSchema4,
                                                   kSchema5,
                                                   kSchema6,
                                                   kSchema7,
                                                   kSchema8,
                                                   console::kConsoleSchema,
                                                   console::kConsoleFeedbackSchema,
                                                   console::kConsoleFlagsSchema,
                                                   kTerminalSettingsSchema,
                                                   kOsUpdateSchema};

// PostgreSQL keeps its own steps (its types and sequences differ); version 1 is the SQLite
// schema at version 8. A step added to one list gets its counterpart in the other.
// - Every integer is BIGINT (times are Unix milliseconds); blobs are BYTEA.
// - feed.seq comes from feed_seq: ChangeFeed::put takes a new value when an object changes,
//   under a transaction lock so that sequence order is commit order (see change_feed.h).
constexpr std::string_view kPostgres1 = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE events (
  id          BIGINT PRIMARY KEY,
  doc         TEXT NOT NULL,
  webhook_url TEXT NOT NULL DEFAULT '',
  created_at  BIGINT NOT NULL
);

CREATE TABLE signing_keys (
  event_id   BIGINT NOT NULL REFERENCES events(id),
  key_id     BIGINT NOT NULL,
  public_key BYTEA NOT NULL,
  secret_key BYTEA NOT NULL,
  created_at BIGINT NOT NULL,
  retired_at BIGINT,
  PRIMARY KEY (event_id, key_id)
);

CREATE TABLE guests (
  event_id     BIGINT NOT NULL REFERENCES events(id),
  guest_id     BIGINT NOT NULL,
  booking_code TEXT NOT NULL,
  doc          TEXT NOT NULL,
  updated_at   BIGINT NOT NULL,
  PRIMARY KEY (event_id, guest_id)
);
CREATE UNIQUE INDEX guests_by_code ON guests(event_id, booking_code);

CREATE TABLE revocations (
  event_id   BIGINT NOT NULL,
  token_id   TEXT NOT NULL,
  reason     TEXT NOT NULL DEFAULT '',
  revoked_at BIGINT NOT NULL,
  guest_id   BIGINT,
  PRIMARY KEY (event_id, token_id)
);

CREATE TABLE staff (
  staff_id   TEXT PRIMARY KEY,
  doc        TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  event_id   BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE badge_templates (
  name       TEXT PRIMARY KEY,
  toml       TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE devices (
  id               TEXT PRIMARY KEY,
  terminal         TEXT NOT NULL,
  event_id         BIGINT NOT NULL,
  token_hash       TEXT NOT NULL UNIQUE,
  token_expires_at BIGINT NOT NULL,
  enrolled_at      BIGINT NOT NULL,
  revoked_at       BIGINT,
  revoke_reason    TEXT NOT NULL DEFAULT '',
  last_seen_at     BIGINT,
  last_address     TEXT NOT NULL DEFAULT '',
  version          TEXT NOT NULL DEFAULT '',
  health           TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE enrollment_codes (
  code_hash  TEXT PRIMARY KEY,
  terminal   TEXT NOT NULL,
  event_id   BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at    BIGINT,
  device_id  TEXT
);

CREATE TABLE checkins (
  id            TEXT NOT NULL,
  event_id      BIGINT NOT NULL,
  guest_id      BIGINT NOT NULL,
  terminal      TEXT NOT NULL,
  device_id     TEXT NOT NULL,
  scanned_at    BIGINT NOT NULL,
  method        TEXT NOT NULL,
  doc           TEXT NOT NULL,
  undone_at     BIGINT,
  flagged       BIGINT NOT NULL DEFAULT 0,
  unknown_guest BIGINT NOT NULL DEFAULT 0,
  received_at   BIGINT NOT NULL,
  order_at      BIGINT,
  skewed        BIGINT NOT NULL DEFAULT 0,
  sent_doc      TEXT,
  PRIMARY KEY (event_id, id)
);
CREATE INDEX checkins_by_guest ON checkins(event_id, guest_id, order_at);

CREATE TABLE undos (
  checkin_id  TEXT NOT NULL,
  event_id    BIGINT NOT NULL,
  doc         TEXT NOT NULL,
  device_id   TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  applied     BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (event_id, checkin_id)
);
CREATE INDEX undos_pending ON undos(device_id, applied);

CREATE TABLE walk_ins (
  checkin_id    TEXT NOT NULL,
  event_id      BIGINT NOT NULL,
  guest_id      BIGINT NOT NULL,
  device_id     TEXT NOT NULL,
  guest_created BIGINT NOT NULL,
  received_at   BIGINT NOT NULL,
  PRIMARY KEY (event_id, checkin_id)
);

CREATE TABLE rejections (
  id          TEXT PRIMARY KEY,
  event_id    BIGINT NOT NULL,
  guest_id    BIGINT,
  terminal    TEXT NOT NULL,
  device_id   TEXT NOT NULL,
  scanned_at  BIGINT NOT NULL,
  outcome     TEXT NOT NULL,
  doc         TEXT NOT NULL,
  received_at BIGINT NOT NULL
);

CREATE TABLE feedback (
  id          TEXT PRIMARY KEY,
  event_id    BIGINT NOT NULL,
  guest_id    BIGINT,
  terminal    TEXT NOT NULL,
  device_id   TEXT NOT NULL,
  at          BIGINT NOT NULL,
  kind        TEXT NOT NULL,
  rating      BIGINT,
  category    TEXT NOT NULL DEFAULT '',
  text        TEXT NOT NULL DEFAULT '',
  received_at BIGINT NOT NULL
);

CREATE TABLE arrival_notices (
  id              TEXT PRIMARY KEY,
  event_id        BIGINT NOT NULL,
  checkin_id      TEXT NOT NULL,
  guest_id        BIGINT NOT NULL,
  doc             TEXT NOT NULL,
  device_id       TEXT NOT NULL,
  received_at     BIGINT NOT NULL,
  delivered_at    BIGINT,
  attempts        BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX arrival_notices_due ON arrival_notices(delivered_at, next_attempt_at);

CREATE TABLE webhook_deliveries (
  seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  notice_id    TEXT NOT NULL,
  url          TEXT NOT NULL,
  attempted_at BIGINT NOT NULL,
  http_status  BIGINT NOT NULL DEFAULT 0,
  error        TEXT NOT NULL DEFAULT '',
  duration_ms  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE photos (
  checkin_id   TEXT NOT NULL,
  event_id     BIGINT NOT NULL,
  device_id    TEXT NOT NULL,
  content_type TEXT NOT NULL,
  data         BYTEA NOT NULL,
  received_at  BIGINT NOT NULL,
  PRIMARY KEY (event_id, checkin_id)
);

CREATE SEQUENCE feed_seq;
CREATE TABLE feed (
  seq      BIGINT PRIMARY KEY DEFAULT nextval('feed_seq'),
  event_id BIGINT NOT NULL,
  kind     TEXT NOT NULL,
  key      TEXT NOT NULL,
  doc      TEXT NOT NULL
);
CREATE UNIQUE INDEX feed_by_key ON feed(kind, key);

CREATE TABLE conflicts (
  seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind        TEXT NOT NULL,
  record_id   TEXT NOT NULL,
  event_id    BIGINT NOT NULL,
  device_id   TEXT NOT NULL,
  terminal    TEXT NOT NULL,
  reason      TEXT NOT NULL,
  doc         TEXT NOT NULL,
  received_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX conflicts_once ON conflicts(kind, record_id, device_id, md5(doc));

CREATE TABLE audit (
  id          TEXT PRIMARY KEY,
  event_id    BIGINT NOT NULL,
  terminal    TEXT NOT NULL,
  device_id   TEXT NOT NULL,
  at          BIGINT NOT NULL,
  action      TEXT NOT NULL,
  doc         TEXT NOT NULL,
  received_at BIGINT NOT NULL
);
CREATE INDEX audit_by_event ON audit(event_id, at);

CREATE TABLE guest_edits (
  id          TEXT NOT NULL,
  event_id    BIGINT NOT NULL,
  guest_id    BIGINT NOT NULL,
  device_id   TEXT NOT NULL,
  terminal    TEXT NOT NULL,
  staff_id    TEXT NOT NULL,
  doc         TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (event_id, id)
);
CREATE INDEX guest_edits_by_guest ON guest_edits(event_id, guest_id, received_at);
)sql";

// Version 3 (PostgreSQL only): the rate limiters' token buckets, shared by every instance
// (central/rate_limiter.h). `key` is the limiter's name and a SHA-256, never an address or
// a device id; `at` is the last check (Unix ms); `granted` whether it took a token. On
// SQLite one process serves the database and keeps its buckets in memory.
constexpr std::string_view kPostgres3 = R"sql(
CREATE TABLE rate_buckets (
  key     TEXT PRIMARY KEY,
  tokens  DOUBLE PRECISION NOT NULL,
  at      BIGINT NOT NULL,
  granted BOOLEAN NOT NULL
);
)sql";

// Version 2: as SQLite's version 9 (the console's tables; the same text on both).
// Version 4: as SQLite's version 10 (the console's feedback handling).
// Version 5: as SQLite's version 11 (the console's resolutions of flags).
// Version 6: as SQLite's version 12 (central settings for terminals).
// Version 7: as SQLite's version 13 (OS updates offered to terminals).
constexpr std::array<std::string_view, 7> kPostgresSchema{kPostgres1,
                                                          console::kConsoleSchema,
                                                          kPostgres3,
                                                          console::kConsoleFeedbackSchema,
                                                          console::kConsoleFlagsSchema,
                                                          kTerminalSettingsSchema,
                                                          kOsUpdateSchema};

}  // namespace

Status migrateCentral(Database& db) {
  const auto steps = db.dialect() == cache::Dialect::kPostgres
                         ? std::span<const std::string_view>(kPostgresSchema)
                         : std::span<const std::string_view>(kSchema);
  if (auto migrated = cache::runMigrations(db, steps, "kiosk-central"); !migrated) {
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

}  // namespace kiosk::central
