// Rate limits with two kiosk-central instances on one PostgreSQL database behind the real
// HAProxy: a terminal, a token guesser and an enrolling client get the same allowance
// whichever instance answers, as with one instance (not one allowance per instance).
// Requests go through the balancer (which spreads them: leastconn) and straight to both
// instances in turn.
//
// On SQLite one process serves central's database and keeps its buckets in memory, so these
// run on the .postgresql variant only.
#include <gtest/gtest.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "central/central_cluster.h"
#include "support/central_test_store.h"
#include "support/run_command.h"

namespace kiosk::testing {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

// Small budgets, so that a burst is quick to exhaust; the rates are slow enough that the
// refill during a test's burst is a token or two.
constexpr int kDeviceBurst = 20;
constexpr double kDevicePerSecond = 1;
// Central's fixed budgets: failed authentications (10, 1/s) and /v1/enroll + /v1/health per
// client address (20, 2/s; the default of serve).
constexpr int kAuthFailureBurst = 10;
constexpr double kAuthFailuresPerSecond = 1;
constexpr int kAddressBurst = 20;
constexpr double kAddressPerSecond = 2;

class CentralClusterRateLimitTest : public ::testing::Test {
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
    if (!centralTestsOnPostgres()) {
      GTEST_SKIP() << "rate limits are shared between instances on PostgreSQL only (on SQLite "
                      "one process serves central); run kiosk_central_cluster_tests.postgresql";
    }
    db = centralTestDatabase(dir.path());  // one database for every instance and command
    central = std::make_unique<CentralFixture>(dir.path(), *pki, 1, 0, db);
    cluster = std::make_unique<CentralCluster>(
        dir.path(), *pki, db, 2,
        std::vector<std::string>{"--trusted-proxy", "127.0.0.1", "--max-connections-per-address",
                                 "0", "--device-burst", std::to_string(kDeviceBurst),
                                 "--device-rate", std::to_string(kDevicePerSecond)});
    ASSERT_TRUE(cluster->start()) << cluster->error();
  }

  std::string enrolledToken(const std::string& terminal) {
    auto r = runCommand({std::string(KIOSK_BINARY_DIR) + "/kiosk-central", "enroll-code", "--db",
                         db, "--terminal", terminal},
                        dir.path());
    EXPECT_EQ(r.status, 0) << r.err;
    const auto code = json::parse(r.out).at("code").get<std::string>();
    const auto enrolled = httpsRequest("POST", cluster->instanceUrl(0) + "/v1/enroll", pki->caFile,
                                       json{{"code", code}}.dump());
    EXPECT_EQ(enrolled.status, 200) << enrolled.error << enrolled.body;
    return enrolled.status == 200 ? json::parse(enrolled.body).at("token").get<std::string>()
                                  : std::string();
  }

  // Sends `tries` requests as fast as one client can, the i-th to urls[i % size]; counts the
  // answers with `allowed` status before the first 429, and how long that took.
  struct Burst {
    int allowed = 0;
    double seconds = 0;
  };
  Burst untilLimited(const std::vector<std::string>& urls, const std::string& method,
                     const std::string& path, const std::vector<std::string>& headers,
                     const std::string& source, long allowedStatus, int tries,
                     const std::string& body = {}) {
    Burst burst;
    const auto started = SteadyClock::now();
    for (int i = 0; i < tries; ++i) {
      const auto r = httpsRequest(method, urls[static_cast<std::size_t>(i) % urls.size()] + path,
                                  pki->caFile, body, headers, source);
      if (r.status == 429) {
        break;
      }
      EXPECT_EQ(r.status, allowedStatus) << r.error << r.body;
      ++burst.allowed;
    }
    burst.seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
    std::cout << method << " " << path << " to " << urls.size() << " address(es): " << burst.allowed
              << " allowed before the first 429, in " << burst.seconds << " s\n";
    return burst;
  }

  // What one instance alone would allow over `seconds`: the burst and the refill (plus one
  // for a token refilled between two requests).
  static int oneAllowance(int burst, double perSecond, double seconds) {
    return burst + static_cast<int>(perSecond * seconds) + 1;
  }

  static TempDir* pkiDir;
  static Pki* pki;
  TempDir dir;
  std::string db;
  std::unique_ptr<CentralFixture> central;
  std::unique_ptr<CentralCluster> cluster;
};

TempDir* CentralClusterRateLimitTest::pkiDir = nullptr;
Pki* CentralClusterRateLimitTest::pki = nullptr;

