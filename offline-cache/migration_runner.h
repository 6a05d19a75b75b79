// The migration runner shared by the terminal's cache and kiosk-central: a schema is a list
// of numbered steps (Database::userVersion() = how many have run: SQLite's PRAGMA
// user_version, PostgreSQL's schema_version table). Steps only ever get appended; each
// runs in its own transaction, so a crash leaves the database at a whole step. Works on
// both engines; the steps are SQL of the database's dialect. On PostgreSQL several
// processes starting at once migrate one after the other (Database::lockSchema()).
#pragma once

#include <span>
#include <string_view>

#include "kiosk/core/result.h"
#include "offline-cache/database.h"

namespace kiosk::cache {

// Runs the steps after the file's user_version. Fails (kPermanent) when the file was written
// by a newer build (user_version beyond the list), rather than guessing; `writer` names that
// build in the message ("kiosk", "kiosk-central").
Status runMigrations(Database& db, std::span<const std::string_view> steps,
                     std::string_view writer);

}  // namespace kiosk::cache
