#include "offline-cache/database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kiosk::cache {

namespace {

std::string describe(sqlite3* db, int code) {
  std::string msg = sqlite3_errstr(code);
  if (db != nullptr) {
    const char* detail = sqlite3_errmsg(db);
    if (detail != nullptr && msg != detail) {
      msg += " (";
      msg += detail;
      msg += ")";
    }
  }
  switch (code & 0xff) {
    case SQLITE_FULL:
      msg += " - the disk is full; free space on the data partition";
      break;
    case SQLITE_READONLY:
      msg += " - the database file is read-only";
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      msg += " - the database file is damaged";
      break;
    default:
      break;
  }
  return msg;
}

// Creates the file with mode 0600 before SQLite opens it, so that guest data is never
// readable by other users, not even for an instant. SQLite gives the -wal and -shm
// files the same permissions as the database file.
Status createPrivateFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return okStatus();
    }
    return makeError(ErrorKind::kPermanent, "cannot create " + path + ": " + std::strerror(errno));
  }
  ::close(fd);
  return okStatus();
}

}  // namespace

ErrorKind Database::classify(int code) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_INTERRUPT:
    case SQLITE_NOMEM:
      return ErrorKind::kTransient;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorKind::kCorrupt;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
      return ErrorKind::kInvalidInput;
    case SQLITE_CANTOPEN:
    case SQLITE_NOTFOUND:
      return ErrorKind::kNotFound;
    default:
      return ErrorKind::kPermanent;
  }
}

void Statement::reset() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

void Statement::fail(int code) const {
  throw DatabaseError(Database::classify(code), describe(db_, code));
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (const int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) {
    fail(rc);
  }
  return *this;
}

Statement& Statement::bind(int index, double value) {
  if (const int rc = sqlite3_bind_double(stmt_, index, value); rc != SQLITE_OK) {
    fail(rc);
  }
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  if (const int rc = sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                         SQLITE_UTF8);
      rc != SQLITE_OK) {
    fail(rc);
  }
  return *this;
}

Statement& Statement::bindBlob(int index, std::span<const std::uint8_t> value) {
  if (const int rc =
          sqlite3_bind_blob64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT);
      rc != SQLITE_OK) {
    fail(rc);
  }
  return *this;
}

Statement& Statement::bindNull(int index) {
  if (const int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) {
    fail(rc);
  }
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  fail(rc);
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

bool Statement::isNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::columnInt(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double Statement::columnDouble(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string Statement::columnText(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::vector<std::uint8_t> Statement::columnBlob(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
  return data == nullptr ? std::vector<std::uint8_t>{}
                         : std::vector<std::uint8_t>(data, data + size);
}

std::optional<std::int64_t> Statement::columnOptionalInt(int column) const {
  if (isNull(column)) {
    return std::nullopt;
  }
  return columnInt(column);
}

Result<std::unique_ptr<Database>> Database::open(const std::string& path,
                                                 const OpenOptions& options) {
  const bool memory = path == ":memory:" || path.empty();
  if (!memory && options.create && !options.readOnly) {
    if (auto created = createPrivateFile(path); !created) {
      return created.error();
    }
  }
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  flags |= options.readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  const int rc = sqlite3_open_v2(memory ? ":memory:" : path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<Database> db(new Database(raw, memory ? ":memory:" : path));
  if (rc != SQLITE_OK) {
    return makeError(classify(rc), "cannot open database " + path + ": " + describe(raw, rc));
  }
  if (!memory && !options.readOnly) {
    // An existing file may have been copied in with loose permissions.
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      ::chmod(path.c_str(), 0600);
    }
  }
  sqlite3_busy_timeout(raw, static_cast<int>(options.busyTimeout.count()));
  sqlite3_extended_result_codes(raw, 1);
  try {
    if (options.checkIntegrity && !memory) {
      auto check = db->prepare("PRAGMA integrity_check");
      std::string problems;
      while (check.step()) {
        const auto line = check.columnText(0);
        if (line != "ok") {
          problems += "\n  " + line;
        }
      }
      if (!problems.empty()) {
        return makeError(ErrorKind::kCorrupt, "database " + path +
                                                  " failed its integrity check; restore it from "
                                                  "central or a backup, or move it away to start "
                                                  "empty:" +
                                                  problems);
      }
    }
    if (!options.readOnly) {
      db->exec("PRAGMA journal_mode=WAL");
      // FULL: an accepted check-in survives a power cut the moment COMMIT returns.
      db->exec("PRAGMA synchronous=FULL");
    }
    db->exec("PRAGMA foreign_keys=ON");
    // 32 MB of page cache (the default is 2 MB): a 100,000-guest import or roster pull is
    // one transaction, and a small cache spills its pages to the WAL again and again.
    db->exec("PRAGMA cache_size=-32768");
  } catch (const DatabaseError& e) {
    return makeError(e.kind(), "cannot use database " + path + ": " + e.what());
  }
  return db;
}

Database::~Database() {
  for (auto& [sql, stmt] : cache_) {
    sqlite3_finalize(stmt);
  }
  sqlite3_close_v2(db_);
}

void Database::exec(std::string_view sql) {
  char* error = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string msg = describe(db_, rc);
    sqlite3_free(error);
    throw DatabaseError(classify(rc), msg);
  }
}

Statement Database::prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      throw DatabaseError(classify(rc), describe(db_, rc));
    }
    it = cache_.emplace(std::string(sql), stmt).first;
  }
  return Statement(db_, it->second);
}

std::int64_t Database::lastInsertRowId() const {
  return sqlite3_last_insert_rowid(db_);
}

int Database::changes() const {
  return sqlite3_changes(db_);
}

int Database::userVersion() {
  auto stmt = prepare("PRAGMA user_version");
  return stmt.step() ? static_cast<int>(stmt.columnInt(0)) : 0;
}

void Database::rollbackQuietly() noexcept {
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Database::rollbackSavepointQuietly() noexcept {
  sqlite3_exec(db_, "ROLLBACK TO nested_transaction; RELEASE nested_transaction", nullptr, nullptr,
               nullptr);
}

bool Database::inTransaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

}  // namespace kiosk::cache
