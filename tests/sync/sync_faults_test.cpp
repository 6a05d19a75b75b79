// Faults injected for real, then the same checks every time once central is back: every
// check-in is at central exactly once, flags are right, nothing was lost on the terminal.
//
// 5xx, 429, stalls past the client's timeout and truncated, malformed or cut-off responses
// come from the server's FaultInjector (in-process server, test-only hook). Crashes are
// real: the kiosk-central child process, or a `kiosk sync --once` child, is SIGKILLed in
// the middle of a batch and started again.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "sync/sync_test_support.h"

namespace kiosk::cache {
namespace {

using central::Fault;
using central::FaultKind;
using kiosk::testing::CentralFixture;
using kiosk::testing::ChildServer;
using kiosk::testing::Pki;
using kiosk::testing::TempDir;
using kiosk::testing::TestTerminal;
using kiosk::testing::waitFor;
using std::chrono::milliseconds;
using std::chrono::seconds;

class SyncFaultsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pkiDir = new TempDir();
    pki = new Pki(kiosk::testing::makePki(pkiDir->path()));
  }
  static void TearDownTestSuite() {
    delete pki;
    delete pkiDir;
  }

  void makeCentral(int guests) {
    central = std::make_unique<CentralFixture>(dir.path(), *pki, guests);
  }

  std::unique_ptr<TestTerminal> terminal(const std::string& name, const std::string& url) {
    auto t = std::make_unique<TestTerminal>(dir.path(), name, url, *pki);
    t->enrollOrFail(*central);
    return t;
  }

  // Checks in guests [from, to) at the terminal; returns the check-in ids.
  std::vector<std::string> checkInRange(TestTerminal& t, int from, int to) {
    std::vector<std::string> ids;
    auto service = t.service(central->event().id);
    for (int i = from; i < to; ++i) {
      auto d =
          service.checkInNow(central->tokenFor(central->guests().at(i).id), ScanSource::kCamera);
      EXPECT_TRUE(d && d->accepted()) << i;
      if (d && d->checkin) {
        ids.push_back(d->checkin->id);
      }
    }
    return ids;
  }

  // The invariant after every fault.
  void expectExactlyOnceAtCentral(TestTerminal& t, const std::vector<std::string>& ids) {
    EXPECT_EQ(t.outbox(), 0u);
    EXPECT_EQ(t.scalar("SELECT COUNT(*) FROM outbox_dead"), 0);
    {
      auto dead =
          t.store().database().prepare("SELECT kind, http_status, problem FROM outbox_dead");
      while (dead.step()) {
        ADD_FAILURE() << "refused: " << dead.columnText(0) << " " << dead.columnInt(1) << " "
                      << dead.columnText(2);
      }
    }
    auto list = central->open()->records().listCheckins(central->event().id);
    ASSERT_TRUE(list);
    std::multiset<std::string> atCentral;
    for (const auto& c : *list) {
      atCentral.insert(c.record.id);
    }
    EXPECT_EQ(atCentral.size(), ids.size());
    for (const auto& id : ids) {
      EXPECT_EQ(atCentral.count(id), 1u) << id;
      // Nothing lost on the terminal either.
      auto local = t.store().findCheckin(id);
      EXPECT_TRUE(local && *local) << id;
    }
    auto check = t.store().database().prepare("PRAGMA integrity_check");
    ASSERT_TRUE(check.step());
    EXPECT_EQ(check.columnText(0), "ok");
  }

  static TempDir* pkiDir;
  static Pki* pki;
  TempDir dir;
  std::unique_ptr<CentralFixture> central;
};

TempDir* SyncFaultsTest::pkiDir = nullptr;
Pki* SyncFaultsTest::pki = nullptr;

