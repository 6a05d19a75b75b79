// Moving a site from its SQLite file to PostgreSQL (`kiosk-central migrate`): every table of
// central's schema copied in ONE PostgreSQL transaction (all or nothing), keeping what
// enrolled terminals hold on to - the database id of their feed cursors ("<id>:<seq>"),
// the feed's sequence numbers, their token hashes - so that they carry on without
// re-enrollment and without pulling everything again.
//
// The copier names the columns of each table once (site_migration.cpp). A table or column of
// the source it does not know is an error, not something skipped: a schema step added
// later without its place here makes the move fail instead of losing that data.
//
// Thread rules: opens its own connections; call from one thread. Failures are Result errors:
// kInvalidInput for a refusal (the source is not a central database, the target already
// holds data, a table unknown to the copier), the databases' own errors otherwise. The
// target is unchanged on failure (its schema may have been created).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiosk/core/result.h"

namespace kiosk::central {

struct SiteMigrationReport {
  std::string databaseId;                                    // kept from the source
  std::vector<std::pair<std::string, std::int64_t>> tables;  // copy order, rows of each
  std::int64_t rows = 0;
  std::int64_t nextFeedSeq = 0;  // the first sequence number the target hands out
  double seconds = 0;
};

// Called after each batch of a table: rows copied so far out of `total`.
using SiteMigrationProgress =
    std::function<void(std::string_view table, std::int64_t done, std::int64_t total)>;

// `sqliteFile`: a kiosk-central database file, migrated to the newest SQLite schema step
// first (as `serve` would on start; a file of a newer build is refused). `postgresUrl`: an
// empty database, or one holding only central's schema; its schema is created or brought up
// to date by the usual steps. Counts are compared per table before the commit.
Result<SiteMigrationReport> migrateSite(const std::string& sqliteFile,
                                        const std::string& postgresUrl,
                                        const SiteMigrationProgress& progress = {});

// The tables the copier knows, in copy order.
std::vector<std::string> siteMigrationTables();

}  // namespace kiosk::central
