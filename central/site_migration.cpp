#include "central/site_migration.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <stdexcept>
#include <variant>

#include "central/central_store.h"
#include "offline-cache/database.h"
#include "offline-cache/postgres_database.h"

namespace kiosk::central {

using cache::Database;
using cache::DatabaseError;

namespace {

enum class Kind { kInt, kText, kBlob };

struct Column {
  std::string_view name;
  Kind kind;
};

struct Table {
  std::string_view name;
  std::vector<Column> columns;
  // A column PostgreSQL numbers itself: copied as it is, and its generator set past the
  // largest number SQLite handed out. `sequence` names the generator (feed_seq), or is
  // empty for a GENERATED ALWAYS AS IDENTITY column.
  std::string_view numbered = {};
  std::string_view sequence = {};
};

// Every table of central's schema (SQLite's final step = PostgreSQL's), parents before the
// tables that reference them. A schema step that adds a table or a column adds it here.
const std::vector<Table>& tables() {
  using enum Kind;
  static const std::vector<Table> kTables{
      {"meta", {{"key", kText}, {"value", kText}}},
      {"events", {{"id", kInt}, {"doc", kText}, {"webhook_url", kText}, {"created_at", kInt}}},
      {"signing_keys",
       {{"event_id", kInt},
        {"key_id", kInt},
        {"public_key", kBlob},
        {"secret_key", kBlob},
        {"created_at", kInt},
        {"retired_at", kInt}}},
      {"guests",
       {{"event_id", kInt},
        {"guest_id", kInt},
        {"booking_code", kText},
        {"doc", kText},
        {"updated_at", kInt}}},
      {"revocations",
       {{"event_id", kInt},
        {"token_id", kText},
        {"reason", kText},
        {"revoked_at", kInt},
        {"guest_id", kInt}}},
      {"staff", {{"staff_id", kText}, {"doc", kText}, {"updated_at", kInt}, {"event_id", kInt}}},
      {"badge_templates", {{"name", kText}, {"toml", kText}, {"updated_at", kInt}}},
      {"devices",
       {{"id", kText},
        {"terminal", kText},
        {"event_id", kInt},
        {"token_hash", kText},
        {"token_expires_at", kInt},
        {"enrolled_at", kInt},
        {"revoked_at", kInt},
        {"revoke_reason", kText},
        {"last_seen_at", kInt},
        {"last_address", kText},
        {"version", kText},
        {"health", kText}}},
      {"enrollment_codes",
       {{"code_hash", kText},
        {"terminal", kText},
        {"event_id", kInt},
        {"created_at", kInt},
        {"expires_at", kInt},
        {"used_at", kInt},
        {"device_id", kText}}},
      {"checkins",
       {{"id", kText},
        {"event_id", kInt},
        {"guest_id", kInt},
        {"terminal", kText},
        {"device_id", kText},
        {"scanned_at", kInt},
        {"method", kText},
        {"doc", kText},
        {"undone_at", kInt},
        {"flagged", kInt},
        {"unknown_guest", kInt},
        {"received_at", kInt},
        {"order_at", kInt},
        {"skewed", kInt},
        {"sent_doc", kText}}},
      {"undos",
       {{"checkin_id", kText},
        {"event_id", kInt},
        {"doc", kText},
        {"device_id", kText},
        {"received_at", kInt},
        {"applied", kInt}}},
      {"walk_ins",
       {{"checkin_id", kText},
        {"event_id", kInt},
        {"guest_id", kInt},
        {"device_id", kText},
        {"guest_created", kInt},
        {"received_at", kInt}}},
      {"rejections",
       {{"id", kText},
        {"event_id", kInt},
        {"guest_id", kInt},
        {"terminal", kText},
        {"device_id", kText},
        {"scanned_at", kInt},
        {"outcome", kText},
        {"doc", kText},
        {"received_at", kInt}}},
      {"feedback",
       {{"id", kText},
        {"event_id", kInt},
        {"guest_id", kInt},
        {"terminal", kText},
        {"device_id", kText},
        {"at", kInt},
        {"kind", kText},
        {"rating", kInt},
        {"category", kText},
        {"text", kText},
        {"received_at", kInt}}},
      {"arrival_notices",
       {{"id", kText},
        {"event_id", kInt},
        {"checkin_id", kText},
        {"guest_id", kInt},
        {"doc", kText},
        {"device_id", kText},
        {"received_at", kInt},
        {"delivered_at", kInt},
        {"attempts", kInt},
        {"next_attempt_at", kInt},
        {"last_error", kText}}},
      {"webhook_deliveries",
       {{"seq", kInt},
        {"notice_id", kText},
        {"url", kText},
        {"attempted_at", kInt},
        {"http_status", kInt},
        {"error", kText},
        {"duration_ms", kInt}},
       "seq"},
      {"photos",
       {{"checkin_id", kText},
        {"event_id", kInt},
        {"device_id", kText},
        {"content_type", kText},
        {"data", kBlob},
        {"received_at", kInt}}},
      {"feed",
       {{"seq", kInt}, {"event_id", kInt}, {"kind", kText}, {"key", kText}, {"doc", kText}},
       "seq",
       "feed_seq"},
      {"conflicts",
       {{"seq", kInt},
        {"kind", kText},
        {"record_id", kText},
        {"event_id", kInt},
        {"device_id", kText},
        {"terminal", kText},
        {"reason", kText},
        {"doc", kText},
        {"received_at", kInt}},
       "seq"},
      {"audit",
       {{"id", kText},
        {"event_id", kInt},
        {"terminal", kText},
        {"device_id", kText},
        {"at", kInt},
        {"action", kText},
        {"doc", kText},
        {"received_at", kInt}}},
      {"guest_edits",
       {{"id", kText},
        {"event_id", kInt},
        {"guest_id", kInt},
        {"device_id", kText},
        {"terminal", kText},
        {"staff_id", kText},
        {"doc", kText},
        {"received_at", kInt}}},
      {"console_accounts",
       {{"name", kText},
        {"role", kText},
        {"event_id", kInt},
        {"password_hash", kText},
        {"language", kText},
        {"created_at", kInt},
        {"disabled_at", kInt}}},
      {"console_sessions",
       {{"id_hash", kText},
        {"account", kText},
        {"csrf", kText},
        {"address", kText},
        {"created_at", kInt},
        {"last_seen_at", kInt}}},
      {"console_audit",
       {{"id", kText},
        {"at", kInt},
        {"account", kText},
        {"event_id", kInt},
        {"action", kText},
        {"target", kText},
        {"detail", kText}}},
      {"console_feedback",
       {{"feedback_id", kText},
        {"event_id", kInt},
        {"state", kText},
        {"assigned_to", kText},
        {"answered_at", kInt},
        {"answered_by", kText},
        {"closed_at", kInt},
        {"closed_by", kText},
        {"note", kText},
        {"updated_at", kInt}}},
      {"console_flag_resolutions",
       {{"event_id", kInt},
        {"kind", kText},
        {"flag_id", kText},
        {"record_id", kText},
        {"decision", kText},
        {"note", kText},
        {"account", kText},
        {"at", kInt}}},
      {"terminal_settings",
       {{"event_id", kInt},
        {"version", kInt},
        {"settings", kText},
        {"created_at", kInt},
        {"created_by", kText}}},
      {"os_updates",
       {{"event_id", kInt},
        {"number", kInt},
        {"version", kText},
        {"url", kText},
        {"sha256", kText},
        {"size", kInt},
        {"created_at", kInt},
        {"created_by", kText}}},
  };
  return kTables;
}

// PostgreSQL's tables that have no counterpart in a SQLite site: the schema's bookkeeping,
// and the instances' shared rate-limit buckets (passing state, refilled on their own).
constexpr std::array<std::string_view, 2> kTargetOnly{"schema_version", "rate_buckets"};

// Rows per INSERT and bytes per batch: few round trips, bounded memory (photos are up to
// 4 MiB each), and under PostgreSQL's 65,535 parameters per statement.
constexpr std::size_t kBatchRows = 500;
constexpr std::size_t kBatchBytes = std::size_t{8} * 1024 * 1024;

[[noreturn]] void refuse(const std::string& message) {
  throw DatabaseError(ErrorKind::kInvalidInput, message);
}

std::string joined(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    out += (out.empty() ? "" : ", ") + n;
  }
  return out;
}

std::set<std::string> known(const Table& table) {
  std::set<std::string> names;
  for (const auto& c : table.columns) {
    names.emplace(c.name);
  }
  return names;
}

// The first column of every row of `sql`, with `parameter` bound to ?1 when given.
std::set<std::string> strings(Database& db, const std::string& sql,
                              const std::string& parameter = {}) {
  auto s = db.prepare(sql);
  if (!parameter.empty()) {
    s.bind(1, parameter);
  }
  std::set<std::string> out;
  while (s.step()) {
    out.insert(s.columnText(0));
  }
  return out;
}

// The same tables and columns on both sides as in the copier's list, or a refusal naming
// what differs.
void checkSchemas(Database& source, Database& target) {
  std::set<std::string> mine;
  for (const auto& t : tables()) {
    mine.emplace(t.name);
  }
  auto sourceTables = strings(source,
                              "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT "
                              "LIKE 'sqlite\\_%' ESCAPE '\\'");
  auto targetTables = strings(target,
                              "SELECT table_name FROM information_schema.tables WHERE "
                              "table_schema = current_schema() AND table_type = 'BASE TABLE'");
  for (const auto name : kTargetOnly) {
    targetTables.erase(std::string(name));
  }
  for (const auto& [side, found] :
       {std::pair{"the source", &sourceTables}, std::pair{"the target", &targetTables}}) {
    std::set<std::string> unknown;
    std::set_difference(found->begin(), found->end(), mine.begin(), mine.end(),
                        std::inserter(unknown, unknown.end()));
    if (!unknown.empty()) {
      refuse(std::string(side) + " has tables this build cannot copy (" + joined(unknown) +
             "): a schema step without its place in the copier; nothing was copied");
    }
    std::set<std::string> missing;
    std::set_difference(mine.begin(), mine.end(), found->begin(), found->end(),
                        std::inserter(missing, missing.end()));
    if (!missing.empty()) {
      refuse(std::string(side) + " lacks central's tables " + joined(missing));
    }
  }
  for (const auto& t : tables()) {
    const auto want = known(t);
    const auto sourceColumns =
        strings(source, "SELECT name FROM pragma_table_info(?1)", std::string(t.name));
    const auto targetColumns = strings(target,
                                       "SELECT column_name FROM information_schema.columns WHERE "
                                       "table_schema = current_schema() AND table_name = ?1",
                                       std::string(t.name));
    if (sourceColumns != want || targetColumns != want) {
      refuse("table " + std::string(t.name) + " has columns [" +
             joined(sourceColumns != want ? sourceColumns : targetColumns) + "] in " +
             (sourceColumns != want ? "the source" : "the target") + ", the copier knows [" +
             joined(want) + "]; nothing was copied");
    }
  }
}

std::int64_t count(Database& db, std::string_view table) {
  auto s = db.prepare("SELECT COUNT(*) FROM " + std::string(table));
  return s.step() ? s.columnInt(0) : 0;
}

using Value = std::variant<std::monostate, std::int64_t, std::string, std::vector<std::uint8_t>>;

std::string insertSql(const Table& t, std::size_t rows) {
  std::string columns;
  for (const auto& c : t.columns) {
    columns += (columns.empty() ? "" : ", ") + std::string(c.name);
  }
  std::string sql = "INSERT INTO " + std::string(t.name) + " (" + columns + ")" +
                    (!t.numbered.empty() && t.sequence.empty() ? " OVERRIDING SYSTEM VALUE" : "") +
                    " VALUES ";
  int n = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      sql += (c == 0 ? "?" : ", ?") + std::to_string(++n);
    }
    sql += ")";
  }
  return sql;
}

