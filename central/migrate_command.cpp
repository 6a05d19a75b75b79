// `kiosk-central migrate`: moves a site from its SQLite file to PostgreSQL
// (central/site_migration.h), with progress on stderr and a JSON summary on stdout.
#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "central/admin_commands.h"
#include "central/site_migration.h"
#include "offline-cache/postgres_database.h"

namespace kiosk::central {

namespace {

// Tables smaller than this copy in a blink: no progress lines for them.
constexpr std::int64_t kProgressFrom = 1000;

void migrate(const std::string& from, const std::string& to) {
  const auto console = admin::Console("kiosk-central", std::cout, std::cerr);
  auto lastLine = std::chrono::steady_clock::now();
  const auto report = console.valueOr(
      migrateSite(from, to,
                  [&](std::string_view table, std::int64_t done, std::int64_t total) {
                    const auto now = std::chrono::steady_clock::now();
                    if (total >= kProgressFrom &&
                        (done == total || now - lastLine >= std::chrono::seconds(1))) {
                      lastLine = now;
                      std::cerr << "kiosk-central: migrate: " << table << " " << done << "/"
                                << total << " rows\n";
                    }
                  }),
      "migrate");
  nlohmann::json tables = nlohmann::json::object();
  for (const auto& [name, rows] : report.tables) {
    tables[name] = rows;
  }
  std::cout << nlohmann::json{{"from", from},
                              {"to", cache::redactPostgresUrl(to)},
                              {"database_id", report.databaseId},
                              {"next_feed_seq", report.nextFeedSeq},
                              {"tables", tables},
                              {"rows", report.rows},
                              {"seconds", report.seconds}}
                   .dump()
            << "\n";
}

}  // namespace

void addMigrateCommand(CLI::App& app) {
  struct Options {
    std::string from;
    std::string to;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "migrate",
      "Move a site from its SQLite file to PostgreSQL: every table in one transaction, the "
      "database id and feed positions kept, so enrolled terminals carry on. Stop the "
      "site's kiosk-central first; the target must be a new, empty database.");
  cmd->add_option("--from", o->from, "The site's SQLite database file")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--to", o->to,
                  "postgresql://... of the new database (password from PGPASSFILE or "
                  "~/.pgpass rather than the URL)")
      ->required();
  cmd->callback([o] { migrate(o->from, o->to); });
}

}  // namespace kiosk::central
