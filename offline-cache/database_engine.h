// The engine behind Database and Statement: a small private interface with one
// implementation per database (SQLite in database.cpp, PostgreSQL in
// postgres_database.cpp). Callers never see it; they use Database and Statement, whose
// API is the same on both engines. An engine throws DatabaseError on failure.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "offline-cache/database.h"

namespace kiosk::cache {

// One prepared statement, owned by its engine's statement cache.
class StatementEngine {
 public:
  virtual ~StatementEngine() = default;
  virtual void bindInt(int index, std::int64_t value) = 0;
  virtual void bindDouble(int index, double value) = 0;
  virtual void bindText(int index, std::string_view value) = 0;
  // `value` stays valid until the statement has run or is reset (Statement::bindUnowned).
  virtual void bindTextUnowned(int index, std::string_view value) { bindText(index, value); }
  virtual void bindBlob(int index, std::span<const std::uint8_t> value) = 0;
  virtual void bindNull(int index) = 0;
  virtual bool step() = 0;
  virtual void reset() noexcept = 0;
  virtual bool isNull(int column) const = 0;
  virtual std::int64_t columnInt(int column) const = 0;
  virtual double columnDouble(int column) const = 0;
  virtual std::string columnText(int column) const = 0;
  virtual std::vector<std::uint8_t> columnBlob(int column) const = 0;
};

// One connection.
class DatabaseEngine {
 public:
  virtual ~DatabaseEngine() = default;
  virtual Dialect dialect() const = 0;
  virtual void exec(std::string_view sql) = 0;
  // Cached by SQL text; the engine keeps ownership.
  virtual StatementEngine& prepare(std::string_view sql) = 0;
  virtual std::int64_t lastInsertRowId() const = 0;
  virtual int changes() const = 0;
  virtual int userVersion() = 0;
  virtual void setUserVersion(int version) = 0;
  virtual void lockSchema() = 0;
  virtual void unlockSchema() noexcept = 0;
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  virtual bool inTransaction() const = 0;
};

}  // namespace kiosk::cache