TEST_F(SyncFaultsTest, ServerErrorsKeepEverythingAndTheRetriesDeliverItOnce) {
  makeCentral(30);
  central->start();
  auto a = terminal("A", central->url());
  ASSERT_TRUE(a->engine().runOnce());
  central->faults.add(Fault{"/v1/checkins", FaultKind::kStatus, 503, 1, {}, 3});
  central->faults.add(Fault{"/v1/changes", FaultKind::kStatus, 500, 1, {}, 2});
  const auto ids = checkInRange(*a, 0, 10);
  a->start();
  ASSERT_TRUE(waitFor([&] { return a->outbox() == 0; }));
  // The pulls' faults are used up too, and the engine is back online after them.
  ASSERT_TRUE(waitFor([&] { return central->faults.pending() == 0; }));
  ASSERT_TRUE(waitFor([&] { return a->engine().status().state == SyncState::kOnline; }));
  EXPECT_EQ(central->faults.served(), 5u);
  expectExactlyOnceAtCentral(*a, ids);
}

TEST_F(SyncFaultsTest, RetryAfterIsHonouredEvenWhenWokenUp) {
  makeCentral(10);
  central->start();
  auto a = terminal("A", central->url());
  a->options.pollInterval = seconds(60);
  ASSERT_TRUE(a->engine().runOnce());
  a->start();
  central->faults.add(Fault{"/v1/checkins", FaultKind::kStatus, 429, 2, {}, 1});
  const auto start = std::chrono::steady_clock::now();
  const auto ids = checkInRange(*a, 0, 1);
  a->engine().wake();
  // Staff keep checking guests in: every commit wakes the engine, none may jump the queue.
  ASSERT_TRUE(waitFor(
      [&] {
        a->engine().wake();
        return central->count("checkins") == 1;
      },
      seconds(10)));
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, milliseconds(1950));
  EXPECT_LT(waited, seconds(5));
  ASSERT_TRUE(waitFor([&] { return a->outbox() == 0; }));
  expectExactlyOnceAtCentral(*a, ids);
}

TEST_F(SyncFaultsTest, AnAnswerThatStallsPastTheTimeoutAfterCommittingIsNotAppliedTwice) {
  makeCentral(10);
  central->start();
  auto a = terminal("A", central->url());
  a->options.http.requestTimeout = seconds(1);
  ASSERT_TRUE(a->engine().runOnce());
  central->faults.add(Fault{"/v1/checkins", FaultKind::kStallAfter, 200, 1, seconds(3), 1});
  const auto ids = checkInRange(*a, 0, 5);
  auto first = a->engine().runOnce();
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->error);  // timed out
  EXPECT_EQ(a->outbox(), 5u);
  EXPECT_EQ(central->count("checkins"), 5u);  // central did commit
  auto second = a->engine().runOnce();
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->error);
  EXPECT_EQ(second->pushed, 5u);
  expectExactlyOnceAtCentral(*a, ids);
}

TEST_F(SyncFaultsTest, TruncatedMalformedAndCutAnswersToAPushAreRetried) {
  makeCentral(20);
  central->start();
  auto a = terminal("A", central->url());
  ASSERT_TRUE(a->engine().runOnce());
  std::vector<std::string> ids;
  for (auto kind :
       {FaultKind::kTruncatedBody, FaultKind::kMalformedBody, FaultKind::kCutConnection}) {
    central->faults.add(Fault{"/v1/checkins", kind, 200, 1, {}, 1});
    const auto batch =
        checkInRange(*a, static_cast<int>(ids.size()), static_cast<int>(ids.size()) + 4);
    ids.insert(ids.end(), batch.begin(), batch.end());
    auto failed = a->engine().runOnce();
    ASSERT_TRUE(failed);
    EXPECT_TRUE(failed->error) << static_cast<int>(kind);
    EXPECT_EQ(a->outbox(), 4u);
    auto ok = a->engine().runOnce();
    ASSERT_TRUE(ok);
    EXPECT_FALSE(ok->error) << ok->error->message;
  }
  expectExactlyOnceAtCentral(*a, ids);
}

