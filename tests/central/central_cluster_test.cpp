// Several kiosk-central instances on one database behind the real HAProxy with the shipped
// configuration (deploy/central/haproxy.cfg), driven by the terminal's real sync engine and
// by a plain HTTPS client from chosen loopback addresses.
//
// Tests named StoreDependent_* prove properties that come from the database (exactly-once
// check-ins, one-time enrollment codes, flagged second admissions) and are meant to run on
// every engine central supports: they run on the test database (support/central_test_store.h).
// The others prove the balancer's and central's handling of client addresses.
#include "central/central_cluster.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <latch>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "support/central_test_store.h"
#include "support/private_postgres.h"
#include "support/run_command.h"

namespace kiosk::testing {
namespace {

using nlohmann::json;

// HAProxy connects to the instances from 127.0.0.1; terminals come from 127.0.0.1 (the
// sync engine), 127.0.0.2 or 127.0.0.3 (the plain client).
const std::vector<std::string> kBehindBalancer{"--trusted-proxy", "127.0.0.1",
                                               "--max-connections-per-address", "0"};

// Central's body cap (and the balancer's).
constexpr std::size_t kSixteenMiB = std::size_t{16} * 1024 * 1024;

class CentralClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pkiDir = new TempDir();
    pki = new Pki(makePki(pkiDir->path()));
  }
  static void TearDownTestSuite() {
    delete pki;
    delete pkiDir;
  }

  void SetUp() override {
    // One database per test, shared by the fixture, every instance and the admin commands:
    // a SQLite file (WAL) or, on PostgreSQL, one fresh database (each call of
    // centralTestDatabase makes a new one).
    db = testing::centralTestDatabase(dir.path());
    central = std::make_unique<CentralFixture>(dir.path(), *pki, 20, 0, db);
  }

  void startCluster(int instances) {
    cluster = std::make_unique<CentralCluster>(dir.path(), *pki, db, instances, kBehindBalancer);
    ASSERT_TRUE(cluster->start()) << cluster->error();
  }

  // A request with a token no device holds, until central answers 429 (at most `tries`).
  int failuresUntilLimited(const std::string& url, const std::string& source, int tries,
                           bool forgeForwardedFor = false) {
    for (int i = 1; i <= tries; ++i) {
      std::vector<std::string> headers{"Authorization: Bearer not-a-token"};
      if (forgeForwardedFor) {
        // A different made-up address each time: believed, each would be a fresh client.
        headers.push_back("X-Forwarded-For: 10.0.0." + std::to_string(i));
      }
      const auto r = httpsRequest("GET", url + "/v1/changes", pki->caFile, {}, headers, source);
      EXPECT_TRUE(r.status == 401 || r.status == 429) << r.status << " " << r.error << r.body;
      if (r.status == 429) {
        return i;
      }
    }
    return 0;
  }

  // Central's own account, through its admin command (not through a store handle).
  std::vector<json> centralRows(const std::string& command) {
    auto r = runCommand(
        {std::string(KIOSK_BINARY_DIR) + "/kiosk-central", command, "--db", db, "--json"},
        dir.path());
    EXPECT_EQ(r.status, 0) << r.err;
    std::vector<json> rows;
    for (const auto& line : r.lines()) {
      rows.push_back(json::parse(line));
    }
    return rows;
  }

  std::string enrollmentCode(const std::string& terminal) {
    auto r = runCommand({std::string(KIOSK_BINARY_DIR) + "/kiosk-central", "enroll-code", "--db",
                         db, "--terminal", terminal},
                        dir.path());
    EXPECT_EQ(r.status, 0) << r.err;
    return r.status == 0 ? json::parse(r.out).at("code").get<std::string>() : std::string();
  }

  Exchange enroll(const std::string& url, const std::string& code) {
    return httpsRequest("POST", url + "/v1/enroll", pki->caFile, json{{"code", code}}.dump());
  }

  static TempDir* pkiDir;
  static Pki* pki;
  TempDir dir;
  std::string db;
  std::unique_ptr<CentralFixture> central;
  std::unique_ptr<CentralCluster> cluster;
};

TempDir* CentralClusterTest::pkiDir = nullptr;
Pki* CentralClusterTest::pki = nullptr;

