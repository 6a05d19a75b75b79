// The console's records: one list of what happened at an event, from the console's own audit
// (console_audit: every change and sign-in with its account), the audit rows terminals send
// central (audit: staff lockouts), and the admissions and undos terminals pushed (checkins),
// newest first. Plain standard SQL on CentralStore::database(), for SQLite and PostgreSQL.
// Thread rules: those of the Database. Failures are Result errors as in offline-cache.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "central/central_store.h"
#include "kiosk/core/result.h"
#include "kiosk/core/time.h"

namespace kiosk::central::console {

struct RecordRow {
  TimePoint at{};
  std::string source;  // "console", "terminal" (a terminal's audit row), "admission"
  std::string actor;   // the console account, or the terminal's actor ("staff:s1", "guest")
  std::string place;   // "console" or the terminal's name
  std::string action;  // "login", "feedback_close", "staff_locked_out", "checkin", "undo", ...
  std::string target;  // what it was about (a guest's name and id, a request's id, ...)
  std::string detail;
};

// What the desk searches for; empty fields match everything.
struct RecordQuery {
  std::string text;               // in any field, case-insensitive for ASCII
  std::string actor;              // the actor or the place, exactly (case-insensitive)
  std::string action;             // exactly
  std::optional<TimePoint> from;  // at >= from
  std::optional<TimePoint> to;    // at < to
};

bool matches(const RecordRow& row, const RecordQuery& query);

// The event's records between the query's times (all when it gives none), newest first,
// filtered by the query.
Result<std::vector<RecordRow>> searchRecords(CentralStore& store, EventId eventId,
                                             const RecordQuery& query);

// Admissions central flagged (second admissions, skewed clocks) with a scan time in
// [from, to).
Result<int> flaggedAdmissions(CentralStore& store, EventId eventId, TimePoint from, TimePoint to);

}  // namespace kiosk::central::console
