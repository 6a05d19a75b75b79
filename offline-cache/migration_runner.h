// The migration runner shared by the terminal's cache and kiosk-central: a schema is a list
// of numbered steps (PRAGMA user_version = how many have run). Steps only ever get appended;
// each runs in its own transaction, so a crash leaves the file at a whole step.
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