TEST_F(CentralClusterTest, AGuesserBehindTheBalancerIsLimitedAloneNotEveryTerminal) {
  startCluster(1);  // one instance: its limiter sees every request
  const int limitedAfter = failuresUntilLimited(cluster->url(), "127.0.0.1", 40);
  EXPECT_GT(limitedAfter, 1) << "the guesser gets a few 401s first";
  EXPECT_LE(limitedAfter, 20) << "the guesser is never limited";
  // Another client address through the same balancer still gets its own answers.
  const auto other = httpsRequest("GET", cluster->url() + "/v1/changes", pki->caFile, {},
                                  {"Authorization: Bearer not-a-token"}, "127.0.0.2");
  EXPECT_EQ(other.status, 401) << other.error << other.body;
  const auto health =
      httpsRequest("GET", cluster->url() + "/v1/health", pki->caFile, {}, {}, "127.0.0.2");
  EXPECT_EQ(health.status, 200) << health.error << health.body;
}

TEST_F(CentralClusterTest, ForwardedForSentByTheClientThroughTheBalancerIsNotBelieved) {
  startCluster(1);
  // Only the balancer's own last entry counts: made-up earlier entries do not make the
  // guesser a new client each time.
  const int limitedAfter = failuresUntilLimited(cluster->url(), "127.0.0.3", 40, true);
  EXPECT_GT(limitedAfter, 1);
  EXPECT_LE(limitedAfter, 20) << "central believed the client's own X-Forwarded-For";
}

TEST_F(CentralClusterTest, ForwardedForFromAPeerThatIsNotTheBalancerIsNotBelieved) {
  startCluster(1);
  // Straight to the instance from 127.0.0.2, which is not a trusted proxy.
  const int limitedAfter = failuresUntilLimited(cluster->instanceUrl(0), "127.0.0.2", 40, true);
  EXPECT_GT(limitedAfter, 1);
  EXPECT_LE(limitedAfter, 20) << "central believed a forged X-Forwarded-For";
  // ... and only that address is limited, not the balancer's clients.
  const auto other = httpsRequest("GET", cluster->url() + "/v1/changes", pki->caFile, {},
                                  {"Authorization: Bearer not-a-token"}, "127.0.0.3");
  EXPECT_EQ(other.status, 401) << other.error << other.body;
}

TEST_F(CentralClusterTest, AHeartbeatThroughTheBalancerKeepsTheTerminalsAddress) {
  startCluster(1);
  const auto enrolled = enroll(cluster->url(), enrollmentCode("lobby-1"));
  ASSERT_EQ(enrolled.status, 200) << enrolled.body;
  const auto token = json::parse(enrolled.body).at("token").get<std::string>();
  const auto beat = json{
      {"version", "test"},
      {"terminal_time", cache::toJson(SystemClock().now())},
      {"queue_depth",
       0}}.dump();
  const auto r = httpsRequest("POST", cluster->url() + "/v1/heartbeat", pki->caFile, beat,
                              {"Authorization: Bearer " + token}, "127.0.0.2");
  ASSERT_EQ(r.status, 200) << r.error << r.body;
  const auto devices = centralRows("devices");
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].at("last_address"), "127.0.0.2") << "the balancer's address was kept";
}

TEST_F(CentralClusterTest, TheBalancerRefusesABodyOverSixteenMebibytesBeforeAnInstanceSeesIt) {
  startCluster(1);
  const auto enrolled = enroll(cluster->url(), enrollmentCode("lobby-1"));
  ASSERT_EQ(enrolled.status, 200) << enrolled.body;
  const auto token = json::parse(enrolled.body).at("token").get<std::string>();
  const auto r =
      httpsRequest("POST", cluster->url() + "/v1/checkins", pki->caFile,
                   std::string(kSixteenMiB + 1, ' '), {"Authorization: Bearer " + token});
  EXPECT_EQ(r.status, 413) << r.error;
  EXPECT_EQ(cluster->served(0, "POST /v1/checkins"), 0) << "the body crossed to the instance";
  // Exactly 16 MiB crosses (and is central's to judge: not JSON).
  const auto limit =
      httpsRequest("POST", cluster->url() + "/v1/checkins", pki->caFile,
                   std::string(kSixteenMiB, ' '), {"Authorization: Bearer " + token});
  EXPECT_EQ(limit.status, 400) << limit.error << limit.body;
  EXPECT_EQ(cluster->served(0, "POST /v1/checkins 400"), 1);
}

