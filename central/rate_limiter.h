// RateLimiter: token buckets per key (device id, or client address before a device is
// known), so that one misbehaving terminal or a code-guessing client cannot starve the rest.
// A bucket holds at most `burst` tokens and refills at `perSecond`; each request takes one.
// A rate of 0 or less means no limit.
//
// Two implementations behind one interface, chosen at start by the store's dialect
// (makeRateLimiter):
// - MemoryRateLimiter: buckets in this process's memory. Enough for SQLite, where one
//   process serves the database.
// - DatabaseRateLimiter (PostgreSQL): buckets in table rate_buckets, so that every
//   instance behind the balancer draws from the same bucket. One upsert per check, in
//   autocommit on the calling thread's connection. Keys are stored as a SHA-256 of the
//   limiter's name and the key: no address or device id in the table.
//
// Thread-safe: any request thread may call take() with its own connection.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "kiosk/core/time.h"
#include "offline-cache/database.h"

namespace kiosk::central {

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Takes one token for `key`. nullopt when allowed; otherwise how long until a token is
  // available (for Retry-After, at least 1 s). `db` is the calling thread's connection to
  // central's database (not inside a transaction); the memory limiter does not use it.
  // Never throws for a database failure (see DatabaseRateLimiter).
  virtual std::optional<Millis> take(cache::Database& db, const std::string& key) = 0;
};

class MemoryRateLimiter final : public RateLimiter {
 public:
  using Instant = std::chrono::steady_clock::time_point;

  MemoryRateLimiter(double perSecond, double burst);

  std::optional<Millis> take(cache::Database& db, const std::string& key) override;
  // The same, at a given time (for tests and callers without a database).
  std::optional<Millis> take(const std::string& key, Instant now);

 private:
  struct Bucket {
    double tokens = 0;
    Instant last{};
  };
  double perSecond_;
  double burst_;
  std::mutex mutex_;
  std::map<std::string, Bucket, std::less<>> buckets_;
};

// Failure policy: when the database cannot answer (PostgreSQL unreachable, a lock
// timeout), the check falls back to a MemoryRateLimiter of the same rate in this process
// and says so once in the log. Neither failing open nor failing closed fits every limiter:
// - failing open would let a guesser through unlimited while, say, one table is locked;
// - failing closed (429 for everyone) would turn a database hiccup into every terminal
//   backing off, and for the enrollment/health limit would make /v1/health, which
//   needs no database, report trouble it does not have.
// The local bucket keeps the pre-cluster guarantee (at most N instances x the limit) for
// the moment of the outage, and no request becomes a 500 because of its limiter.
// Authentication and the routes need the database anyway, so an outage long enough to
// matter shows there as 503s.
class DatabaseRateLimiter final : public RateLimiter {
 public:
  // `name` tells the limiters apart in the shared table ("device", "address", "auth").
  // `clock` gives the time the buckets are measured in; every instance's clock should be
  // NTP-synchronised (a lagging instance grants no refill until it catches up).
  DatabaseRateLimiter(std::string name, double perSecond, double burst, const Clock& clock);

  std::optional<Millis> take(cache::Database& db, const std::string& key) override;

  // Buckets idle long enough to be full again are deleted now and then (at most once a
  // minute per limiter, by whichever request comes): a full bucket is the same as none.
  static constexpr Millis kPurgeInterval{60000};

 private:
  std::optional<Millis> takeFromDatabase(cache::Database& db, const std::string& key);

  std::string name_;
  double perSecond_;
  double burst_;
  const Clock& clock_;
  MemoryRateLimiter fallback_;
  std::atomic<std::int64_t> nextPurgeMs_{0};
  std::atomic<bool> degraded_{false};
};

// The limiter for central's store: memory on SQLite, the database on PostgreSQL.
std::unique_ptr<RateLimiter> makeRateLimiter(cache::Dialect dialect, std::string name,
                                             double perSecond, double burst, const Clock& clock);

}  // namespace kiosk::central
