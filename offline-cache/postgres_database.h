// The PostgreSQL engine of Database (kiosk-central's second store; the terminal never
// links it, so that kiosk and kioskctl carry no libpq).
//
// SQL is written as for SQLite: `?` and `?N` placeholders become `$N` (outside '...'
// literals, "..." identifiers and comments; not inside E'...' or $$...$$ strings, and
// PostgreSQL's jsonb `?` operators cannot be written). Each SQL text is prepared once
// per connection (a server-side prepared statement) and cached like SQLite's.
// Parameters go as text with their types left to the server (so "1" binds an integer,
// a boolean or a text column alike) except blobs, which go binary and need a bytea
// context; write a cast (`?::bigint`) where the server cannot infer a type. Results come
// as text: columnInt parses (a boolean reads 1/0), columnBlob decodes bytea.
//
// Transactions: Database::transaction() opens BEGIN ISOLATION LEVEL SERIALIZABLE and
// reruns its body after a serialization failure or deadlock (see database.h); begin()
// opens the same by hand. OpenOptions::busyTimeout is the session's lock_timeout;
// OpenOptions::applicationName its application_name (unless the URL names one);
// readOnly makes transactions read-only. create and checkIntegrity do not apply.
//
// Errors (DatabaseError::kind(), with the SQLSTATE in sqlState()):
//   connection lost or refused, server shutting down (08xxx, 57P01..57P03), cancelled
//   or lock timeout (57014, 55P03), serialization failure or deadlock (40001, 40P01),
//   out of resources (53xxx; 53100 says the server's disk is full)  -> kTransient
//   constraint violation (23xxx), bad data (22xxx)                  -> kInvalidInput
//   authentication (28xxx)                                          -> kUnauthorized
//   the database does not exist (3D000)                             -> kNotFound
//   anything else (syntax, undefined table, ...)                    -> kPermanent
//
// Lost connection: the call that finds the connection gone throws kTransient; the next
// call reconnects (and throws kTransient again while the server cannot be reached), so a
// caller simply retries later, as after any transient error. When the connection was
// lost inside a transaction, that transaction is gone with it: inTransaction() stays
// true and every call throws kTransient until the caller ends it with rollback() (or
// exec("ROLLBACK")), so no later statement runs outside the transaction its caller
// believes it is in. Database::transaction() does that rollback by itself.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "kiosk/core/result.h"
#include "offline-cache/database.h"

namespace kiosk::cache {

// True for a libpq connection URI: postgresql://... or postgres://...
bool isPostgresUrl(std::string_view text);

// Connects to `url`, a libpq connection URI such as
//   postgresql://user:password@host:5432/central
//   postgresql:///central?host=/run/postgresql&port=5433
// Fails with kInvalidInput for a malformed URL, kTransient when the server cannot be
// reached (or refuses: kUnauthorized, kNotFound per the message), without throwing.
Result<std::unique_ptr<Database>> openPostgres(std::string_view url,
                                               const OpenOptions& options = {});

// The URL with its password replaced by "***" (for messages and Database::path()).
std::string redactPostgresUrl(std::string_view url);

// SQLite placeholders to PostgreSQL's; `parameterCount` gets the highest $N used.
std::string translatePlaceholders(std::string_view sql, int& parameterCount);

// The error classification above, for one SQLSTATE.
ErrorKind classifySqlState(std::string_view sqlState);

}  // namespace kiosk::cache
