// The schema of central's database, in steps (a version per step, applied in order).
#pragma once

#include "kiosk/core/result.h"
#include "offline-cache/database.h"

namespace kiosk::central {

// Brings the database to the newest version and gives it its id (the feed cursor's prefix).
Status migrateCentral(cache::Database& db);

}  // namespace kiosk::central
