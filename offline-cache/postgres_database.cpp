#include "offline-cache/postgres_database.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <map>
#include <vector>

#include "offline-cache/database_engine.h"

namespace kiosk::cache {

namespace {

constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
// pg_advisory_lock key of schema migrations ("kiosk" in ASCII).
constexpr const char* kSchemaLockKey = "107105111115107";

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

std::string trimmed(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.pop_back();
  }
  return text;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool isRollback(std::string_view sql) {
  while (!sql.empty() &&
         (std::isspace(static_cast<unsigned char>(sql.back())) != 0 || sql.back() == ';')) {
    sql.remove_suffix(1);
  }
  while (!sql.empty() && std::isspace(static_cast<unsigned char>(sql.front())) != 0) {
    sql.remove_prefix(1);
  }
  return equalsIgnoringCase(sql, "ROLLBACK");
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

class PostgresEngine;

class PostgresStatement final : public StatementEngine {
 public:
  PostgresStatement(PostgresEngine& engine, std::string name, std::string sql, int parameters)
      : engine_(engine),
        name_(std::move(name)),
        sql_(std::move(sql)),
        values_(static_cast<std::size_t>(parameters)),
        bound_(static_cast<std::size_t>(parameters), 0),
        lengths_(static_cast<std::size_t>(parameters), 0),
        formats_(static_cast<std::size_t>(parameters), 0),
        pointers_(static_cast<std::size_t>(parameters), nullptr) {}

  void bindInt(int index, std::int64_t value) override {
    char text[24];
    const auto end = std::to_chars(std::begin(text), std::end(text), value).ptr;
    set(index, std::string_view(text, static_cast<std::size_t>(end - text)), 0);
  }
  void bindDouble(int index, double value) override {
    char text[40];
    const auto end = std::to_chars(std::begin(text), std::end(text), value).ptr;
    set(index, std::string_view(text, static_cast<std::size_t>(end - text)), 0);
  }
  void bindText(int index, std::string_view value) override { set(index, value, 0); }
  void bindBlob(int index, std::span<const std::uint8_t> value) override {
    if (value.data() == nullptr) {
      bindNull(index);  // as SQLite does with a blob without data
      return;
    }
    set(index,
        std::string_view(reinterpret_cast<const char*>(value.data()), value.size()),  // bytes
        1);
  }
  void bindNull(int index) override { bound_[slot(index)] = 0; }

  bool step() override;
  void reset() noexcept override {
    result_.reset();
    row_ = -1;
    rows_ = 0;
    std::fill(bound_.begin(), bound_.end(), 0);
  }

  bool isNull(int column) const override {
    return !onRow(column) || PQgetisnull(result_.get(), row_, column) != 0;
  }
  std::int64_t columnInt(int column) const override {
    if (isNull(column)) {
      return 0;
    }
    const std::string_view text = value(column);
    if (PQftype(result_.get(), column) == kBoolOid) {
      return text == "t" ? 1 : 0;
    }
    std::int64_t number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error == std::errc() && end == text.data() + text.size()) {
      return number;
    }
    return static_cast<std::int64_t>(columnDouble(column));  // numeric, real: truncated
  }
  double columnDouble(int column) const override {
    if (isNull(column)) {
      return 0;
    }
    const std::string_view text = value(column);
    double number = 0;
    std::from_chars(text.data(), text.data() + text.size(), number);
    return number;
  }
  std::string columnText(int column) const override {
    return isNull(column) ? std::string() : std::string(value(column));
  }
  std::vector<std::uint8_t> columnBlob(int column) const override {
    if (isNull(column)) {
      return {};
    }
    const std::string_view text = value(column);
    if (PQftype(result_.get(), column) != kByteaOid) {
      return {text.begin(), text.end()};
    }
    // bytea's text form is hex ("\x0a00ff") since PostgreSQL 9.0.
    std::vector<std::uint8_t> bytes;
    if (text.starts_with("\\x")) {
      bytes.reserve((text.size() - 2) / 2);
      for (std::size_t i = 2; i + 1 < text.size(); i += 2) {
        bytes.push_back(static_cast<std::uint8_t>(hexDigit(text[i]) * 16 + hexDigit(text[i + 1])));
      }
    }
    return bytes;
  }

  const std::string& name() const { return name_; }
  const std::string& sql() const { return sql_; }
  int parameterCount() const { return static_cast<int>(values_.size()); }
  std::uint64_t preparedIn = 0;  // the connection (PostgresEngine::generation) it lives in

 private:
  std::size_t slot(int index) const;
  void set(int index, std::string_view value, int format) {
    const auto i = slot(index);
    values_[i].assign(value);
    lengths_[i] = static_cast<int>(value.size());
    formats_[i] = format;
    bound_[i] = 1;
  }
  bool onRow(int column) const {
    return result_ && row_ >= 0 && row_ < rows_ && column >= 0 && column < PQnfields(result_.get());
  }
  std::string_view value(int column) const {
    return {PQgetvalue(result_.get(), row_, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row_, column))};
  }

