#include "offline-cache/migrations.h"

#include <array>
#include <string>
#include <string_view>

#include "offline-cache/migration_runner.h"

namespace kiosk::cache {

namespace {

// Times are unix milliseconds (UTC). Lodging, transport and meetings are JSON documents
// on the guest row: a guest is read with one indexed row lookup.
constexpr std::string_view kMigration1 = R"sql(
CREATE TABLE events (
  id                 INTEGER PRIMARY KEY,
  name               TEXT NOT NULL,
  starts_at          INTEGER NOT NULL,
  ends_at            INTEGER NOT NULL,
  timezone           TEXT NOT NULL,
  venue              TEXT NOT NULL DEFAULT '',
  venue_address      TEXT NOT NULL DEFAULT '',
  wifi_ssid          TEXT NOT NULL DEFAULT '',
  wifi_password      TEXT NOT NULL DEFAULT '',
  emergency_contacts TEXT NOT NULL DEFAULT '[]',
  hospital_name      TEXT NOT NULL DEFAULT '',
  hospital_address   TEXT NOT NULL DEFAULT '',
  hospital_phone     TEXT NOT NULL DEFAULT '',
  required_fields    TEXT NOT NULL DEFAULT '',
  retention_days     INTEGER NOT NULL DEFAULT 30,
  self_reprint_limit INTEGER NOT NULL DEFAULT 1,
  purged_at          INTEGER
);

CREATE TABLE signing_keys (
  event_id   INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  key_id     INTEGER NOT NULL,
  public_key BLOB NOT NULL,
  secret_key BLOB,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (event_id, key_id)
) WITHOUT ROWID;

CREATE TABLE revocations (
  event_id   INTEGER NOT NULL,
  token_id   TEXT NOT NULL,
  reason     TEXT NOT NULL DEFAULT '',
  revoked_at INTEGER NOT NULL,
  PRIMARY KEY (event_id, token_id)
) WITHOUT ROWID;

CREATE TABLE guests (
  event_id        INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  guest_id        INTEGER NOT NULL,
  booking_code    TEXT NOT NULL,
  name            TEXT NOT NULL,
  company         TEXT NOT NULL DEFAULT '',
  title           TEXT NOT NULL DEFAULT '',
  category        TEXT NOT NULL DEFAULT 'other',
  language        TEXT NOT NULL DEFAULT '',
  phone           TEXT NOT NULL DEFAULT '',
  email           TEXT NOT NULL DEFAULT '',
  diet            TEXT NOT NULL DEFAULT '',
  allergies       TEXT NOT NULL DEFAULT '',
  accessibility   TEXT NOT NULL DEFAULT '',
  host            TEXT NOT NULL DEFAULT '',
  host_contact    TEXT NOT NULL DEFAULT '',
  status          TEXT NOT NULL DEFAULT 'active',
  escort_required INTEGER NOT NULL DEFAULT 0,
  lodging         TEXT NOT NULL DEFAULT '{}',
  transport       TEXT NOT NULL DEFAULT '[]',
  meetings        TEXT NOT NULL DEFAULT '[]',
  search_keys     TEXT NOT NULL DEFAULT '',  -- this guest's guest_search keys, '\n'-separated
  updated_at      INTEGER NOT NULL,
  PRIMARY KEY (event_id, guest_id)
);
CREATE UNIQUE INDEX guests_by_booking_code ON guests(event_id, booking_code);

-- Search keys (folded name, pinyin, initials, reversed phone digits, booking code),
-- queried by prefix as a range scan: key >= ?q AND key < ?q || U+10FFFF.
CREATE TABLE guest_search (
  event_id INTEGER NOT NULL,
  key      TEXT NOT NULL,
  guest_id INTEGER NOT NULL,
  PRIMARY KEY (event_id, key, guest_id)
) WITHOUT ROWID;

-- Check-ins are facts: several active rows for one guest can arrive from central (two
-- terminals offline at once); the local write path admits a guest once.
CREATE TABLE checkins (
  id              TEXT PRIMARY KEY,
  event_id        INTEGER NOT NULL,
  guest_id        INTEGER NOT NULL,
  terminal        TEXT NOT NULL,
  scanned_at      INTEGER NOT NULL,
  method          TEXT NOT NULL,
  staff_id        TEXT NOT NULL DEFAULT '',
  override_reason TEXT NOT NULL DEFAULT '',
  confirmed_needs TEXT NOT NULL DEFAULT '{}',
  needs_changed   INTEGER NOT NULL DEFAULT 0,
  photo_taken     INTEGER NOT NULL DEFAULT 0,
  undone_at       INTEGER,
  undone_by       TEXT NOT NULL DEFAULT '',
  undo_reason     TEXT NOT NULL DEFAULT '',
  origin          TEXT NOT NULL DEFAULT 'local',
  flagged         INTEGER NOT NULL DEFAULT 0,
  recorded_at     INTEGER NOT NULL
);
CREATE INDEX checkins_by_guest ON checkins(event_id, guest_id, scanned_at);

CREATE TABLE rejections (
  id           TEXT PRIMARY KEY,
  event_id     INTEGER NOT NULL,
  guest_id     INTEGER,
  terminal     TEXT NOT NULL,
  scanned_at   INTEGER NOT NULL,
  outcome      TEXT NOT NULL,
  staff_reason TEXT NOT NULL DEFAULT '',
  detail       TEXT NOT NULL DEFAULT '',
  scan_hash    TEXT NOT NULL,
  source       TEXT NOT NULL
);
CREATE INDEX rejections_by_time ON rejections(event_id, scanned_at);

-- What the sync engine must still send to central, in order. A row is deleted when
-- central accepted it or rejected it for good; kept (with backoff) otherwise.
CREATE TABLE outbox (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  kind            TEXT NOT NULL,
  ref_id          TEXT NOT NULL,
  event_id        INTEGER NOT NULL,
  payload         TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE audit (
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
  at       INTEGER NOT NULL,
  terminal TEXT NOT NULL,
  actor    TEXT NOT NULL,
  action   TEXT NOT NULL,
  event_id INTEGER NOT NULL,
  guest_id INTEGER,
  outcome  TEXT NOT NULL DEFAULT '',
  reason   TEXT NOT NULL DEFAULT '',
  ref_id   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_event ON audit(event_id, at);

CREATE TABLE staff (
  staff_id   TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  role       TEXT NOT NULL DEFAULT 'reception',
  pin_hash   TEXT NOT NULL DEFAULT '',
  badge_hash TEXT NOT NULL DEFAULT '',
  active     INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE photos (
  checkin_id TEXT PRIMARY KEY,
  event_id   INTEGER NOT NULL,
  guest_id   INTEGER NOT NULL,
  path       TEXT NOT NULL,
  taken_at   INTEGER NOT NULL,
  uploaded   INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE print_jobs (
  id         TEXT PRIMARY KEY,
  event_id   INTEGER NOT NULL,
  guest_id   INTEGER NOT NULL,
  checkin_id TEXT NOT NULL DEFAULT '',
  reprint    INTEGER NOT NULL DEFAULT 0,
  state      TEXT NOT NULL,
  printer    TEXT NOT NULL DEFAULT '',
  detail     TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX print_jobs_by_guest ON print_jobs(event_id, guest_id);

CREATE TABLE feedback (
  id       TEXT PRIMARY KEY,
  event_id INTEGER NOT NULL,
  guest_id INTEGER,
  terminal TEXT NOT NULL,
  at       INTEGER NOT NULL,
  kind     TEXT NOT NULL,
  rating   INTEGER,
  category TEXT NOT NULL DEFAULT '',
  text     TEXT NOT NULL DEFAULT ''
);

-- Small key/value state: sync cursor, device token, terminal settings.
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
)sql";

// Sync (offline-cache/sync_store.h): badge templates pulled from central, and outbox rows
// central refused for good, kept for staff and support instead of vanishing. Dead letters
// hold personal data like the outbox does, so the sync engine purges them with the
// event's other personal data and on a device wipe.
constexpr std::string_view kMigration2 = R"sql(
CREATE TABLE badge_templates (
  name       TEXT PRIMARY KEY,
  toml       TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE outbox_dead (
  seq         INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,
  ref_id      TEXT NOT NULL,
  event_id    INTEGER NOT NULL,
  payload     TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  http_status INTEGER NOT NULL,
  problem     TEXT NOT NULL DEFAULT '',
  dead_at     INTEGER NOT NULL
);
)sql";

// Revocation rules (README, "Guest codes"): the guest a revoked code was issued to, when
// known, so that their booking code is refused too; retired signing keys.
constexpr std::string_view kMigration3 = R"sql(
ALTER TABLE revocations ADD COLUMN guest_id INTEGER;
CREATE INDEX revocations_by_guest ON revocations(event_id, guest_id) WHERE guest_id IS NOT NULL;
ALTER TABLE signing_keys ADD COLUMN retired_at INTEGER;
)sql";

// Guest search (kiosk/core/text_search.h): how a name is read when its script does not
// say (a Japanese name in kanji). The search keys themselves are rebuilt by the store
// when the key rules change (LocalStore::reindexIfStale), not here: SQL cannot compute them.
constexpr std::string_view kMigration4 = R"sql(
ALTER TABLE guests ADD COLUMN name_reading TEXT NOT NULL DEFAULT '';
)sql";

// A guest's needs as shown before they changed them at check-in (JSON, NULL when
// unchanged), so that the report and staff see old -> new; purged like confirmed_needs.
constexpr std::string_view kMigration5 = R"sql(
ALTER TABLE checkins ADD COLUMN previous_needs TEXT;
)sql";

// The language a staff member's screens open in (BCP-47 tag, '' = the terminal's default).
constexpr std::string_view kMigration6 = R"sql(
ALTER TABLE staff ADD COLUMN language TEXT NOT NULL DEFAULT '';
)sql";

constexpr std::array<std::string_view, 6> kMigrations{kMigration1, kMigration2, kMigration3,
                                                      kMigration4, kMigration5, kMigration6};

}  // namespace

int latestSchemaVersion() {
  return static_cast<int>(kMigrations.size());
}

Status migrate(Database& db) {
  return runMigrations(db, kMigrations, "kiosk");
}

}  // namespace kiosk::cache
