// Power cut or kill -9 at any instant: no accepted check-in lost, none applied twice, the
// database passes integrity_check. The worker is SIGKILLed at random instants while it
// checks guests in (and, in the second test, syncs with a real central over HTTPS);
// every check-in it reported as accepted must be in the database exactly once, with its
// outbox row, and after the final sync exactly once at central.
//
// Rounds: 40 (local) and 25 (with sync) by default; KIOSK_CRASH_ROUNDS=500 for the long
// run (both tests).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "offline-cache/local_store.h"
#include "support/temp_dir.h"
#include "sync/sync_test_support.h"

namespace {

using namespace std::chrono_literals;

const std::string kWorker = std::string(KIOSK_BINARY_DIR) + "/tests/crash_worker";

struct Round {
  std::vector<std::string> lines;
  bool finished = false;
};

// Starts the worker with `args`, lets it run for `budget` after it said "ready", then
// SIGKILLs it (or reaps it when it finished by itself). Returns every complete line it
// wrote.
Round runAndKill(std::vector<std::string> args, std::chrono::microseconds budget) {
  int out[2];
  if (::pipe(out) != 0) {
    throw std::runtime_error("pipe");
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::close(out[0]);
    ::close(out[1]);
    args.insert(args.begin(), kWorker);
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    ::execv(kWorker.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  std::string buffer;
  Round round;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  bool started = false;
  std::chrono::steady_clock::time_point killAt{};
  char chunk[4096];
  while (true) {
    const auto now = std::chrono::steady_clock::now();
    if (started && now >= killAt) {
      ::kill(pid, SIGKILL);
      break;
    }
    if (now > deadline) {
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    const int waitMs =
        started
            ? static_cast<int>(std::max<long>(
                  0, std::chrono::duration_cast<std::chrono::milliseconds>(killAt - now).count()))
            : 100;
    if (::poll(&p, 1, waitMs) > 0) {
      const auto n = ::read(out[0], chunk, sizeof chunk);
      if (n <= 0) {
        round.finished = true;
        break;
      }
      buffer.append(chunk, static_cast<std::size_t>(n));
      if (!started && buffer.find("ready\n") != std::string::npos) {
        started = true;
        killAt = std::chrono::steady_clock::now() + budget;
      }
    }
  }
  // Lines written before the kill are still in the pipe.
  ::fcntl(out[0], F_SETFL, O_NONBLOCK);
  ssize_t n = 0;
  while ((n = ::read(out[0], chunk, sizeof chunk)) > 0) {
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::istringstream in(buffer);
  for (std::string line; std::getline(in, line);) {
    if (in.eof() && buffer.back() != '\n') {
      break;  // a torn last line cannot happen with one write(2) per line, but be strict
    }
    round.lines.push_back(line);
  }
  return round;
}

int rounds(int fallback) {
  const char* env = std::getenv("KIOSK_CRASH_ROUNDS");
  return env != nullptr ? std::atoi(env) : fallback;
}

struct Outcome {
  std::map<std::string, std::string> accepted;  // booking code -> check-in id
  int kills = 0;
};

// Kills workers over and over, each continuing where the last stopped, and collects what
// the guests were shown. Guests are PREFIX + number for number in [first, last].
void killRepeatedly(const std::string& db, const std::string& prefix, int first, int last,
                    const std::vector<std::string>& syncArgs, int roundCount, int maxBudgetUs,
                    Outcome& out) {
  std::mt19937 rng(20261123);
  std::uniform_int_distribution<int> budgetUs(0, maxBudgetUs);
  int next = first;
  const auto numberOf = [&](const std::string& code) {
    return std::stoi(code.substr(prefix.size()));
  };
  int roundsRun = 0;
  for (; roundsRun < roundCount && next <= last; ++roundsRun) {
    std::vector<std::string> args{db, "crash-terminal", prefix, std::to_string(next),
                                  std::to_string(last - next + 1)};
    args.insert(args.end(), syncArgs.begin(), syncArgs.end());
    const auto round = runAndKill(args, std::chrono::microseconds(budgetUs(rng)));
    out.kills += round.finished ? 0 : 1;
    for (const auto& line : round.lines) {
      std::istringstream words(line);
      std::string verb;
      std::string code;
      std::string id;
      words >> verb >> code >> id;
      if (verb == "accepted") {
        ASSERT_EQ(out.accepted.count(code), 0u) << code << " accepted twice";
        out.accepted[code] = id;
        next = std::max(next, numberOf(code) + 1);
      } else if (verb == "already_checked_in") {
        // The check-in in flight when the previous worker was killed had committed: the
        // retry is refused, as it must be.
        next = std::max(next, numberOf(code) + 1);
      } else if (verb == "error") {
        FAIL() << line;
      }
    }
  }
  ASSERT_GT(out.kills, roundsRun / 2) << "the worker must actually be killed mid-run";
  ASSERT_FALSE(out.accepted.empty());
}

// Every accepted check-in is in the terminal's database once, with its audit row, and
// with its outbox row unless `atCentral` says central already has it; no guest twice.
void expectAllStoredOnce(const std::string& db, const Outcome& out,
                         const std::function<bool(const std::string&)>& atCentral = {}) {
  auto reopened = kiosk::cache::LocalStore::open(db);  // runs integrity_check
  ASSERT_TRUE(reopened) << reopened.error().message;
  auto& database = (*reopened)->database();
  for (const auto& [code, id] : out.accepted) {
    auto s = database.prepare("SELECT COUNT(*) FROM checkins WHERE id = ?1");
    s.bind(1, id);
    ASSERT_TRUE(s.step());
    EXPECT_EQ(s.columnInt(0), 1) << code << " reported accepted but not stored";
    auto o = database.prepare("SELECT COUNT(*) FROM outbox WHERE kind = 'checkin' AND ref_id = ?1");
    o.bind(1, id);
    ASSERT_TRUE(o.step());
    EXPECT_LE(o.columnInt(0), 1) << code << " queued twice";
    if (o.columnInt(0) == 0) {
      EXPECT_TRUE(atCentral && atCentral(id)) << code << " neither queued nor at central";
    }
  }
  auto dup = database.prepare(
      "SELECT COUNT(*) FROM (SELECT guest_id FROM checkins WHERE undone_at IS NULL "
      "GROUP BY guest_id HAVING COUNT(*) > 1)");
  ASSERT_TRUE(dup.step());
  EXPECT_EQ(dup.columnInt(0), 0) << "a guest admitted twice";
  // Every stored check-in has its audit row (the same transaction).
  auto orphans = database.prepare(
      "SELECT COUNT(*) FROM checkins c WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.ref_id = "
      "c.id)");
  ASSERT_TRUE(orphans.step());
  EXPECT_EQ(orphans.columnInt(0), 0);
}

TEST(CrashConsistency, KilledAtRandomInstantsLosesNoAcceptedCheckin) {
  const int roundCount = rounds(40);
  const int guestCount = 100 * roundCount;  // more than the rounds get through
  kiosk::testing::TempDir dir;
  const auto db = dir.file("kiosk.db");
  {
    auto store = std::move(*kiosk::cache::LocalStore::open(db));
    kiosk::Event event;
    event.id = 0xc4a54001;
    event.name = "Crash test";
    const auto now = kiosk::SystemClock().now();
    event.startsAt = now - std::chrono::hours(1);
    event.endsAt = now + std::chrono::hours(24);
    ASSERT_TRUE(store->saveEvent(event));
    std::vector<kiosk::Guest> guests;
    for (int i = 0; i < guestCount; ++i) {
      kiosk::Guest g;
      g.bookingCode = "CRASH-" + std::to_string(10000 + i);
      g.name = "Guest " + std::to_string(i);
      guests.push_back(g);
    }
    ASSERT_TRUE(store->upsertGuests(event.id, guests, now));
  }
  Outcome out;
  killRepeatedly(db, "CRASH-", 10000, 10000 + guestCount - 1, {}, roundCount, 60'000, out);
  if (HasFatalFailure()) {
    return;
  }
  expectAllStoredOnce(db, out);
  std::printf(
      "crash consistency: %d rounds, %d kills, %zu check-ins reported accepted, all present once\n",
      roundCount, out.kills, out.accepted.size());
}

// The same with the sync engine pushing and pulling against a real central (HTTPS on
// loopback) while the worker is killed: after a final sync, every accepted check-in is at
// central exactly once, none flagged as a second admission.
TEST(CrashConsistency, KilledWhileSyncingDeliversEveryCheckinOnceToCentral) {
  using namespace kiosk::testing;
  TempDir dir;
  const auto pki = makePki(dir.path());
  const int roundCount = rounds(25);
  const int guestCount = 160 * roundCount;  // more than the rounds get through
  CentralFixture central(dir.path(), pki, guestCount);
  central.start();
  TestTerminal terminal(dir.path(), "crash-terminal", central.url(), pki);
  terminal.enrollOrFail(central);
  ASSERT_FALSE(HasFatalFailure());
  auto first = terminal.engine().runOnce();  // the roster
  ASSERT_TRUE(first && first->reachedServer && !first->error);
  const std::string db = terminal.database();

  Outcome out;
  // Guests are GST-1001 ... (sync_test_support.h).
  killRepeatedly(db, "GST-", 1001, 1000 + guestCount, {central.url(), pki.caFile}, roundCount,
                 400'000, out);
  if (HasFatalFailure()) {
    return;
  }
  std::map<std::string, int> atCentral;
  const auto readCentral = [&] {
    atCentral.clear();
    auto checkins = central.open()->records().listCheckins(central.event().id);
    EXPECT_TRUE(checkins) << checkins.error().message;
    for (const auto& c : checkins ? *checkins : std::vector<kiosk::central::CentralCheckin>{}) {
      ++atCentral[c.record.id];
      EXPECT_FALSE(c.flagged) << c.record.id << " flagged as a second admission";
    }
  };
  readCentral();
  const auto deliveredBeforeFinalSync = atCentral.size();
  const auto isAtCentral = [&](const std::string& id) { return atCentral.count(id) == 1; };
  expectAllStoredOnce(db, out, isAtCentral);

  // The terminal comes back once more and syncs until its outbox is empty.
  ASSERT_TRUE(waitFor([&] {
    auto r = terminal.engine().runOnce();
    return r && r->outboxLeft == 0 && !r->error;
  }));
  readCentral();
  expectAllStoredOnce(db, out, isAtCentral);
  for (const auto& [code, id] : out.accepted) {
    EXPECT_EQ(atCentral[id], 1) << code << " (" << id << ") not at central exactly once";
  }
  // Central holds nothing the terminal does not: the check-ins of workers killed after
  // commit but before their "accepted" line are in the terminal's database too.
  auto local = kiosk::cache::LocalStore::open(db);
  ASSERT_TRUE(local);
  auto n = (*local)->database().prepare("SELECT COUNT(*) FROM checkins");
  ASSERT_TRUE(n.step());
  EXPECT_EQ(static_cast<std::int64_t>(atCentral.size()), n.columnInt(0));
  std::printf(
      "crash consistency with sync: %d rounds, %d kills, %zu check-ins reported accepted, %zu "
      "had reached central before the final sync, all at central exactly once\n",
      roundCount, out.kills, out.accepted.size(), deliveredBeforeFinalSync);
}

}  // namespace