  PostgresEngine& engine_;
  std::string name_;
  std::string sql_;
  std::vector<std::string> values_;
  std::vector<char> bound_;  // 0: NULL (SQLite's unbound parameters are NULL too)
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<const char*> pointers_;
  PgResult result_;
  int row_ = -1;
  int rows_ = 0;
};

struct ConnectionDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};

class PostgresEngine final : public DatabaseEngine {
 public:
  PostgresEngine(PGconn* conn, std::string where, OpenOptions options)
      : conn_(conn), where_(std::move(where)), options_(std::move(options)) {}
  ~PostgresEngine() override = default;
  PostgresEngine(const PostgresEngine&) = delete;
  PostgresEngine& operator=(const PostgresEngine&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }

  // The session settings, after every (re)connection.
  void configure() {
    PQsetNoticeProcessor(
        conn_.get(), [](void*, const char*) {}, nullptr);
    std::string settings =
        "SET lock_timeout = " + std::to_string(options_.busyTimeout.count()) + ";";
    if (options_.readOnly) {
      settings += "SET default_transaction_read_only = on;";
    }
    run(settings.c_str());
  }

  void exec(std::string_view sql) override {
    if (lostInTransaction_ && isRollback(sql)) {
      rollback();
      return;
    }
    ensureConnected();
    const std::string text(sql);
    noteChanges(run(text.c_str()).get());
  }