TEST_F(SyncFaultsTest, ATruncatedOrCutPageIsNotAppliedAndItsCursorNotKept) {
  makeCentral(20);
  central->start();
  auto a = terminal("A", central->url());
  for (auto kind :
       {FaultKind::kTruncatedBody, FaultKind::kMalformedBody, FaultKind::kCutConnection}) {
    central->faults.add(Fault{"/v1/changes", kind, 200, 1, {}, 1});
    auto r = a->engine().runOnce();
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->error);
    EXPECT_EQ(r->pulled.total(), 0u);
    EXPECT_EQ(*a->store().guestCount(central->event().id), 0u);
    EXPECT_EQ(a->scalar("SELECT COUNT(*) FROM settings WHERE key = 'sync.cursor'"), 0);
  }
  auto r = a->engine().runOnce();
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->error);
  EXPECT_EQ(*a->store().guestCount(central->event().id), 20u);
}

TEST_F(SyncFaultsTest, CentralKilledMidBatchAndRestartedLosesNothingAndDoublesNothing) {
  constexpr int kGuests = 600;
  makeCentral(kGuests + 20);
  ChildServer server;
  ASSERT_TRUE(server.start(central->database(), *pki, 0)) << server.error();
  const int port = server.port();
  auto a = terminal("A", "https://127.0.0.1:" + std::to_string(port));
  // Small batches: 120 of them, so the kill lands while they flow even when the test's
  // polling is slow on a loaded machine (with 30 batches of 20 it once came after all).
  a->options.batchSize = 5;
  ASSERT_TRUE(a->engine().runOnce());
  auto ids = checkInRange(*a, 0, kGuests);
  a->start();
  // Kill -9 while the batches are flowing.
  ASSERT_TRUE(waitFor([&] { return central->count("checkins") > 0; }, seconds(20)));
  server.kill(SIGKILL);
  const auto atKill = central->count("checkins");
  EXPECT_LT(atKill, static_cast<std::size_t>(kGuests)) << "the kill came after the last batch";
  // Offline meanwhile: more check-ins queue up.
  const auto more = checkInRange(*a, kGuests, kGuests + 20);
  ids.insert(ids.end(), more.begin(), more.end());
  ASSERT_TRUE(waitFor([&] { return a->engine().status().state == SyncState::kOffline; }));
  EXPECT_GT(a->outbox(), 0u);

  ChildServer restarted;
  ASSERT_TRUE(restarted.start(central->database(), *pki, port)) << restarted.error();
  ASSERT_TRUE(waitFor([&] { return a->outbox() == 0; }, seconds(30)));
  a->stop();
  expectExactlyOnceAtCentral(*a, ids);
  restarted.kill(SIGTERM);
  EXPECT_EQ(WEXITSTATUS(restarted.lastStatus()), 0);
  // Central's database came through the kill intact (open() runs integrity_check).
  ASSERT_TRUE(central::CentralStore::open(central->database()));
}

TEST_F(SyncFaultsTest, ATerminalSyncKilledMidBatchResumesWithoutDoubles) {
  constexpr int kGuests = 600;
  makeCentral(kGuests);
  central->start();
  auto a = terminal("A", central->url());
  ASSERT_TRUE(a->engine().runOnce());
  const auto ids = checkInRange(*a, 0, kGuests);
  const auto config = dir.path() / "kiosk.toml";
  std::ofstream(config) << "[terminal]\nname = \"A\"\ndatabase = \"" << a->database()
                        << "\"\n[server]\nurl = \"" << central->url() << "\"\nca_file = \""
                        << pki->caFile << "\"\nbatch_size = 10\n";
  const std::string kiosk = std::string(KIOSK_BINARY_DIR) + "/kiosk";
  const pid_t child = ::fork();
  if (child == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execl(kiosk.c_str(), kiosk.c_str(), "sync", "--once", "--config", config.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ASSERT_GT(child, 0);
  const bool started = waitFor([&] { return central->count("checkins") > 0; }, seconds(20));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(started);
  EXPECT_TRUE(WIFSIGNALED(status)) << "finished before the kill";
  EXPECT_GT(a->outbox(), 0u);

  const auto rerun = kiosk::testing::runCommand(
      {kiosk, "sync", "--once", "--config", config.string()}, dir.path());
  ASSERT_EQ(rerun.status, 0) << rerun.err;
  expectExactlyOnceAtCentral(*a, ids);
}

}  // namespace
}  // namespace kiosk::cache