TEST_F(CentralClusterTest, TheBalancerCapsConnectionsPerClientAddress) {
  startCluster(1);
  // Sixteen idle connections from one address are held (they have until the 10 s header
  // timeout to start TLS)...
  std::vector<int> held;
  auto connectFrom = [&](const char* source) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &local.sin_addr);
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(static_cast<std::uint16_t>(std::stoi(cluster->url().substr(18))));
    ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local), 0);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote), 0);
    return fd;
  };
  held.reserve(16);
  for (int i = 0; i < 16; ++i) {
    held.push_back(connectFrom("127.0.0.2"));
  }
  ASSERT_TRUE(waitFor([&] {
    const auto table = cluster->admin("show table terminals");
    const auto row = table.find("key=::ffff:127.0.0.2 ");
    return row != std::string::npos &&
           table.substr(row, table.find('\n', row) - row).find(" conn_cur=16") != std::string::npos;
  })) << cluster->admin("show table terminals");
  // ... the seventeenth is closed by the balancer at once ...
  const int extra = connectFrom("127.0.0.2");
  pollfd p{extra, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 5000), 1) << "the seventeenth connection was kept open";
  char byte = 0;
  EXPECT_LE(::read(extra, &byte, 1), 0) << "closed, without an answer";
  ::close(extra);
  // ... while another address is served.
  const auto other =
      httpsRequest("GET", cluster->url() + "/v1/health", pki->caFile, {}, {}, "127.0.0.3");
  EXPECT_EQ(other.status, 200) << other.error;
  for (const int fd : held) {
    ::close(fd);
  }
}

TEST_F(CentralClusterTest, TheBalancerOffersCentralsTlsPolicy) {
  startCluster(1);
  const auto port = cluster->url().substr(std::string("https://").size());
  auto handshake = [&](const std::string& options) {
    return sh("echo | openssl s_client -connect " + port + " -CAfile " + shellQuote(pki->caFile) +
              " " + options + " 2>&1 | grep -c '^New, TLSv1'");
  };
  EXPECT_EQ(handshake("-tls1_3"), "1");
  EXPECT_EQ(handshake("-tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256"), "1");
  EXPECT_EQ(handshake("-tls1_2 -cipher ECDHE-ECDSA-AES128-SHA256"), "0") << "a CBC suite";
  EXPECT_EQ(handshake("-tls1_1"), "0");
}

TEST_F(CentralClusterTest, ADrainedInstanceGetsNoRequestsUntilItIsReadyAgain) {
  // The upgrade procedure of docs/central-postgresql.md, on the shipped admin socket.
  startCluster(2);
  // Requests of a client, told apart in the instances' logs from the balancer's own
  // health checks (GET /v1/health): a poll without a valid token.
  const std::string answered = "GET /v1/changes 401";
  auto poll = [&] {
    const auto r = httpsRequest("GET", cluster->url() + "/v1/changes", pki->caFile, {},
                                {"Authorization: Bearer not-a-token"});
    EXPECT_EQ(r.status, 401) << r.error;
  };
  EXPECT_EQ(cluster->admin("set server central/c0 state drain"), "\n");
  ASSERT_TRUE(cluster->waitStatus(0, "DRAIN"));
  for (int i = 0; i < 6; ++i) {
    poll();
  }
  EXPECT_EQ(cluster->served(1, answered), 6);
  EXPECT_EQ(cluster->served(0, answered), 0) << "a drained instance served";

  EXPECT_EQ(cluster->admin("set server central/c0 state ready"), "\n");
  ASSERT_TRUE(cluster->waitStatus(0, "UP"));
  for (int i = 0; i < 4; ++i) {
    poll();
  }
  EXPECT_GT(cluster->served(0, answered), 0) << "back in rotation";
}

