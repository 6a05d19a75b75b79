// The reception console's tables: central's schema step 9 on SQLite, step 2 on PostgreSQL
// (central_schema.cpp lists it), and the feedback handling of step 10 / 4. Plain standard SQL, the
// same text on both; times are Unix milliseconds, so every integer is BIGINT (SQLite reads it as
// BIGINT).
#pragma once

#include <string_view>

namespace kiosk::central::console {

// - console_accounts: who may log in to the console. event_id 0 = every event. The password
//   is an Argon2id string (kiosk/core/secret_hash.h), like the staff PINs.
// - console_sessions: a logged-in browser. Only the SHA-256 of the session id is kept: a
//   copy of the database does not let anyone take over a session.
// - console_audit: every change made through the console (and every login), with the account.
inline constexpr std::string_view kConsoleSchema = R"sql(
CREATE TABLE console_accounts (
  name          TEXT PRIMARY KEY,
  role          TEXT NOT NULL,
  event_id      BIGINT NOT NULL,
  password_hash TEXT NOT NULL,
  language      TEXT NOT NULL DEFAULT '',
  created_at    BIGINT NOT NULL,
  disabled_at   BIGINT
);

CREATE TABLE console_sessions (
  id_hash      TEXT PRIMARY KEY,
  account      TEXT NOT NULL REFERENCES console_accounts(name),
  csrf         TEXT NOT NULL,
  address      TEXT NOT NULL DEFAULT '',
  created_at   BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL
);
CREATE INDEX console_sessions_by_account ON console_sessions(account);

CREATE TABLE console_audit (
  id       TEXT PRIMARY KEY,
  at       BIGINT NOT NULL,
  account  TEXT NOT NULL,
  event_id BIGINT NOT NULL,
  action   TEXT NOT NULL,
  target   TEXT NOT NULL DEFAULT '',
  detail   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX console_audit_by_time ON console_audit(event_id, at);
)sql";

// - console_feedback: the desk's handling of a repair request or complaint a terminal sent
//   (central's feedback table holds what the guest said and is never changed): who has it,
//   whether it was answered (and when: the 2-hour response clock), closed, and the closing
//   note. A request without a row here is open and nobody's. Central's schema step 10 on
//   SQLite, step 4 on PostgreSQL.
inline constexpr std::string_view kConsoleFeedbackSchema = R"sql(
CREATE TABLE console_feedback (
  feedback_id TEXT PRIMARY KEY,
  event_id    BIGINT NOT NULL,
  state       TEXT NOT NULL DEFAULT 'open',
  assigned_to TEXT NOT NULL DEFAULT '',
  answered_at BIGINT,
  answered_by TEXT NOT NULL DEFAULT '',
  closed_at   BIGINT,
  closed_by   TEXT NOT NULL DEFAULT '',
  note        TEXT NOT NULL DEFAULT '',
  updated_at  BIGINT NOT NULL
);
CREATE INDEX console_feedback_by_event ON console_feedback(event_id, state);
CREATE INDEX feedback_by_event ON feedback(event_id, received_at);
)sql";

}  // namespace kiosk::central::console

namespace kiosk::central::console {

// - console_flag_resolutions: a supervisor's decision on a flag central raised (a second
//   admission, a check-in with an implausible scan time, a re-sent id with another document),
//   with the required note, the account and the time. The records themselves are never
//   changed: this is the desk's record of what it decided. kind is "second", "skewed" or
//   "conflict"; flag_id the flagged check-in's id, or the conflict's seq; record_id the id the
//   records carry. One decision per flag. Central's schema step 11 on SQLite, step 5 on
//   PostgreSQL. The partial indexes find an event's flagged and skewed check-ins without
//   reading all of them: every page a supervisor opens counts the open flags.
inline constexpr std::string_view kConsoleFlagsSchema = R"sql(
CREATE TABLE console_flag_resolutions (
  event_id   BIGINT NOT NULL,
  kind       TEXT NOT NULL,
  flag_id    TEXT NOT NULL,
  record_id  TEXT NOT NULL,
  decision   TEXT NOT NULL,
  note       TEXT NOT NULL,
  account    TEXT NOT NULL,
  at         BIGINT NOT NULL,
  PRIMARY KEY (event_id, kind, flag_id)
);
CREATE INDEX checkins_flagged ON checkins(event_id) WHERE flagged = 1;
CREATE INDEX checkins_skewed ON checkins(event_id) WHERE skewed = 1;
)sql";

}  // namespace kiosk::central::console
