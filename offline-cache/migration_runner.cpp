#include "offline-cache/migration_runner.h"

#include <string>

namespace kiosk::cache {

Status runMigrations(Database& db, std::span<const std::string_view> steps,
                     std::string_view writer) {
  return guardedStatus("migrating " + db.path(), [&] {
    db.lockSchema();
    struct Unlock {
      Database& db;
      ~Unlock() { db.unlockSchema(); }
    } unlock{db};
    const int latest = static_cast<int>(steps.size());
    const int current = db.userVersion();
    if (current > latest) {
      throw DatabaseError(ErrorKind::kPermanent,
                          "schema version " + std::to_string(current) + " was written by a newer " +
                              std::string(writer) + " build (this build knows up to " +
                              std::to_string(latest) + ")");
    }
    for (int version = current + 1; version <= latest; ++version) {
      db.transaction([&] {
        db.exec(steps[static_cast<std::size_t>(version - 1)]);
        db.setUserVersion(version);
      });
    }
  });
}

}  // namespace kiosk::cache