TEST_F(CentralClusterTest, StoreDependent_ATerminalKeepsSyncingWhenItsInstanceIsKilled) {
  startCluster(2);
  TestTerminal terminal(dir.path(), "lobby-1", cluster->url(), *pki);
  auto enrolled = terminal.enroll(enrollmentCode("lobby-1"));
  ASSERT_TRUE(enrolled) << enrolled.error().message;
  terminal.start();
  const auto eventId = central->event().id;
  ASSERT_TRUE(waitFor([&] { return *terminal.store().guestCount(eventId) == 20; }));
  // Guests who check in by themselves (every tenth is a VIP, whom staff escort).
  std::vector<GuestId> plain;
  for (const auto& g : central->guests()) {
    if (g.category != GuestCategory::kVip) {
      plain.push_back(g.id);
    }
  }
  auto checkIn = [&](std::size_t from, std::size_t to) {
    for (auto i = from; i <= to; ++i) {
      auto d = terminal.checkIn(eventId, central->tokenFor(plain.at(i)));
      ASSERT_TRUE(d) << d.error().message;
      ASSERT_TRUE(d->accepted()) << d->detail;
    }
  };
  checkIn(0, 4);
  ASSERT_TRUE(waitFor([&] { return terminal.outbox() == 0; })) << terminal.outbox();
  // The instance that took the enrollment and the first pushes goes down hard.
  const int victim =
      cluster->served(0, "POST /v1/checkins 200") >= cluster->served(1, "POST /v1/checkins 200")
          ? 0
          : 1;
  const int survivor = 1 - victim;
  const int survivorBefore = cluster->served(survivor, "POST /v1/checkins 200");
  // Killed right after check-ins that wake the terminal's push: the push may be in flight
  // on the victim, answered or not; the terminal must neither lose nor double it.
  checkIn(5, 7);
  cluster->kill(victim);
  checkIn(8, 9);
  ASSERT_TRUE(waitFor([&] { return terminal.outbox() == 0; }, std::chrono::seconds(30)))
      << "outbox still holds " << terminal.outbox();
  EXPECT_GT(cluster->served(survivor, "POST /v1/checkins 200"), survivorBefore);
  EXPECT_TRUE(cluster->waitStatus(victim, "DOWN"));

  // Back from the dead, on the same port: the balancer takes it in again.
  ASSERT_TRUE(cluster->restart(victim)) << cluster->error();
  checkIn(10, 11);
  ASSERT_TRUE(waitFor([&] { return terminal.outbox() == 0; }, std::chrono::seconds(30)));
  terminal.stop();

  const auto rows = centralRows("checkins");
  std::set<std::string> ids;
  std::set<GuestId> guests;
  for (const auto& row : rows) {
    ids.insert(row.at("id").get<std::string>());
    guests.insert(row.at("guest_id").get<GuestId>());
    EXPECT_FALSE(row.at("flagged").get<bool>()) << row.dump();
  }
  EXPECT_EQ(rows.size(), 12u) << "a check-in lost or stored twice";
  EXPECT_EQ(ids.size(), 12u);
  EXPECT_EQ(guests.size(), 12u);
  // Exactly the terminal's own check-ins: each one central holds is one the terminal made.
  std::set<std::string> local;
  auto statement = terminal.store().database().prepare("SELECT id FROM checkins");
  while (statement.step()) {
    local.insert(statement.columnText(0));
  }
  EXPECT_EQ(local, ids);
}

