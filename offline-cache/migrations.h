// The terminal database's schema, as numbered migrations (PRAGMA user_version).
// Migrations only ever get appended; each runs in its own transaction.
#pragma once

#include "kiosk/core/result.h"
#include "offline-cache/database.h"

namespace kiosk::cache {

// The schema version this build writes.
int latestSchemaVersion();

// Brings the database up to latestSchemaVersion(). Fails (kPermanent) when the file was
// written by a newer build, rather than guessing.
Status migrate(Database& db);

}  // namespace kiosk::cache