TEST_F(CentralClusterRateLimitTest, ATerminalGetsOneAllowanceWhicheverInstanceAnswers) {
  const auto token = enrolledToken("lobby-1");
  ASSERT_FALSE(token.empty());
  const std::vector<std::string> auth{"Authorization: Bearer " + token};
  // Through the balancer, as fast as the terminal can.
  const auto viaBalancer = untilLimited({cluster->url()}, "GET", "/v1/changes", auth, "127.0.0.2",
                                        200, 4 * kDeviceBurst);
  ASSERT_GT(cluster->served(0, "GET /v1/changes 200"), 0) << "the balancer used one instance";
  ASSERT_GT(cluster->served(1, "GET /v1/changes 200"), 0) << "the balancer used one instance";
  EXPECT_GE(viaBalancer.allowed, kDeviceBurst);
  EXPECT_LE(viaBalancer.allowed, oneAllowance(kDeviceBurst, kDevicePerSecond, viaBalancer.seconds))
      << "each instance gave the terminal a burst of its own (" << viaBalancer.seconds << " s)";

  // Straight to both instances in turn, another terminal.
  const auto other = enrolledToken("lobby-2");
  ASSERT_FALSE(other.empty());
  const auto alternating =
      untilLimited({cluster->instanceUrl(0), cluster->instanceUrl(1)}, "GET", "/v1/changes",
                   {"Authorization: Bearer " + other}, "127.0.0.2", 200, 4 * kDeviceBurst);
  EXPECT_GE(alternating.allowed, kDeviceBurst);
  EXPECT_LE(alternating.allowed, oneAllowance(kDeviceBurst, kDevicePerSecond, alternating.seconds))
      << "each instance gave the terminal a burst of its own (" << alternating.seconds << " s)";
}

TEST_F(CentralClusterRateLimitTest, AGuesserIsLimitedAfterTheSameTriesWhicheverInstanceAnswers) {
  const std::vector<std::string> guess{"Authorization: Bearer not-a-token"};
  // Through the balancer from 127.0.0.3 (central takes the address from X-Forwarded-For)...
  const auto viaBalancer =
      untilLimited({cluster->url()}, "GET", "/v1/changes", guess, "127.0.0.3", 401, 60);
  ASSERT_GT(cluster->served(0, "GET /v1/changes 401"), 0) << "the balancer used one instance";
  ASSERT_GT(cluster->served(1, "GET /v1/changes 401"), 0) << "the balancer used one instance";
  EXPECT_GE(viaBalancer.allowed, kAuthFailureBurst);
  EXPECT_LE(viaBalancer.allowed,
            oneAllowance(kAuthFailureBurst, kAuthFailuresPerSecond, viaBalancer.seconds))
      << "each instance counted the guesses apart (" << viaBalancer.seconds << " s)";
  // ... and straight to both instances in turn from 127.0.0.2.
  const auto alternating = untilLimited({cluster->instanceUrl(0), cluster->instanceUrl(1)}, "GET",
                                        "/v1/changes", guess, "127.0.0.2", 401, 60);
  EXPECT_GE(alternating.allowed, kAuthFailureBurst);
  EXPECT_LE(alternating.allowed,
            oneAllowance(kAuthFailureBurst, kAuthFailuresPerSecond, alternating.seconds))
      << "each instance counted the guesses apart (" << alternating.seconds << " s)";
}

TEST_F(CentralClusterRateLimitTest, AnAddressGetsOneEnrollAndHealthAllowanceAcrossInstances) {
  // Health checks from a client (not the balancer's own, which come from 127.0.0.1).
  const auto viaBalancer =
      untilLimited({cluster->url()}, "GET", "/v1/health", {}, "127.0.0.3", 200, 4 * kAddressBurst);
  EXPECT_GE(viaBalancer.allowed, kAddressBurst);
  EXPECT_LE(viaBalancer.allowed,
            oneAllowance(kAddressBurst, kAddressPerSecond, viaBalancer.seconds))
      << "each instance gave the address a budget of its own (" << viaBalancer.seconds << " s)";
  // Enrollment attempts (with a code nobody issued) straight to both instances in turn.
  const auto alternating =
      untilLimited({cluster->instanceUrl(0), cluster->instanceUrl(1)}, "POST", "/v1/enroll", {},
                   "127.0.0.2", 403, 4 * kAddressBurst, json{{"code", "ABCD-EFGH"}}.dump());
  EXPECT_GE(alternating.allowed, kAddressBurst);
  EXPECT_LE(alternating.allowed,
            oneAllowance(kAddressBurst, kAddressPerSecond, alternating.seconds))
      << "each instance gave the address a budget of its own (" << alternating.seconds << " s)";
}

}  // namespace
}  // namespace kiosk::testing