TEST_F(CentralClusterTest, StoreDependent_TerminalsPushingAtOnceLoseNothingWhenAnInstanceIsKilled) {
  startCluster(2);
  constexpr int kTerminals = 3;
  constexpr std::size_t kEach = 6;
  std::vector<std::unique_ptr<TestTerminal>> terminals;
  for (int t = 0; t < kTerminals; ++t) {
    const auto name = "lobby-" + std::to_string(t);
    terminals.push_back(std::make_unique<TestTerminal>(dir.path(), name, cluster->url(), *pki));
    auto enrolled = terminals.back()->enroll(enrollmentCode(name));
    ASSERT_TRUE(enrolled) << enrolled.error().message;
    terminals.back()->start();
  }
  const auto eventId = central->event().id;
  for (auto& terminal : terminals) {
    ASSERT_TRUE(waitFor([&] { return *terminal->store().guestCount(eventId) == 20; }));
  }
  std::vector<GuestId> plain;
  for (const auto& g : central->guests()) {
    if (g.category != GuestCategory::kVip) {
      plain.push_back(g.id);
    }
  }
  ASSERT_GE(plain.size(), kTerminals * kEach);
  // Each terminal checks its own guests in, one after another, while instance 0 is killed
  // half-way and started again.
  std::atomic<int> done{0};
  std::atomic<int> refused{0};
  {
    std::vector<std::jthread> lobbies;
    for (int t = 0; t < kTerminals; ++t) {
      lobbies.emplace_back([&, t] {
        for (std::size_t i = 0; i < kEach; ++i) {
          const auto guest = plain.at(static_cast<std::size_t>(t) * kEach + i);
          auto d =
              terminals[static_cast<std::size_t>(t)]->checkIn(eventId, central->tokenFor(guest));
          if (!d || !d->accepted()) {
            ++refused;
          }
          ++done;
          std::this_thread::sleep_for(std::chrono::milliseconds(40));  // a guest's pace
        }
      });
    }
    ASSERT_TRUE(waitFor([&] { return done.load() >= kTerminals * 2; }));
    cluster->kill(0);
  }
  EXPECT_EQ(refused.load(), 0);
  ASSERT_TRUE(cluster->restart(0)) << cluster->error();
  for (auto& terminal : terminals) {
    ASSERT_TRUE(waitFor([&] { return terminal->outbox() == 0; }, std::chrono::seconds(30)))
        << "outbox still holds " << terminal->outbox();
    terminal->stop();
  }

  std::set<std::string> local;
  for (auto& terminal : terminals) {
    auto statement = terminal->store().database().prepare("SELECT id FROM checkins");
    while (statement.step()) {
      local.insert(statement.columnText(0));
    }
  }
  const auto rows = centralRows("checkins");
  std::set<std::string> ids;
  for (const auto& row : rows) {
    ids.insert(row.at("id").get<std::string>());
    EXPECT_FALSE(row.at("flagged").get<bool>()) << row.dump();
  }
  EXPECT_EQ(rows.size(), kTerminals * kEach) << "a check-in lost or stored twice";
  EXPECT_EQ(ids, local);
  // A terminal enrolled now learns every check-in from the feed.
  const auto fresh = enroll(cluster->url(), enrollmentCode("lobby-new"));
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  const auto token = json::parse(fresh.body).at("token").get<std::string>();
  std::set<std::string> fed;
  std::string cursor;
  for (int page = 0; page < 50; ++page) {
    const auto r = httpsRequest("GET", cluster->url() + "/v1/changes?limit=10&cursor=" + cursor,
                                pki->caFile, {}, {"Authorization: Bearer " + token});
    ASSERT_EQ(r.status, 200) << r.error << r.body;
    const auto body = json::parse(r.body);
    for (const auto& c : body.value("checkins", json::array())) {
      fed.insert(c.at("id").get<std::string>());
    }
    cursor = body.at("cursor").get<std::string>();
    if (!body.at("has_more").get<bool>()) {
      break;
    }
  }
  EXPECT_EQ(fed, ids);
}

TEST_F(CentralClusterTest, StoreDependent_TheSameCheckinThroughTwoInstancesIsStoredOnce) {
  startCluster(2);
  const auto enrolled = enroll(cluster->instanceUrl(0), enrollmentCode("lobby-1"));
  ASSERT_EQ(enrolled.status, 200) << enrolled.body;
  const auto token = json::parse(enrolled.body).at("token").get<std::string>();
  const GuestId guest = central->guests()[0].id;
  auto record = [&](int msAgo) {
    CheckinRecord r;
    r.id = newRecordId(SystemClock().now());
    r.eventId = central->event().id;
    r.guestId = guest;
    r.terminal = "lobby-1";
    r.scannedAt = SystemClock().now() - std::chrono::milliseconds(msAgo);
    return json{{"checkins", json::array({cache::toJson(r)})}}.dump();
  };
  auto push = [&](int instance, const std::string& body) {
    const auto r = httpsRequest("POST", cluster->instanceUrl(instance) + "/v1/checkins",
                                pki->caFile, body, {"Authorization: Bearer " + token});
    EXPECT_EQ(r.status, 200) << r.error << r.body;
    return r.status == 200 ? json::parse(r.body).at("results").at(0) : json();
  };
  const auto first = record(2000);
  const auto second = record(1000);  // the same guest admitted again, later
  const auto a0 = push(0, first);
  const auto a1 = push(1, first);
  EXPECT_EQ(a0, a1) << "the same record answered differently by the two instances";
  EXPECT_FALSE(a0.value("flagged", false)) << a0.dump();
  const auto b1 = push(1, second);
  const auto b0 = push(0, second);
  EXPECT_EQ(b1.value("flagged", false), true) << b1.dump();
  EXPECT_EQ(b0, b1);

  EXPECT_EQ(centralRows("checkins").size(), 2u);
  const auto duplicates = centralRows("duplicates");
  ASSERT_EQ(duplicates.size(), 1u) << "the second admission is flagged once";
  EXPECT_EQ(duplicates[0].at("id"), json::parse(second).at("checkins").at(0).at("id"));
}