  StatementEngine& prepare(std::string_view sql) override {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      int parameters = 0;
      std::string translated = translatePlaceholders(sql, parameters);
      auto statement = std::make_unique<PostgresStatement>(
          *this, "kiosk_" + std::to_string(++statements_), std::move(translated), parameters);
      ensurePrepared(*statement);
      it = cache_.emplace(std::string(sql), std::move(statement)).first;
    }
    return *it->second;
  }

  std::int64_t lastInsertRowId() const override {
    throw DatabaseError(ErrorKind::kPermanent,
                        "lastInsertRowId() is SQLite's; on PostgreSQL use INSERT ... RETURNING");
  }
  int changes() const override { return changes_; }

  int userVersion() override {
    auto& exists = prepare("SELECT to_regclass('schema_version') IS NOT NULL");
    const bool present = exists.step() && exists.columnInt(0) == 1;
    exists.reset();
    if (!present) {
      return 0;
    }
    auto& select = prepare("SELECT version FROM schema_version LIMIT 1");
    const int version = select.step() ? static_cast<int>(select.columnInt(0)) : 0;
    select.reset();
    return version;
  }
  void setUserVersion(int version) override {
    exec(
        "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL);"
        "DELETE FROM schema_version;"
        "INSERT INTO schema_version (version) VALUES (" +
        std::to_string(version) + ")");
  }
  void lockSchema() override {
    exec(std::string("SELECT pg_advisory_lock(") + kSchemaLockKey + ")");
  }
  void unlockSchema() noexcept override {
    if (PQstatus(conn_.get()) == CONNECTION_OK) {
      PQclear(PQexec(conn_.get(),
                     (std::string("SELECT pg_advisory_unlock(") + kSchemaLockKey + ")").c_str()));
    }
  }

  void begin() override {
    if (options_.writeLock == 0) {
      exec("BEGIN ISOLATION LEVEL SERIALIZABLE");
      return;
    }
    exec("BEGIN ISOLATION LEVEL READ COMMITTED");
    try {
      exec("SELECT pg_advisory_xact_lock(" + std::to_string(options_.writeLock) + ")");
    } catch (...) {
      // Not granted within lock_timeout (another instance writes a long import): the BEGIN
      // is still open and aborted, and would fail every later statement of this connection
      // with 25P02 if it were not ended here. The caller gets the lock timeout.
      try {
        rollback();
      } catch (const DatabaseError&) {
        // the connection is gone: nothing stays open
      }
      throw;
    }
  }
  void commit() override {
    ensureConnected();
    auto result = run("COMMIT");
    // COMMIT of a transaction in which a statement failed answers ROLLBACK, not an error.
    if (std::string_view(PQcmdStatus(result.get())) == "ROLLBACK") {
      throw DatabaseError(ErrorKind::kPermanent,
                          "the transaction was rolled back: a statement in it had failed", "25P02");
    }
  }
  void rollback() override {
    if (lostInTransaction_) {
      lostInTransaction_ = false;  // the server dropped it with the connection
      return;
    }
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
      return;  // nothing open: the next call reconnects
    }
    run("ROLLBACK");
  }
  bool inTransaction() const override {
    if (lostInTransaction_) {
      return true;
    }
    const auto status = PQtransactionStatus(conn_.get());
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
  }

  // Before any round trip: see the reconnection policy in postgres_database.h.
  void ensureConnected() {
    if (lostInTransaction_) {
      throw DatabaseError(ErrorKind::kTransient,
                          "the connection to PostgreSQL at " + where_ +
                              " was lost inside a transaction; roll it back and try again",
                          "08006");
    }
    if (PQstatus(conn_.get()) == CONNECTION_OK) {
      return;
    }
    PQreset(conn_.get());
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
      throw DatabaseError(ErrorKind::kTransient,
                          "cannot reconnect to PostgreSQL at " + where_ + ": " +
                              trimmed(PQerrorMessage(conn_.get())),
                          "08001");
    }
    ++generation_;
    configure();
  }

  void ensurePrepared(PostgresStatement& statement) {
    ensureConnected();
    if (statement.preparedIn == generation_) {
      return;
    }
    run(PQprepare(conn_.get(), statement.name().c_str(), statement.sql().c_str(),
                  statement.parameterCount(), nullptr));
    statement.preparedIn = generation_;
  }

  // Runs `sql` (no parameters) and checks its result.
  PgResult run(const char* sql) { return run(PQexec(conn_.get(), sql)); }

  // Checks the result of a call just made; throws the classified error.
  PgResult run(PGresult* raw) {
    PgResult result(raw);
    const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
      wasInTransaction_ = inTransaction();
      return result;
    }
    const char* state = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
    std::string sqlState = state != nullptr ? state : "";
    std::string message;
    if (const char* primary =
            result ? PQresultErrorField(result.get(), PG_DIAG_MESSAGE_PRIMARY) : nullptr) {
      message = primary;
      if (const char* detail = PQresultErrorField(result.get(), PG_DIAG_MESSAGE_DETAIL)) {
        message += std::string(" (") + detail + ")";
      }
    } else {
      message = trimmed(PQerrorMessage(conn_.get()));
    }
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
      if (wasInTransaction_) {
        lostInTransaction_ = true;
      }
      if (sqlState.empty() || !sqlState.starts_with("57P")) {
        sqlState = "08006";
      }
      message = "lost the connection to PostgreSQL at " + where_ + ": " + message;
    } else {
      wasInTransaction_ = inTransaction();
    }
    if (sqlState == "53100") {
      message += " - the PostgreSQL server's disk is full; free space on its data partition";
    }
    if (!sqlState.empty()) {
      message += " [SQLSTATE " + sqlState + "]";
    }
    throw DatabaseError(classifySqlState(sqlState), message, sqlState);
  }

  void noteChanges(const PGresult* result) {
    const std::string_view command = PQcmdStatus(const_cast<PGresult*>(result));
    if (command.starts_with("INSERT") || command.starts_with("UPDATE") ||
        command.starts_with("DELETE") || command.starts_with("MERGE")) {
      changes_ = std::atoi(PQcmdTuples(const_cast<PGresult*>(result)));
    }
  }

  PGconn* connection() const { return conn_.get(); }

 private:
  std::unique_ptr<PGconn, ConnectionDeleter> conn_;
  std::string where_;
  OpenOptions options_;
  std::map<std::string, std::unique_ptr<PostgresStatement>, std::less<>> cache_;
  std::uint64_t generation_ = 1;
  int statements_ = 0;
  int changes_ = 0;
  bool lostInTransaction_ = false;
  bool wasInTransaction_ = false;  // as of the last round trip that reached the server
};

std::size_t PostgresStatement::slot(int index) const {
  if (index < 1 || index > static_cast<int>(values_.size())) {
    throw DatabaseError(ErrorKind::kInvalidInput, "parameter " + std::to_string(index) +
                                                      " is out of range (the statement has " +
                                                      std::to_string(values_.size()) +
                                                      "): " + sql_);
  }
  return static_cast<std::size_t>(index - 1);
}

bool PostgresStatement::step() {
  if (!result_) {
    engine_.ensurePrepared(*this);
    for (std::size_t i = 0; i < values_.size(); ++i) {
      pointers_[i] = bound_[i] != 0 ? values_[i].data() : nullptr;
    }
    result_ = engine_.run(PQexecPrepared(engine_.connection(), name_.c_str(), parameterCount(),
                                         pointers_.data(), lengths_.data(), formats_.data(), 0));
    engine_.noteChanges(result_.get());
    rows_ = PQntuples(result_.get());
    row_ = -1;
  }
  if (row_ < rows_) {
    ++row_;
  }
  return row_ < rows_;
}

}  // namespace

bool isPostgresUrl(std::string_view text) {
  return text.starts_with("postgresql://") || text.starts_with("postgres://");
}