void insertBatch(Database& target, const Table& t, const std::vector<std::vector<Value>>& rows) {
  if (rows.empty()) {
    return;
  }
  auto s = target.prepare(insertSql(t, rows.size()));
  int n = 0;
  for (const auto& row : rows) {
    for (const auto& v : row) {
      ++n;
      if (std::holds_alternative<std::monostate>(v)) {
        s.bindNull(n);
      } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
        s.bind(n, *i);
      } else if (const auto* text = std::get_if<std::string>(&v)) {
        s.bind(n, *text);
      } else {
        s.bindBlob(n, std::get<std::vector<std::uint8_t>>(v));
      }
    }
  }
  s.run();
}

std::int64_t copyTable(Database& source, Database& target, const Table& t, std::int64_t total,
                       const SiteMigrationProgress& progress) {
  std::string columns;
  for (const auto& c : t.columns) {
    columns += (columns.empty() ? "" : ", ") + std::string(c.name);
  }
  auto read = source.prepare("SELECT " + columns + " FROM " + std::string(t.name));
  std::vector<std::vector<Value>> batch;
  std::size_t bytes = 0;
  std::int64_t done = 0;
  auto flush = [&] {
    insertBatch(target, t, batch);
    done += static_cast<std::int64_t>(batch.size());
    batch.clear();
    bytes = 0;
    if (progress) {
      progress(t.name, done, total);
    }
  };
  while (read.step()) {
    std::vector<Value> row;
    row.reserve(t.columns.size());
    for (int c = 0; c < static_cast<int>(t.columns.size()); ++c) {
      if (read.isNull(c)) {
        row.emplace_back(std::monostate{});
        continue;
      }
      switch (t.columns[static_cast<std::size_t>(c)].kind) {
        case Kind::kInt:
          row.emplace_back(read.columnInt(c));
          break;
        case Kind::kText:
          bytes += std::get<std::string>(row.emplace_back(read.columnText(c))).size();
          break;
        case Kind::kBlob:
          bytes += std::get<std::vector<std::uint8_t>>(row.emplace_back(read.columnBlob(c))).size();
          break;
      }
    }
    batch.push_back(std::move(row));
    if (batch.size() >= kBatchRows || bytes >= kBatchBytes) {
      flush();
    }
  }
  if (!batch.empty()) {
    flush();
  }
  return done;
}