TEST_F(CentralClusterTest, StoreDependent_ConcurrentPushesThroughTwoInstancesStoreEachOnce) {
  startCluster(2);
  // Two terminals admit the same eight guests: A scanned each first, B a second later.
  // Each terminal's batch is pushed four times at the same moment, twice straight to
  // each instance (a retry racing its lost original, two instances answering at once).
  std::vector<std::string> tokens;
  for (const auto* terminal : {"lobby-A", "lobby-B"}) {
    const auto enrolled = enroll(cluster->instanceUrl(0), enrollmentCode(terminal));
    ASSERT_EQ(enrolled.status, 200) << enrolled.body;
    tokens.push_back(json::parse(enrolled.body).at("token").get<std::string>());
  }
  const auto now = SystemClock().now();
  std::vector<std::string> batches;
  std::vector<std::set<std::string>> ids(2);
  for (int t = 0; t < 2; ++t) {
    json items = json::array();
    for (int g = 0; g < 8; ++g) {
      CheckinRecord r;
      r.id = newRecordId(now);
      r.eventId = central->event().id;
      r.guestId = central->guests().at(static_cast<std::size_t>(g)).id;
      r.terminal = t == 0 ? "lobby-A" : "lobby-B";
      r.scannedAt = now - std::chrono::milliseconds(t == 0 ? 2000 : 1000);
      ids[static_cast<std::size_t>(t)].insert(r.id);
      items.push_back(cache::toJson(r));
    }
    batches.push_back(json{{"checkins", items}}.dump());
  }
  constexpr int kPushers = 8;
  std::vector<Exchange> answers(kPushers);
  {
    std::latch ready(kPushers);
    std::vector<std::jthread> pushers;
    for (int k = 0; k < kPushers; ++k) {
      pushers.emplace_back([&, k] {
        const auto terminal = static_cast<std::size_t>(k % 2);
        ready.arrive_and_wait();
        answers[static_cast<std::size_t>(k)] =
            httpsRequest("POST", cluster->instanceUrl((k / 2) % 2) + "/v1/checkins", pki->caFile,
                         batches[terminal], {"Authorization: Bearer " + tokens[terminal]});
      });
    }
  }
  for (int k = 0; k < kPushers; ++k) {
    const auto& answer = answers[static_cast<std::size_t>(k)];
    ASSERT_EQ(answer.status, 200) << "push " << k << ": " << answer.error << answer.body;
    const auto results = json::parse(answer.body).at("results");
    ASSERT_EQ(results.size(), 8u);
    for (const auto& result : results) {
      EXPECT_EQ(result.at("status"), "accepted") << result.dump();
      if (k % 2 == 0) {
        // The earliest scans are the admissions, whoever answered and whenever.
        EXPECT_FALSE(result.value("flagged", false)) << result.dump();
      }
    }
    // The same batch got the same answer from both instances (B's flags say what central
    // knew at that moment: before A's batch committed B's scan was still the admission).
    if (k >= 2 && k % 2 == 0) {
      EXPECT_EQ(results, json::parse(answers[0].body).at("results")) << "push " << k;
    }
  }

  const auto rows = centralRows("checkins");
  EXPECT_EQ(rows.size(), 16u) << "a check-in stored twice or lost";
  std::set<std::string> stored;
  for (const auto& row : rows) {
    const auto id = row.at("id").get<std::string>();
    stored.insert(id);
    EXPECT_EQ(row.at("flagged").get<bool>(), ids[1].count(id) == 1) << row.dump();
  }
  EXPECT_EQ(stored.size(), 16u);
  const auto duplicates = centralRows("duplicates");
  EXPECT_EQ(duplicates.size(), 8u) << "each guest's second admission is flagged once";
  std::set<std::string> flagged;
  std::set<std::string> admissions;
  for (const auto& d : duplicates) {
    flagged.insert(d.at("id").get<std::string>());
    admissions.insert(d.at("admission_id").get<std::string>());
  }
  EXPECT_EQ(flagged, ids[1]);
  EXPECT_EQ(admissions, ids[0]);
  // Both instances served pushes.
  EXPECT_EQ(cluster->served(0, "POST /v1/checkins 200"), kPushers / 2);
  EXPECT_EQ(cluster->served(1, "POST /v1/checkins 200"), kPushers / 2);
}

