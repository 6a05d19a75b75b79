// The rate limiters on central's real database: the one makeRateLimiter picks for the
// store's engine, and on PostgreSQL the shared buckets that several instances (here: two
// limiters on two connections, as two processes would have) draw from. Time comes from a
// ManualClock.
#include "central/rate_limiter.h"

#include <gtest/gtest.h>

#include "central/central_store.h"
#include "support/central_test_store.h"
#include "support/temp_dir.h"

namespace kiosk::central {
namespace {

using std::chrono::milliseconds;

class RateLimiterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url = testing::centralTestDatabase(dir.path());
    first = open();
    second = open();
  }
  std::unique_ptr<CentralStore> open() {
    auto opened = CentralStore::open(url);
    EXPECT_TRUE(opened) << opened.error().message;
    return opened ? std::move(*opened) : nullptr;
  }
  std::int64_t buckets() {
    auto s = first->database().prepare("SELECT count(*) FROM rate_buckets");
    return s.step() ? s.columnInt(0) : -1;
  }

  testing::TempDir dir;
  std::string url;
  std::unique_ptr<CentralStore> first;
  std::unique_ptr<CentralStore> second;
  ManualClock clock{fromUnixMillis(1'800'000'000'000)};
};

constexpr auto kSkipOnSqlite =
    "the buckets are in the database on PostgreSQL only; on SQLite one process serves central "
    "and keeps them in memory (run the .postgresql variant)";

TEST_F(RateLimiterTest, TheStoresEngineChoosesWhereTheBucketsAre) {
  const auto dialect = first->database().dialect();
  auto limiter = makeRateLimiter(dialect, "device", 2.0, 3.0, clock);
  if (dialect == cache::Dialect::kPostgres) {
    EXPECT_NE(dynamic_cast<DatabaseRateLimiter*>(limiter.get()), nullptr);
  } else {
    EXPECT_NE(dynamic_cast<MemoryRateLimiter*>(limiter.get()), nullptr);
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(limiter->take(first->database(), "lobby-1")) << i;
  }
  EXPECT_TRUE(limiter->take(first->database(), "lobby-1"));
}

TEST_F(RateLimiterTest, TwoInstancesDrawFromOneBucketThatRefillsOverTime) {
  if (first->database().dialect() != cache::Dialect::kPostgres) {
    GTEST_SKIP() << kSkipOnSqlite;
  }
  DatabaseRateLimiter a("device", 2.0, 3.0, clock);
  DatabaseRateLimiter b("device", 2.0, 3.0, clock);
  // The burst is shared: three tokens between both instances, not three each.
  EXPECT_FALSE(a.take(first->database(), "lobby-1"));
  EXPECT_FALSE(b.take(second->database(), "lobby-1"));
  EXPECT_FALSE(a.take(first->database(), "lobby-1"));
  auto wait = b.take(second->database(), "lobby-1");
  ASSERT_TRUE(wait) << "the second instance had a bucket of its own";
  EXPECT_EQ(wait->count(), 1000);  // half a token's time, in whole seconds as Retry-After
  EXPECT_TRUE(a.take(first->database(), "lobby-1"));
  // A refused check takes nothing: half a second later (2 per second) one token is back.
  clock.advance(milliseconds(499));
  EXPECT_TRUE(a.take(first->database(), "lobby-1"));
  clock.advance(milliseconds(1));
  EXPECT_FALSE(b.take(second->database(), "lobby-1"));
  EXPECT_TRUE(a.take(first->database(), "lobby-1"));
  // Refilled up to the burst and no further, however long the pause.
  clock.advance(std::chrono::hours(1));
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE((i % 2 == 0 ? a : b).take((i % 2 == 0 ? first : second)->database(), "lobby-1"))
        << i;
  }
  EXPECT_TRUE(b.take(second->database(), "lobby-1"));
  // Keys and limiters are independent.
  EXPECT_FALSE(a.take(first->database(), "lobby-2"));
  DatabaseRateLimiter auth("auth", 2.0, 3.0, clock);
  EXPECT_FALSE(auth.take(first->database(), "lobby-1"));
}

TEST_F(RateLimiterTest, TheDatabaseBucketAnswersAsTheMemoryOne) {
  if (first->database().dialect() != cache::Dialect::kPostgres) {
    GTEST_SKIP() << kSkipOnSqlite;
  }
  // The same checks at the same times: the same grants and the same Retry-After.
  DatabaseRateLimiter shared("address", 0.3, 4.0, clock);
  MemoryRateLimiter local(0.3, 4.0);
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = milliseconds(0);
  for (int i = 0; i < 40; ++i) {
    const auto step = milliseconds((i * 137) % 900);
    clock.advance(step);
    elapsed += step;
    const auto fromDatabase = shared.take(first->database(), "10.1.2.3");
    const auto fromMemory = local.take("10.1.2.3", t0 + elapsed);
    ASSERT_EQ(fromDatabase.has_value(), fromMemory.has_value()) << "check " << i;
    if (fromDatabase) {
      // As Retry-After says it: whole seconds.
      EXPECT_EQ((fromDatabase->count() + 999) / 1000, (fromMemory->count() + 999) / 1000)
          << "check " << i;
    }
  }
}

TEST_F(RateLimiterTest, TheTableKeepsNoAddressAndForgetsIdleBuckets) {
  if (first->database().dialect() != cache::Dialect::kPostgres) {
    GTEST_SKIP() << kSkipOnSqlite;
  }
  DatabaseRateLimiter limiter("address", 2.0, 20.0, clock);
  EXPECT_FALSE(limiter.take(first->database(), "192.0.2.44"));
  EXPECT_FALSE(limiter.take(first->database(), "192.0.2.45"));
  EXPECT_EQ(buckets(), 2);
  {
    // The check commits asynchronously, and leaves the request's connection as it was.
    auto s = first->database().prepare("SHOW synchronous_commit");
    ASSERT_TRUE(s.step());
    EXPECT_EQ(s.columnText(0), "on");
  }
  {
    auto s = first->database().prepare("SELECT key FROM rate_buckets");
    while (s.step()) {
      EXPECT_EQ(s.columnText(0).find("192.0.2."), std::string::npos) << s.columnText(0);
      EXPECT_TRUE(s.columnText(0).starts_with("address:")) << s.columnText(0);
    }
  }
  // Past the purge interval and the time to refill (10 s): an idle bucket is gone, the one
  // being used stays.
  clock.advance(DatabaseRateLimiter::kPurgeInterval + std::chrono::seconds(11));
  EXPECT_FALSE(limiter.take(first->database(), "192.0.2.45"));
  EXPECT_EQ(buckets(), 1);
}

TEST_F(RateLimiterTest, ADatabaseThatCannotAnswerFallsBackToThisInstancesBucket) {
  if (first->database().dialect() != cache::Dialect::kPostgres) {
    GTEST_SKIP() << kSkipOnSqlite;
  }
  DatabaseRateLimiter limiter("auth", 1.0, 3.0, clock);
  EXPECT_FALSE(limiter.take(first->database(), "192.0.2.44"));
  // Every statement on the table now fails (as a lost server or a lock would).
  second->database().exec("DROP TABLE rate_buckets");
  // No exception, no free pass: the instance's own bucket limits until the database is back.
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(limiter.take(first->database(), "192.0.2.44")) << i;
  }
  const auto wait = limiter.take(first->database(), "192.0.2.44");
  ASSERT_TRUE(wait);
  EXPECT_EQ(wait->count(), 1000);
}

}  // namespace
}  // namespace kiosk::central