// The largest number SQLite handed out for `table`: AUTOINCREMENT never reuses one, and a
// terminal's cursor may name a number whose row was replaced since.
std::int64_t highestNumber(Database& source, const Table& t) {
  std::int64_t highest = 0;
  {
    auto s = source.prepare("SELECT COALESCE(MAX(" + std::string(t.numbered) + "), 0) FROM " +
                            std::string(t.name));
    if (s.step()) {
      highest = s.columnInt(0);
    }
  }
  auto s = source.prepare("SELECT seq FROM sqlite_sequence WHERE name = ?1");
  s.bind(1, std::string(t.name));
  if (s.step()) {
    highest = std::max(highest, s.columnInt(0));
  }
  return highest;
}

// Refuses a file that is not central's before anything writes to it (migrating a
// terminal's cache or a stranger's database would add central's tables to it).
void requireCentralFile(const std::string& file) {
  cache::OpenOptions options;
  options.create = false;
  options.readOnly = true;
  auto db = Database::open(file, options);
  if (!db) {
    throw DatabaseError(db.error().kind, db.error().message);
  }
  auto s = (*db)->prepare(
      "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'feed', "
      "'events', 'devices')");
  if (!s.step() || s.columnInt(0) != 4) {
    refuse(file +
           " is not a kiosk-central database (it lacks central's meta, events, devices "
           "and feed tables)");
  }
}

}  // namespace

