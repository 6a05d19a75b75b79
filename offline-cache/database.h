// Database: one connection with the kiosk's settings, and Statement, a cached prepared
// statement. SQLite is the engine of the terminal and central's default; central can also
// run on PostgreSQL (offline-cache/postgres_database.h, a library of its own so that the
// terminal never links libpq). The API is the same on both; dialect() tells a caller
// which SQL to use for the few statements that must differ. SQL is written in SQLite's
// spelling: `?` and `?N` placeholders work on both engines.
//
// Thread rules: a Database belongs to the thread that opened it (one connection per
// thread); open another Database on the same file (or URL) for another thread. SQLite:
// WAL mode lets readers and one writer work at once; a busy database is waited for up to
// OpenOptions::busyTimeout (PostgreSQL: lock_timeout).
//
// Failures: open() returns an error (kCorrupt when integrity_check fails or the file is
// not a database, kPermanent when it cannot be created). Inside the cache, statement
// failures throw DatabaseError, which the store's public methods turn into Result
// errors (disk full -> kTransient with a message saying so). A constraint violation
// (unique, foreign key, check, not null) is kInvalidInput on both engines and
// DatabaseError::isConstraintViolation() is true; sqlState() names it (PostgreSQL's
// SQLSTATE; SQLite's constraint codes are given the matching SQLSTATE).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "kiosk/core/result.h"

namespace kiosk::cache {

class DatabaseEngine;
class StatementEngine;

// Which SQL the connection speaks.
enum class Dialect { kSqlite, kPostgres };

class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(ErrorKind kind, const std::string& message, std::string sqlState = {})
      : std::runtime_error(message), kind_(kind), sqlState_(std::move(sqlState)) {}
  ErrorKind kind() const { return kind_; }
  // The SQLSTATE of the failure ("23505", "40001"), or empty when none applies.
  const std::string& sqlState() const { return sqlState_; }
  // A unique, foreign key, check or not-null constraint refused the write (class 23).
  bool isConstraintViolation() const { return sqlState_.starts_with("23"); }
  // PostgreSQL aborted a transaction to keep it serializable, or to break a deadlock
  // (40001, 40P01): running the whole transaction again is the cure.
  bool isSerializationFailure() const { return sqlState_ == "40001" || sqlState_ == "40P01"; }
  // A unique key refused an insert (23505).
  bool isUniqueViolation() const { return sqlState_ == "23505"; }

 private:
  ErrorKind kind_;
  std::string sqlState_;
};

struct OpenOptions {
  bool create = true;          // create the file (mode 0600) when absent (SQLite)
  bool checkIntegrity = true;  // PRAGMA integrity_check before use (SQLite)
  bool readOnly = false;
  std::chrono::milliseconds busyTimeout{5000};  // PostgreSQL: lock_timeout
  // PostgreSQL's application_name (pg_stat_activity), unless the URL sets one.
  std::string applicationName = "kiosk";
  // PostgreSQL: when not 0, a transaction is READ COMMITTED and first takes this advisory
  // lock (held to its end), so that the writers of the database take turns as on SQLite
  // (BEGIN IMMEDIATE) and see each other's commits; no serialization failures arise
  // between them. 0: transactions are SERIALIZABLE (and rerun by transaction()).
  std::int64_t writeLock = 0;
};

class Statement {
 public:
  explicit Statement(StatementEngine* impl) : impl_(impl) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept : impl_(other.impl_) { other.impl_ = nullptr; }
  ~Statement() { reset(); }  // the prepared statement stays cached in the Database

  // Binding is 1-based, as in SQLite.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, std::uint32_t value) {
    return bind(index, static_cast<std::int64_t>(value));
  }
  Statement& bind(int index, bool value) {
    return bind(index, static_cast<std::int64_t>(value ? 1 : 0));
  }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) {
    return bind(index, std::string_view(value));
  }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  // Text read in place, not copied: `value` must stay valid until the statement has run or
  // is reset. For hot loops of a bulk write (a copy per value was a tenth of an import).
  Statement& bindUnowned(int index, std::string_view value);
  Statement& bindBlob(int index, std::span<const std::uint8_t> value);
  Statement& bindNull(int index);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bindNull(index);
  }

  // Advances; true while a row is available. (PostgreSQL: the first call runs the
  // statement and fetches all its rows.)
  bool step();
  // Runs to completion and resets, so the statement can be bound and run again
  // (for statements without result rows).
  void run();
  // Back to the start with no bindings.
  void reset();

  bool isNull(int column) const;
  std::int64_t columnInt(int column) const;
  double columnDouble(int column) const;
  std::string columnText(int column) const;
  std::vector<std::uint8_t> columnBlob(int column) const;
  std::optional<std::int64_t> columnOptionalInt(int column) const;

 private:
  StatementEngine* impl_;
};