// PostgreSQL goes away under central in the middle of a terminal's sync - a restart, then
// a crash (kill -9 of the server and its backends) and a later start: central answers 503
// meanwhile (never 500, never a crash), and the terminal carries on from its outbox.
TEST_F(CentralClusterTest, ATerminalCarriesOnWhenPostgresqlRestartsOrCrashesUnderCentral) {
  auto* postgres = testing::centralTestPostgres();
  if (postgres == nullptr) {
    GTEST_SKIP() << "PostgreSQL faults: runs in the .postgresql variant only";
  }
  central->start();
  TestTerminal terminal(dir.path(), "lobby-1", central->url(), *pki);
  terminal.enrollOrFail(*central);
  // A second device, for plain requests that show what central answers meanwhile.
  const auto probe = enroll(central->url(), central->enrollmentCode("probe"));
  ASSERT_EQ(probe.status, 200) << probe.body;
  const auto probeToken = json::parse(probe.body).at("token").get<std::string>();
  terminal.start();
  const auto eventId = central->event().id;
  ASSERT_TRUE(waitFor([&] { return *terminal.store().guestCount(eventId) == 20; }));
  std::vector<GuestId> plain;
  for (const auto& g : central->guests()) {
    if (g.category != GuestCategory::kVip) {
      plain.push_back(g.id);
    }
  }
  auto checkIn = [&](std::size_t from, std::size_t to) {
    for (auto i = from; i <= to; ++i) {
      auto d = terminal.checkIn(eventId, central->tokenFor(plain.at(i)));
      ASSERT_TRUE(d) << d.error().message;
      ASSERT_TRUE(d->accepted()) << d->detail;
    }
  };
  auto pushAnswer = [&] {
    return httpsRequest("POST", central->url() + "/v1/checkins", pki->caFile,
                        json{{"checkins", json::array()}}.dump(),
                        {"Authorization: Bearer " + probeToken});
  };
  checkIn(0, 3);
  ASSERT_TRUE(waitFor([&] { return terminal.outbox() == 0; })) << terminal.outbox();

  // A restart while check-ins are waking the push.
  checkIn(4, 5);
  ASSERT_EQ(postgres->restart(), "");
  checkIn(6, 7);
  ASSERT_TRUE(waitFor([&] { return terminal.outbox() == 0; }, std::chrono::seconds(20)))
      << "outbox still holds " << terminal.outbox();

  // A crash, and the server down for a while.
  checkIn(8, 9);
  postgres->kill();
  checkIn(10, 11);
  const auto down = pushAnswer();
  EXPECT_EQ(down.status, 503) << down.error << down.body;
  const auto pull = httpsRequest("GET", central->url() + "/v1/changes", pki->caFile, {},
                                 {"Authorization: Bearer " + probeToken});
  EXPECT_EQ(pull.status, 503) << pull.error << pull.body;
  EXPECT_GT(terminal.outbox(), 0u) << "pushed while PostgreSQL was down";
  ASSERT_EQ(postgres->resume(), "");
  ASSERT_TRUE(waitFor([&] { return terminal.outbox() == 0; }, std::chrono::seconds(20)))
      << "outbox still holds " << terminal.outbox();
  EXPECT_EQ(pushAnswer().status, 200);
  terminal.stop();

  const auto rows = centralRows("checkins");
  std::set<std::string> ids;
  for (const auto& row : rows) {
    ids.insert(row.at("id").get<std::string>());
    EXPECT_FALSE(row.at("flagged").get<bool>()) << row.dump();
  }
  EXPECT_EQ(rows.size(), 12u) << "a check-in lost or stored twice";
  std::set<std::string> local;
  auto statement = terminal.store().database().prepare("SELECT id FROM checkins");
  while (statement.step()) {
    local.insert(statement.columnText(0));
  }
  EXPECT_EQ(local, ids);
}

