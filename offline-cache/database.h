// Database: one SQLite connection with the kiosk's settings, and Statement, a cached
// prepared statement.
//
// Thread rules: a Database belongs to the thread that opened it (one connection per
// thread); open another Database on the same file for another thread. WAL mode lets
// readers and one writer work at once; a busy database is waited for up to
// OpenOptions::busyTimeout.
//
// Failures: open() returns an error (kCorrupt when integrity_check fails or the file is
// not a database, kPermanent when it cannot be created). Inside the cache, statement
// failures throw DatabaseError, which the store's public methods turn into Result
// errors (disk full -> kTransient with a message saying so).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "kiosk/core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace kiosk::cache {

class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(ErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

struct OpenOptions {
  bool create = true;          // create the file (mode 0600) when absent
  bool checkIntegrity = true;  // PRAGMA integrity_check before use
  bool readOnly = false;
  std::chrono::milliseconds busyTimeout{5000};
};

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
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
  Statement& bindBlob(int index, std::span<const std::uint8_t> value);
  Statement& bindNull(int index);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bindNull(index);
  }

  // Advances; true while a row is available.
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
  [[noreturn]] void fail(int code) const;
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  static Result<std::unique_ptr<Database>> open(const std::string& path,
                                                const OpenOptions& options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  const std::string& path() const { return path_; }

  // Executes one or more statements without parameters. Throws DatabaseError.
  void exec(std::string_view sql);
  // A cached prepared statement; reset when the returned Statement goes out of scope.
  // Throws DatabaseError. Only one live Statement per SQL text at a time.
  Statement prepare(std::string_view sql);

  std::int64_t lastInsertRowId() const;
  int changes() const;

  // Schema version (PRAGMA user_version).
  int userVersion();

  // Runs `body` in a transaction (BEGIN IMMEDIATE: the write lock is taken at once, so
  // a check-in never fails half-way on a busy database). Commits when body returns,
  // rolls back when it throws. Inside another transaction it becomes a savepoint, so that
  // store operations compose (the sync engine applies a whole pulled page, guests
  // included, in one transaction).
  template <typename F>
  auto transaction(F&& body) {
    const bool nested = inTransaction();
    exec(nested ? "SAVEPOINT nested_transaction" : "BEGIN IMMEDIATE");
    try {
      if constexpr (std::is_void_v<decltype(body())>) {
        body();
        exec(nested ? "RELEASE nested_transaction" : "COMMIT");
      } else {
        auto result = body();
        exec(nested ? "RELEASE nested_transaction" : "COMMIT");
        return result;
      }
    } catch (...) {
      if (nested) {
        rollbackSavepointQuietly();
      } else {
        rollbackQuietly();
      }
      throw;
    }
  }

  // True between BEGIN and COMMIT/ROLLBACK.
  bool inTransaction() const;

  // Maps an SQLite result code to the kiosk's error classification.
  static ErrorKind classify(int sqliteCode);

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  void rollbackQuietly() noexcept;
  void rollbackSavepointQuietly() noexcept;
  sqlite3* db_;
  std::string path_;
  std::map<std::string, sqlite3_stmt*, std::less<>> cache_;
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