std::vector<std::string> siteMigrationTables() {
  std::vector<std::string> names;
  for (const auto& t : tables()) {
    names.emplace_back(t.name);
  }
  return names;
}

Result<SiteMigrationReport> migrateSite(const std::string& sqliteFile,
                                        const std::string& postgresUrl,
                                        const SiteMigrationProgress& progress) {
  const auto started = std::chrono::steady_clock::now();
  if (cache::isPostgresUrl(sqliteFile)) {
    return makeError(ErrorKind::kInvalidInput,
                     "--from must be a SQLite file (moving between PostgreSQL databases: "
                     "pg_dump and pg_restore)");
  }
  if (!cache::isPostgresUrl(postgresUrl)) {
    return makeError(ErrorKind::kInvalidInput,
                     "--to must be a postgresql:// URL (a SQLite file is copied as a file)");
  }
  if (auto checked = cache::guardedStatus(sqliteFile, [&] { requireCentralFile(sqliteFile); });
      !checked) {
    return checked.error();
  }
  auto sourceStore = CentralStore::open(sqliteFile);
  if (!sourceStore) {
    return sourceStore.error();
  }
  auto targetStore = CentralStore::open(postgresUrl);
  if (!targetStore) {
    return targetStore.error();
  }
  Database& source = (*sourceStore)->database();
  Database& target = (*targetStore)->database();
  return cache::guarded("migrating to " + target.path(), [&] {
    SiteMigrationReport report;
    // One read transaction on the source: a consistent snapshot even if a central still
    // writes to it (it should be stopped: what it writes after the snapshot is not moved).
    source.exec("BEGIN");
    struct EndRead {
      Database& db;
      ~EndRead() {
        try {
          db.exec("ROLLBACK");
        } catch (const std::exception&) {
        }
      }
    } endRead{source};
    target.begin();
    try {
      checkSchemas(source, target);
      std::set<std::string> holding;
      for (const auto& t : tables()) {
        if (t.name != "meta" && count(target, t.name) > 0) {
          holding.emplace(t.name);
        }
      }
      if (!holding.empty()) {
        refuse("the target already holds data (" + joined(holding) +
               "); migrate into a new, empty database");
      }
      // The target's own database id (made when its schema was) gives way to the source's:
      // terminals' cursors name it.
      target.exec("DELETE FROM meta");
      for (const auto& t : tables()) {
        const auto total = count(source, t.name);
        const auto copied = copyTable(source, target, t, total, progress);
        report.tables.emplace_back(t.name, copied);
        report.rows += copied;
      }
      for (const auto& t : tables()) {
        if (t.numbered.empty()) {
          continue;
        }
        const auto next = highestNumber(source, t) + 1;
        const auto sequence =
            t.sequence.empty()
                ? strings(target, "SELECT pg_get_serial_sequence('" + std::string(t.name) + "', '" +
                                      std::string(t.numbered) + "')")
                : std::set<std::string>{std::string(t.sequence)};
        if (sequence.size() != 1) {
          refuse("the target's " + std::string(t.name) + "." + std::string(t.numbered) +
                 " has no sequence");
        }
        target.prepare("SELECT setval(?1::regclass, ?2::bigint, false)")
            .bind(1, *sequence.begin())
            .bind(2, next)
            .step();
        if (t.name == "feed") {
          report.nextFeedSeq = next;
        }
      }
      for (const auto& [name, copied] : report.tables) {
        const auto inSource = count(source, name);
        const auto inTarget = count(target, name);
        if (inSource != copied || inTarget != copied) {
          throw DatabaseError(ErrorKind::kPermanent,
                              "table " + name + ": " + std::to_string(inSource) +
                                  " rows in the source, " + std::to_string(inTarget) +
                                  " in the target; nothing was committed");
        }
      }
      auto id = target.prepare("SELECT value FROM meta WHERE key = 'database_id'");
      if (!id.step()) {
        refuse("the source has no database id");
      }
      report.databaseId = id.columnText(0);
      target.commit();
    } catch (...) {
      try {
        target.rollback();
      } catch (const std::exception&) {
      }
      throw;
    }
    report.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
  });
}

}  // namespace kiosk::central