TEST_F(CentralClusterTest, StoreDependent_ArrivalNoticesReachTheWebhookOnceFromTwoInstances) {
  // The event's own system on loopback, counting deliveries per notice id.
  httplib::Server receiver;
  std::mutex mutex;
  std::map<std::string, int> deliveries;
  receiver.Post("/arrivals", [&](const httplib::Request& req, httplib::Response& res) {
    const std::lock_guard lock(mutex);
    ++deliveries[json::parse(req.body).at("id").get<std::string>()];
    res.status = 204;
  });
  const int port = receiver.bind_to_any_port("127.0.0.1");
  std::jthread serving([&] { receiver.listen_after_bind(); });
  const auto set =
      runCommand({std::string(KIOSK_BINARY_DIR) + "/kiosk-central", "event", "set-webhook", "--db",
                  db, "--url", "http://127.0.0.1:" + std::to_string(port) + "/arrivals"},
                 dir.path());
  ASSERT_EQ(set.status, 0) << set.err;
  // Twelve guests with a host arrive; each check-in and its notice is pushed to both instances at
  // once (a push retried through the other instance), so both notifiers see every notice.
  constexpr std::size_t kGuests = 12;
  std::vector<Guest> hosted(central->guests().begin(), central->guests().begin() + kGuests);
  for (auto& guest : hosted) {
    guest.host = "Host " + std::to_string(guest.id);
    guest.hostContact = "host@example.org";
  }
  ASSERT_TRUE(central->open()->upsertGuests(central->event().id, hosted, SystemClock().now()));
  startCluster(2);
  const auto enrolled = enroll(cluster->instanceUrl(0), enrollmentCode("lobby-1"));
  ASSERT_EQ(enrolled.status, 200) << enrolled.body;
  const auto token = json::parse(enrolled.body).at("token").get<std::string>();
  json checkins = json::array();
  json notices = json::array();
  std::set<std::string> noticeIds;
  const auto now = SystemClock().now();
  for (std::size_t g = 0; g < kGuests; ++g) {
    const auto& guest = hosted.at(g);
    CheckinRecord r;
    r.id = newRecordId(now);
    r.eventId = central->event().id;
    r.guestId = guest.id;
    r.terminal = "lobby-1";
    r.scannedAt = now;
    checkins.push_back(cache::toJson(r));
    cache::api::ArrivalNotice n{
        newRecordId(now),   r.id,      r.eventId, guest.id, "Host " + std::to_string(g),
        "host@example.org", "lobby-1", now};
    noticeIds.insert(n.id);
    notices.push_back(cache::api::toJson(n));
  }
  auto bothAtOnce = [&](const std::string& path, const std::string& body) {
    std::vector<Exchange> answers(2);
    {
      std::latch ready(2);
      std::vector<std::jthread> pushers;
      for (int i = 0; i < 2; ++i) {
        pushers.emplace_back([&, i] {
          ready.arrive_and_wait();
          answers[static_cast<std::size_t>(i)] =
              httpsRequest("POST", cluster->instanceUrl(i) + path, pki->caFile, body,
                           {"Authorization: Bearer " + token});
        });
      }
    }
    for (const auto& a : answers) {
      EXPECT_EQ(a.status, 200) << path << ": " << a.error << a.body;
    }
  };
  bothAtOnce("/v1/checkins", json{{"checkins", checkins}}.dump());
  bothAtOnce("/v1/arrival-notices", json{{"notices", notices}}.dump());

  // Delivered once central has recorded it: a second delivery would have been sent by then.
  auto store = central->open();
  ASSERT_TRUE(waitFor(
      [&] {
        auto rows = store->notices().list();
        return rows && rows->size() == kGuests &&
               std::all_of(rows->begin(), rows->end(), [](const central::NoticeRow& row) {
                 return row.deliveredAt.has_value();
               });
      },
      std::chrono::seconds(15)))
      << "not every notice was delivered: " << store->notices().list()->size() << " stored, "
      << deliveries.size() << " received";
  receiver.stop();
  serving.join();
  std::set<std::string> delivered;
  for (const auto& [id, count] : deliveries) {
    delivered.insert(id);
    EXPECT_EQ(count, 1) << "notice " << id << " delivered " << count << " times";
  }
  EXPECT_EQ(delivered, noticeIds);
}

TEST_F(CentralClusterTest, StoreDependent_AnEnrollmentCodeWorksOnceWhicheverInstanceAnswers) {
  startCluster(2);
  const auto code = enrollmentCode("lobby-1");
  const auto first = enroll(cluster->instanceUrl(0), code);
  EXPECT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(enroll(cluster->instanceUrl(1), code).status, 403);
  EXPECT_EQ(enroll(cluster->url(), code).status, 403);

  const auto other = enrollmentCode("lobby-2");
  const auto viaBalancer = enroll(cluster->url(), other);
  EXPECT_EQ(viaBalancer.status, 200) << viaBalancer.body;
  EXPECT_EQ(enroll(cluster->instanceUrl(0), other).status, 403);
  EXPECT_EQ(enroll(cluster->instanceUrl(1), other).status, 403);
  EXPECT_EQ(centralRows("devices").size(), 2u);
}

}  // namespace
}  // namespace kiosk::testing