std::string redactPostgresUrl(std::string_view url) {
  std::string out(url);
  const auto scheme = out.find("://");
  if (scheme != std::string::npos) {
    const auto authorityEnd = out.find_first_of("/?", scheme + 3);
    const auto at = out.rfind('@', authorityEnd);
    if (at != std::string::npos && at > scheme) {
      const auto colon = out.find(':', scheme + 3);
      if (colon != std::string::npos && colon < at) {
        out.replace(colon + 1, at - colon - 1, "***");
      }
    }
  }
  for (auto at = out.find("password="); at != std::string::npos;
       at = out.find("password=", at + 1)) {
    const auto end = out.find('&', at);
    out.replace(at + 9, (end == std::string::npos ? out.size() : end) - at - 9, "***");
  }
  return out;
}

std::string translatePlaceholders(std::string_view sql, int& parameterCount) {
  std::string out;
  out.reserve(sql.size() + 16);
  int highest = 0;
  std::size_t i = 0;
  const auto copyThrough = [&](std::size_t end) {  // copies sql[i, end) and moves on
    end = std::min(end, sql.size());
    out.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < sql.size()) {
    const char c = sql[i];
    const char next = i + 1 < sql.size() ? sql[i + 1] : '\0';
    if (c == '\'' || c == '"') {
      // A doubled quote inside reads as two literals side by side: the same result.
      const auto close = sql.find(c, i + 1);
      copyThrough(close == std::string_view::npos ? sql.size() : close + 1);
    } else if (c == '-' && next == '-') {
      copyThrough(sql.find('\n', i));
    } else if (c == '/' && next == '*') {
      const auto close = sql.find("*/", i + 2);
      copyThrough(close == std::string_view::npos ? sql.size() : close + 2);
    } else if (c == '?') {
      std::size_t end = i + 1;
      while (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end])) != 0) {
        ++end;
      }
      int number = highest + 1;
      if (end > i + 1) {
        std::from_chars(sql.data() + i + 1, sql.data() + end, number);
      }
      highest = std::max(highest, number);
      out += '$';
      out += std::to_string(number);
      i = end;
    } else {
      out += c;
      ++i;
    }
  }
  parameterCount = highest;
  return out;
}

ErrorKind classifySqlState(std::string_view s) {
  if (s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03" || s == "57014" ||
      s == "55P03" || s == "40001" || s == "40P01" || s.starts_with("53")) {
    return ErrorKind::kTransient;
  }
  if (s.starts_with("23") || s.starts_with("22")) {
    return ErrorKind::kInvalidInput;
  }
  if (s.starts_with("28")) {
    return ErrorKind::kUnauthorized;
  }
  if (s == "3D000") {
    return ErrorKind::kNotFound;
  }
  return ErrorKind::kPermanent;
}

Result<std::unique_ptr<Database>> openPostgres(std::string_view url, const OpenOptions& options) {
  const std::string where = redactPostgresUrl(url);
  if (!isPostgresUrl(url)) {
    return makeError(ErrorKind::kInvalidInput, "not a PostgreSQL URL (postgresql://...): " + where);
  }
  const std::string text(url);
  char* parseError = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(text.c_str(), &parseError);
  if (parsed == nullptr) {
    std::string why = parseError != nullptr ? trimmed(parseError) : "out of memory";
    PQfreemem(parseError);
    return makeError(ErrorKind::kInvalidInput, "invalid PostgreSQL URL " + where + ": " + why);
  }
  PQconninfoFree(parsed);
  // Keywords before dbname are defaults the URL may override.
  const std::string application = options.applicationName;
  const char* keywords[] = {"connect_timeout", "client_encoding", "fallback_application_name",
                            "dbname", nullptr};
  const char* values[] = {"10", "UTF8", application.c_str(), text.c_str(), nullptr};
  PGconn* raw = PQconnectdbParams(keywords, values, 1);
  if (raw == nullptr) {
    return makeError(ErrorKind::kTransient, "cannot connect to PostgreSQL: out of memory");
  }
  auto engine = std::make_unique<PostgresEngine>(raw, where, options);
  if (PQstatus(raw) != CONNECTION_OK) {
    const std::string why = trimmed(PQerrorMessage(raw));
    ErrorKind kind = ErrorKind::kTransient;
    if (why.find("does not exist") != std::string::npos) {
      kind = ErrorKind::kNotFound;
    } else if (why.find("authentication failed") != std::string::npos ||
               why.find("no password supplied") != std::string::npos) {
      kind = ErrorKind::kUnauthorized;
    }
    return makeError(kind, "cannot connect to PostgreSQL at " + where + ": " + why);
  }
  try {
    engine->configure();
  } catch (const DatabaseError& e) {
    return makeError(e.kind(), "cannot use PostgreSQL at " + where + ": " + e.what());
  }
  return std::make_unique<Database>(std::move(engine), where);
}

}  // namespace kiosk::cache
