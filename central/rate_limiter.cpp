#include "central/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "central/central_log.h"
#include "kiosk/core/encoding.h"

namespace kiosk::central {

namespace {

// How long until a bucket holding `tokens` has one, as the client is told (whole seconds,
// at least 1).
Millis waitFor(double tokens, double perSecond) {
  const double wait = (1.0 - tokens) / perSecond;
  return Millis(std::max<std::int64_t>(1000, static_cast<std::int64_t>(std::ceil(wait * 1000))));
}

// One check, atomically: the bucket is refilled for the time since its last check (capped
// at the burst), and a token is taken when there is one. A new key starts full.
//   ?1 key, ?2 burst, ?3 now (Unix ms), ?4 tokens per millisecond
// It runs in autocommit, not in a SERIALIZABLE transaction: the upsert locks the bucket's
// row, so concurrent checks of one key (from any instance) queue on that lock and each
// sees the row as the previous one left it (READ COMMITTED re-reads the latest version
// for ON CONFLICT DO UPDATE). That is all the isolation a single-row update needs;
// SERIALIZABLE would add serialization failures (and retries) on exactly the hot rows a
// busy terminal makes. `at` never goes back: an instance whose clock lags another's
// grants no refill for time the bucket has already been credited with.
// The SET expressions all read the row as it was before this statement.
// A bucket is not worth a WAL flush: with synchronous commit every check waited for the
// disk (one terminal's polls fell from ~600-3000/s to ~150/s). So the statement commits
// asynchronously (set_config(..., true) lasts for its own transaction only, and leaves the
// request thread's connection as it was). An asynchronous commit is still atomic, in order
// and seen at once by every other session; a crash of the server may forget the last
// fraction of a second of checks, which gives back a few tokens.
constexpr std::string_view kTake = R"sql(
INSERT INTO rate_buckets AS b (key, tokens, at, granted)
SELECT ?1, ?2::double precision - 1, ?3::bigint, TRUE
  FROM (SELECT set_config('synchronous_commit', 'off', true)) AS asynchronous
ON CONFLICT (key) DO UPDATE SET
  tokens = LEAST(?2::double precision,
                 b.tokens + GREATEST(?3::bigint - b.at, 0) * ?4::double precision)
         - CASE WHEN LEAST(?2::double precision,
                           b.tokens + GREATEST(?3::bigint - b.at, 0) * ?4::double precision) >= 1
                THEN 1 ELSE 0 END,
  granted = LEAST(?2::double precision,
                  b.tokens + GREATEST(?3::bigint - b.at, 0) * ?4::double precision) >= 1,
  at = GREATEST(b.at, ?3::bigint)
RETURNING tokens, granted
)sql";

// Buckets of this limiter untouched long enough to have refilled from empty.
constexpr std::string_view kPurge =
    "DELETE FROM rate_buckets WHERE key LIKE ?1 || '%' AND at < ?2::bigint";

}  // namespace

MemoryRateLimiter::MemoryRateLimiter(double perSecond, double burst)
    : perSecond_(perSecond), burst_(std::max(burst, 1.0)) {}

std::optional<Millis> MemoryRateLimiter::take(cache::Database& /*db*/, const std::string& key) {
  return take(key, std::chrono::steady_clock::now());
}

std::optional<Millis> MemoryRateLimiter::take(const std::string& key, Instant now) {
  if (perSecond_ <= 0) {
    return std::nullopt;
  }
  std::lock_guard lock(mutex_);
  if (buckets_.size() > 100000) {
    // Keys of clients long gone: a full bucket is the same as no bucket.
    std::erase_if(buckets_, [&](const auto& entry) {
      const double idle = std::chrono::duration<double>(now - entry.second.last).count();
      return entry.second.tokens + idle * perSecond_ >= burst_;
    });
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!inserted) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + std::max(elapsed, 0.0) * perSecond_);
    b.last = now;
  }
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return std::nullopt;
  }
  return waitFor(b.tokens, perSecond_);
}

DatabaseRateLimiter::DatabaseRateLimiter(std::string name, double perSecond, double burst,
                                         const Clock& clock)
    : name_(std::move(name)),
      perSecond_(perSecond),
      burst_(std::max(burst, 1.0)),
      clock_(clock),
      fallback_(perSecond, burst) {}

std::optional<Millis> DatabaseRateLimiter::take(cache::Database& db, const std::string& key) {
  if (perSecond_ <= 0) {
    return std::nullopt;
  }
  try {
    auto taken = takeFromDatabase(db, key);
    if (degraded_.exchange(false)) {
      centralLog().warn("central: the {} rate limit is shared through the database again", name_);
    }
    return taken;
  } catch (const cache::DatabaseError& e) {
    if (!degraded_.exchange(true)) {
      centralLog().warn(
          "central: the {} rate limit falls back to this instance's memory while the "
          "database cannot answer: {}",
          name_, e.what());
    }
    return fallback_.take(db, key);
  }
}

std::optional<Millis> DatabaseRateLimiter::takeFromDatabase(cache::Database& db,
                                                            const std::string& key) {
  const auto nowMs = toUnixMillis(clock_.now());
  const auto prefix = name_ + ":";
  if (nowMs >= nextPurgeMs_.load()) {
    nextPurgeMs_.store(nowMs + kPurgeInterval.count());
    const auto full = static_cast<std::int64_t>(std::ceil(burst_ / perSecond_ * 1000));
    db.prepare(kPurge).bind(1, prefix).bind(2, nowMs - full).run();
  }
  auto s = db.prepare(kTake);
  s.bind(1, prefix + sha256Hex(name_ + ":" + key))
      .bind(2, burst_)
      .bind(3, nowMs)
      .bind(4, perSecond_ / 1000.0);
  if (!s.step()) {
    throw cache::DatabaseError(ErrorKind::kPermanent, "the rate bucket upsert returned no row");
  }
  if (s.columnInt(1) != 0) {
    return std::nullopt;
  }
  return waitFor(s.columnDouble(0), perSecond_);
}

std::unique_ptr<RateLimiter> makeRateLimiter(cache::Dialect dialect, std::string name,
                                             double perSecond, double burst, const Clock& clock) {
  if (dialect == cache::Dialect::kPostgres) {
    return std::make_unique<DatabaseRateLimiter>(std::move(name), perSecond, burst, clock);
  }
  return std::make_unique<MemoryRateLimiter>(perSecond, burst);
}

}  // namespace kiosk::central