class Database {
 public:
  // SQLite: a file (created with mode 0600 when absent) or ":memory:".
  static Result<std::unique_ptr<Database>> open(const std::string& path,
                                                const OpenOptions& options = {});
  // For an engine's open function (openPostgres); `path` is what path() reports.
  Database(std::unique_ptr<DatabaseEngine> engine, std::string path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // The file, or the PostgreSQL URL without its password.
  const std::string& path() const { return path_; }
  Dialect dialect() const { return dialect_; }

  // Executes one or more statements without parameters. Throws DatabaseError.
  void exec(std::string_view sql);
  // A cached prepared statement; reset when the returned Statement goes out of scope.
  // Throws DatabaseError. Only one live Statement per SQL text at a time.
  Statement prepare(std::string_view sql);

  // SQLite only: PostgreSQL throws DatabaseError (kPermanent); use INSERT ... RETURNING.
  std::int64_t lastInsertRowId() const;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int changes() const;

  // Schema version: SQLite's PRAGMA user_version; on PostgreSQL the one row of table
  // schema_version (created when absent; 0 when empty).
  int userVersion();
  void setUserVersion(int version);
  // Keeps other processes from migrating the schema at the same time until
  // unlockSchema() (PostgreSQL: a session advisory lock; SQLite: nothing, each
  // migration step holds the write lock). Used by runMigrations.
  void lockSchema();
  void unlockSchema() noexcept;

  // Runs `body` in a transaction and commits when body returns; rolls back and rethrows
  // when it throws. The outermost transaction is BEGIN IMMEDIATE on SQLite (the write lock
  // is taken at once, so a check-in never fails half-way on a busy database) and
  // BEGIN ISOLATION LEVEL SERIALIZABLE on PostgreSQL. Inside another transaction it
  // becomes a savepoint, so that store operations compose (the sync engine applies a
  // whole pulled page, guests included, in one transaction).
  //
  // PostgreSQL: when the outermost transaction fails with a serialization failure or a
  // deadlock (DatabaseError::isSerializationFailure(), at any statement or at COMMIT), it
  // (OpenOptions::writeLock makes them rare: deadlocks only)
  // is rolled back and `body` runs again, up to kTransactionTries times with a short
  // growing pause; then the last error is thrown (kTransient). So `body` MUST be
  // re-runnable: it may only have effects through this Database (no counters bumped,
  // no messages sent, no values moved out of captured variables before the commit).
  // A unique violation (23505) is run again too, a few times (kUniqueViolationTries):
  // PostgreSQL reports it, not a serialization failure, when another transaction inserted
  // the same key and committed while this one ran (two instances storing the same pushed
  // check-in at once); the rerun sees that row and answers as for a repeat. A key that is
  // truly taken fails the same way each time and is thrown.
  // A nested transaction never retries: the outermost one does.
  template <typename F>
  auto transaction(F&& body) {
    if (inTransaction()) {
      exec("SAVEPOINT nested_transaction");
      try {
        if constexpr (std::is_void_v<decltype(body())>) {
          body();
          exec("RELEASE nested_transaction");
        } else {
          auto result = body();
          exec("RELEASE nested_transaction");
          return result;
        }
      } catch (...) {
        rollbackSavepointQuietly();
        throw;
      }
    } else {
      for (int attempt = 1;; ++attempt) {
        begin();
        try {
          if constexpr (std::is_void_v<decltype(body())>) {
            body();
            commit();
            return;
          } else {
            auto result = body();
            commit();
            return result;
          }
        } catch (const DatabaseError& e) {
          rollbackQuietly();
          const bool rerun = e.isSerializationFailure() ||
                             (e.isUniqueViolation() && attempt < kUniqueViolationTries);
          if (!rerun || attempt >= kTransactionTries) {
            throw;
          }
        } catch (...) {
          rollbackQuietly();
          throw;
        }
        pauseBeforeRetry(attempt);
      }
    }
  }
  static constexpr int kTransactionTries = 20;
  static constexpr int kUniqueViolationTries = 3;

  // The outermost transaction by hand, for a caller that batches several jobs (each in
  // its own savepoint) in one transaction: BEGIN IMMEDIATE on SQLite, BEGIN ISOLATION
  // LEVEL SERIALIZABLE on PostgreSQL. No retry here: a serialization failure throws,
  // and the caller rolls back. Each throws DatabaseError.
  void begin();
  void commit();
  void rollback();

  // True between BEGIN and COMMIT/ROLLBACK. (PostgreSQL: also after the connection was
  // lost inside a transaction, until rollback(); see postgres_database.h.)
  bool inTransaction() const;

  // Maps an SQLite result code to the kiosk's error classification.
  static ErrorKind classify(int sqliteCode);

 private:
  void rollbackQuietly() noexcept;
  void rollbackSavepointQuietly() noexcept;
  static void pauseBeforeRetry(int attempt);
  std::unique_ptr<DatabaseEngine> engine_;
  std::string path_;
  Dialect dialect_;
};

// Runs `body`, turning DatabaseError (and any other exception) into a Result error.
// The boundary between the cache's internals and its callers.
template <typename F>
auto guarded(std::string_view what, F&& body) -> Result<decltype(body())> {
  try {
    return body();
  } catch (const DatabaseError& e) {
    return makeError(e.kind(), std::string(what) + ": " + e.what());
  } catch (const std::exception& e) {
    return makeError(ErrorKind::kPermanent, std::string(what) + ": " + e.what());
  }
}

template <typename F>
Status guardedStatus(std::string_view what, F&& body) {
  return guarded(what, [&] {
    body();
    return Ok{};
  });
}

}  // namespace kiosk::cache
