#include "offline-cache/database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <random>
#include <thread>

#include "offline-cache/database_engine.h"

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

// SQLite's constraint codes under the SQLSTATE PostgreSQL gives the same failure, so a
// caller tells a duplicate apart the same way on both engines.
std::string sqlStateOf(int code) {
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return "23505";
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return "23503";
    case SQLITE_CONSTRAINT_CHECK:
      return "23514";
    case SQLITE_CONSTRAINT_NOTNULL:
      return "23502";
    default:
      return (code & 0xff) == SQLITE_CONSTRAINT ? "23000" : "";
  }
}

[[noreturn]] void fail(sqlite3* db, int code) {
  throw DatabaseError(Database::classify(code), describe(db, code), sqlStateOf(code));
}

class SqliteStatement final : public StatementEngine {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void bindInt(int index, std::int64_t value) override {
    check(sqlite3_bind_int64(stmt_, index, value));
  }
  void bindDouble(int index, double value) override {
    check(sqlite3_bind_double(stmt_, index, value));
  }
  void bindText(int index, std::string_view value) override {
    check(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                              SQLITE_UTF8));
  }
  void bindTextUnowned(int index, std::string_view value) override {
    check(
        sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8));
  }
  void bindBlob(int index, std::span<const std::uint8_t> value) override {
    check(sqlite3_bind_blob64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT));
  }
  void bindNull(int index) override { check(sqlite3_bind_null(stmt_, index)); }

  bool step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
      return true;
    }
    if (rc == SQLITE_DONE) {
      return false;
    }
    fail(db_, rc);
  }
  void reset() noexcept override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  bool isNull(int column) const override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }
  std::int64_t columnInt(int column) const override { return sqlite3_column_int64(stmt_, column); }
  double columnDouble(int column) const override { return sqlite3_column_double(stmt_, column); }
  std::string columnText(int column) const override {
    const auto* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) {
      return {};
    }
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  std::vector<std::uint8_t> columnBlob(int column) const override {
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column));
    return data == nullptr ? std::vector<std::uint8_t>{}
                           : std::vector<std::uint8_t>(data, data + size);
  }

 private:
  void check(int rc) const {
    if (rc != SQLITE_OK) {
      fail(db_, rc);
    }
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class SqliteEngine final : public DatabaseEngine {
 public:
  explicit SqliteEngine(sqlite3* db) : db_(db) {}
  ~SqliteEngine() override {
    cache_.clear();  // finalized before the connection closes
    sqlite3_close_v2(db_);
  }
  SqliteEngine(const SqliteEngine&) = delete;
  SqliteEngine& operator=(const SqliteEngine&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }

  void exec(std::string_view sql) override {
    char* error = nullptr;
    const std::string text(sql);
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
      std::string msg = describe(db_, rc);
      sqlite3_free(error);
      throw DatabaseError(Database::classify(rc), msg, sqlStateOf(rc));
    }
  }

  StatementEngine& prepare(std::string_view sql) override {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      sqlite3_stmt* stmt = nullptr;
      const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                        SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) {
        fail(db_, rc);
      }
      it = cache_.emplace(std::string(sql), std::make_unique<SqliteStatement>(db_, stmt)).first;
    }
    return *it->second;
  }

  std::int64_t lastInsertRowId() const override { return sqlite3_last_insert_rowid(db_); }
  int changes() const override { return sqlite3_changes(db_); }

  int userVersion() override {
    auto& stmt = prepare("PRAGMA user_version");
    const int version = stmt.step() ? static_cast<int>(stmt.columnInt(0)) : 0;
    stmt.reset();
    return version;
  }
  void setUserVersion(int version) override {
    exec("PRAGMA user_version=" + std::to_string(version));
  }
  void lockSchema() override {}
  void unlockSchema() noexcept override {}

  void begin() override { exec("BEGIN IMMEDIATE"); }
  void commit() override { exec("COMMIT"); }
  void rollback() override { exec("ROLLBACK"); }
  bool inTransaction() const override { return sqlite3_get_autocommit(db_) == 0; }

  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_;
  std::map<std::string, std::unique_ptr<SqliteStatement>, std::less<>> cache_;
};

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
  if (impl_ != nullptr) {
    impl_->reset();
  }
}

Statement& Statement::bind(int index, std::int64_t value) {
  impl_->bindInt(index, value);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  impl_->bindDouble(index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  impl_->bindText(index, value);
  return *this;
}

Statement& Statement::bindUnowned(int index, std::string_view value) {
  impl_->bindTextUnowned(index, value);
  return *this;
}

Statement& Statement::bindBlob(int index, std::span<const std::uint8_t> value) {
  impl_->bindBlob(index, value);
  return *this;
}

Statement& Statement::bindNull(int index) {
  impl_->bindNull(index);
  return *this;
}

bool Statement::step() {
  return impl_->step();
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

bool Statement::isNull(int column) const {
  return impl_->isNull(column);
}

std::int64_t Statement::columnInt(int column) const {
  return impl_->columnInt(column);
}

double Statement::columnDouble(int column) const {
  return impl_->columnDouble(column);
}

std::string Statement::columnText(int column) const {
  return impl_->columnText(column);
}

std::vector<std::uint8_t> Statement::columnBlob(int column) const {
  return impl_->columnBlob(column);
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
  auto db =
      std::make_unique<Database>(std::make_unique<SqliteEngine>(raw), memory ? ":memory:" : path);
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

Database::Database(std::unique_ptr<DatabaseEngine> engine, std::string path)
    : engine_(std::move(engine)), path_(std::move(path)), dialect_(engine_->dialect()) {}

Database::~Database() = default;

void Database::exec(std::string_view sql) {
  engine_->exec(sql);
}

Statement Database::prepare(std::string_view sql) {
  return Statement(&engine_->prepare(sql));
}

std::int64_t Database::lastInsertRowId() const {
  return engine_->lastInsertRowId();
}

int Database::changes() const {
  return engine_->changes();
}

int Database::userVersion() {
  return engine_->userVersion();
}

void Database::setUserVersion(int version) {
  engine_->setUserVersion(version);
}

void Database::lockSchema() {
  engine_->lockSchema();
}

void Database::unlockSchema() noexcept {
  engine_->unlockSchema();
}

void Database::begin() {
  engine_->begin();
}

void Database::commit() {
  engine_->commit();
}

void Database::rollback() {
  engine_->rollback();
}

void Database::rollbackQuietly() noexcept {
  try {
    engine_->rollback();
  } catch (const std::exception&) {
    // Nothing to roll back, or the connection is gone: either way the work is undone.
  }
}

void Database::rollbackSavepointQuietly() noexcept {
  try {
    engine_->exec("ROLLBACK TO nested_transaction; RELEASE nested_transaction");
  } catch (const std::exception&) {
    // The outer transaction fails too, at its next statement or commit.
  }
}

void Database::pauseBeforeRetry(int attempt) {
  // Growing and jittered, so that two transactions that keep colliding fall apart.
  thread_local std::minstd_rand random{std::random_device{}()};
  const int ceiling = std::min(attempt, 10) * 5;
  std::this_thread::sleep_for(
      std::chrono::milliseconds(1 + std::uniform_int_distribution<int>(0, ceiling)(random)));
}

bool Database::inTransaction() const {
  return engine_->inTransaction();
}

}  // namespace kiosk::cache
