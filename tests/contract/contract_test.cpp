// The contract is docs/api/openapi.yaml. Two checks, both with test-only npm tools pinned
// in tests/contract/package-lock.json (installed by `scripts/install-deps test`):
// - the spec passes Redocly's linter (rules in tests/contract/redocly.yaml) with no error
//   and no warning;
// - real traffic matches it: the real `kiosk` terminal commands enroll, pull, push and
//   upload through a validating HTTPS proxy (tests/contract/validating_proxy.js, central's
//   certificate and key) to the real kiosk-central, and the proxy checks every request
//   and response against the spec. Then a client sends requests central refuses (wrong
//   token, request line too long, photo too large, malformed JSON) through the same proxy.
// Both skip with a message when node or tests/contract/node_modules is missing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "offline-cache/http_client.h"
#include "offline-cache/json_codec.h"
#include "sync/sync_test_support.h"

namespace kiosk::contract {
namespace {

using kiosk::testing::CentralFixture;
using kiosk::testing::ChildServer;
using kiosk::testing::Pki;
using kiosk::testing::runCommand;
using kiosk::testing::TempDir;
using nlohmann::json;

const std::filesystem::path kSource = KIOSK_SOURCE_DIR;
const std::filesystem::path kTools = kSource / "tests" / "contract";
const std::filesystem::path kSpec = kSource / "docs" / "api" / "openapi.yaml";

// Why the npm tools cannot run here, or empty when they can.
std::string toolsMissing() {
  if (kiosk::testing::sh("command -v node").empty()) {
    return "node is not installed (scripts/install-deps test installs it)";
  }
  for (const char* package : {"@redocly/cli", "ajv", "ajv-formats", "yaml"}) {
    if (!std::filesystem::exists(kTools / "node_modules" / package / "package.json")) {
      return std::string("tests/contract/node_modules lacks ") + package +
             " (scripts/install-deps test installs it)";
    }
  }
  return {};
}

TEST(ContractLint, TheSpecPassesTheLinterWithoutErrorsOrWarnings) {
  if (const auto why = toolsMissing(); !why.empty()) {
    GTEST_SKIP() << why;
  }
  TempDir dir;
  // No usage report and no update check: the linter stays on this machine.
  const auto r =
      runCommand({"env", "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true",
                  (kTools / "node_modules" / ".bin" / "redocly").string(), "lint", "--config",
                  (kTools / "redocly.yaml").string(), "--format=json", kSpec.string()},
                 dir.path());
  json report;
  try {
    report = json::parse(r.out);
  } catch (const json::exception&) {
    FAIL() << "redocly lint printed no JSON report (exit " << r.status << "):\n" << r.out << r.err;
  }
  std::string problems;
  for (const auto& p : report["problems"]) {
    problems += p.value("severity", "") + " " + p.value("ruleId", "") + ": " +
                p.value("message", "") + " at " +
                (p["location"].empty() ? "" : p["location"][0].value("pointer", "")) + "\n";
  }
  EXPECT_EQ(report["totals"]["errors"], 0) << problems;
  EXPECT_EQ(report["totals"]["warnings"], 0) << problems;
}

// tests/contract/validating_proxy.js as a child process, in front of `upstream`.
class ValidatingProxy {
 public:
  ~ValidatingProxy() { stop(); }

  bool start(const Pki& pki, const std::string& upstream, const std::filesystem::path& report) {
    report_ = report;
    std::vector<std::string> args{"node",       (kTools / "validating_proxy.js").string(),
                                  "--spec",     kSpec.string(),
                                  "--cert",     pki.certFile,
                                  "--key",      pki.keyFile,
                                  "--ca",       pki.caFile,
                                  "--upstream", upstream,
                                  "--report",   report.string()};
    const auto child = kiosk::testing::spawnListening(args, "");
    pid_ = child.pid;
    port_ = child.port;
    if (port_ == 0) {
      stop();
      return false;
    }
    return true;
  }
  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
    }
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

  // Every line of the report so far.
  std::vector<json> records() const {
    std::vector<json> out;
    std::ifstream in(report_);
    for (std::string line; std::getline(in, line);) {
      out.push_back(json::parse(line));
    }
    return out;
  }

 private:
  std::filesystem::path report_;
  pid_t pid_ = -1;
  int port_ = 0;
};

std::string describe(const json& violation) {
  return violation.value("side", "") + " " + violation.value("method", "") + " " +
         violation.value("path", "") + " -> " + std::to_string(violation.value("status", 0)) +
         ": " + violation.value("message", "");
}

// What the proxy recorded from record `from` on: the exchanges ("POST /v1/enroll 200")
// and the violations.
struct Seen {
  std::multiset<std::string> exchanges;
  std::vector<json> violations;
};
Seen seenSince(const ValidatingProxy& proxy, std::size_t from) {
  Seen seen;
  const auto records = proxy.records();
  for (std::size_t i = from; i < records.size(); ++i) {
    const auto& r = records[i];
    if (r["kind"] == "exchange") {
      seen.exchanges.insert(r["method"].get<std::string>() + " " + r["path"].get<std::string>() +
                            " " + std::to_string(r["status"].get<int>()));
    } else {
      seen.violations.push_back(r);
    }
  }
  return seen;
}

class ContractTrafficTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const auto why = toolsMissing(); !why.empty()) {
      GTEST_SKIP() << why;
    }
    pki = kiosk::testing::makePki(dir.path());
    central = std::make_unique<CentralFixture>(dir.path(), pki, 4);
    // Besides the fixture's guests (lodging without dates): one with a whole stay,
    // transport and a meeting without a time, and one without any lodging.
    std::vector<Guest> extra(2);
    extra[0].bookingCode = "GST-2001";
    extra[0].name = "Guest Staying";
    extra[0].lodging = {"Lakeside",   "1208",           "12",         "2026-11-23", "2026-11-26",
                        "Front desk", "lakeside-guest", "06:30-10:00"};
    extra[0].transport.push_back(
        {"Shuttle 3", "Driver", "13800000000", central->event().startsAt, "Gate 5", "MU5101"});
    extra[0].meetings.push_back({"Opening", "Hall A", std::nullopt, "A-12"});
    extra[1].bookingCode = "GST-2002";
    extra[1].name = "Guest Local";
    auto store = central->open();
    ASSERT_TRUE(store->upsertGuests(central->event().id, extra, SystemClock().now()));
    ASSERT_TRUE(store->saveStaff(StaffMember{"staff-1", "Staff One", "reception", "", "", true, ""},
                                 SystemClock().now(), central->event().id));
    store.reset();
    ASSERT_TRUE(server.start(central->database(), pki, 0)) << server.error();
    ASSERT_TRUE(proxy.start(pki, "https://127.0.0.1:" + std::to_string(server.port()),
                            dir.path() / "contract-report.jsonl"))
        << "the validating proxy did not start";
  }

  TempDir dir;
  Pki pki;
  std::unique_ptr<CentralFixture> central;
  ChildServer server;
  ValidatingProxy proxy;
};

TEST_F(ContractTrafficTest, ATerminalsSyncAndCentralsRefusalsMatchTheContract) {
  // --- a real terminal through the proxy ---
  const auto config = dir.path() / "kiosk.toml";
  const auto db = dir.path() / "terminal.db";
  std::ofstream(config) << "[terminal]\nname = \"lobby-contract\"\ndatabase = \"" << db.string()
                        << "\"\n[server]\nurl = \"" << proxy.url() << "\"\nca_file = \""
                        << pki.caFile << "\"\n[photo]\nupload = true\n";
  const std::string kioskBinary = std::string(KIOSK_BINARY_DIR) + "/kiosk";
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), kioskBinary);
    args.insert(args.end(), {"--config", config.string()});
    return runCommand(args, dir.path());
  };
  auto enrolled = run({"enroll", "--code", central->enrollmentCode("lobby-contract")});
  ASSERT_EQ(enrolled.status, 0) << enrolled.err;
  auto synced = run({"sync", "--once"});
  ASSERT_EQ(synced.status, 0) << synced.out << synced.err;
  EXPECT_EQ(json::parse(synced.lines().at(0))["pulled"]["guests"], 6) << synced.out;

  const auto guestId = central->guests().at(1).id;
  auto checkin = run({"checkin", "--code", central->tokenFor(guestId)});
  ASSERT_EQ(checkin.status, 0) << checkin.out << checkin.err;
  const auto checkinId = json::parse(checkin.lines().at(0)).at("checkin_id").get<std::string>();
  {
    // The photo the terminal's camera would have taken with the check-in.
    const auto photo = dir.path() / "photo.jpg";
    std::ofstream(photo, std::ios::binary) << std::string("\xff\xd8\xff\xe0 a jpeg");
    auto store = cache::LocalStore::open(db.string());
    ASSERT_TRUE(store);
    (*store)
        ->database()
        .prepare(
            "INSERT INTO photos (checkin_id, event_id, guest_id, path, taken_at) VALUES (?1, ?2, "
            "?3, ?4, 0)")
        .bind(1, checkinId)
        .bind(2, central->event().id)
        .bind(3, guestId)
        .bind(4, photo.string())
        .run();
  }
  {
    // Staff change the guest's room at the terminal (a guest edit).
    ASSERT_TRUE(central->open()->saveStaff(
        StaffMember{"s-contract", "Contract Staff", "reception", "", "", true, ""},
        SystemClock().now(), central->event().id));
    auto store = cache::LocalStore::open(db.string());
    ASSERT_TRUE(store);
    GuestEdit edit;
    edit.id = newRecordId(SystemClock().now());
    edit.eventId = central->event().id;
    edit.guestId = guestId;
    edit.terminal = "lobby-contract";
    edit.staffId = "s-contract";
    edit.reason = "room changed by the hotel";
    edit.at = SystemClock().now();
    edit.changes = {{"lodging.room", "2201"}};
    auto saved = (*store)->commitGuestEdit(edit);
    ASSERT_TRUE(saved) << saved.error().message;
  }
  synced = run({"sync", "--once"});
  ASSERT_EQ(synced.status, 0) << synced.out << synced.err;
  const auto pushed = json::parse(synced.lines().at(0));
  EXPECT_EQ(pushed["pushed"], 2) << synced.out;
  EXPECT_EQ(pushed["photos_uploaded"], 1) << synced.out;

  auto terminalSeen = seenSince(proxy, 0);
  std::cout << "validated exchanges of the terminal:\n";
  for (const auto& e : terminalSeen.exchanges) {
    std::cout << "  " << e << "\n";
  }
  for (const auto* exchange : {"POST /v1/enroll 200", "GET /v1/changes 200",
                               "POST /v1/checkins 200", "PUT /v1/photos/" /* checked below */,
                               "POST /v1/heartbeat 200", "POST /v1/guest-edits 200"}) {
    const std::string wanted = exchange;
    const bool found =
        std::any_of(terminalSeen.exchanges.begin(), terminalSeen.exchanges.end(),
                    [&wanted](const std::string& e) { return e.rfind(wanted, 0) == 0; });
    EXPECT_TRUE(found) << "the proxy saw no " << wanted;
  }
  EXPECT_EQ(terminalSeen.exchanges.count("PUT /v1/photos/" + checkinId + " 200"), 1u);
  for (const auto& v : terminalSeen.violations) {
    ADD_FAILURE() << "contract violation in the terminal's sync: " << describe(v);
  }
  const auto afterTerminal = proxy.records().size();

  // --- answers central gives to requests it refuses, through the same proxy ---
  cache::HttpOptions o;
  o.baseUrl = proxy.url();
  o.caFile = pki.caFile;
  o.requestTimeout = std::chrono::seconds(10);
  cache::HttpClient client(o);
  auto enroll = client.request("POST", "/v1/enroll",
                               json{{"code", central->enrollmentCode("lobby-contract-2")}}.dump(),
                               "application/json");
  ASSERT_TRUE(enroll && enroll->status == 200);
  const auto token = json::parse(enroll->body).at("token").get<std::string>();

  auto wrongToken = client.request("GET", "/v1/changes", {}, {}, "not-a-token");
  ASSERT_TRUE(wrongToken);
  EXPECT_EQ(wrongToken->status, 401);
  auto longLine =
      client.request("GET", "/v1/changes?cursor=" + std::string(9000, 'a'), {}, {}, token);
  ASSERT_TRUE(longLine);
  EXPECT_EQ(longLine->status, 414);
  auto bigPhoto =
      client.request("PUT", "/v1/photos/" + checkinId,
                     "\xff\xd8\xff" + std::string(4 * 1024 * 1024, 'x'), "image/jpeg", token);
  ASSERT_TRUE(bigPhoto);
  EXPECT_EQ(bigPhoto->status, 413);
  auto malformed = client.request("POST", "/v1/heartbeat", "{", "application/json", token);
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 400);

  const auto refusals = seenSince(proxy, afterTerminal);
  std::cout << "validated refusals:\n";
  for (const auto& e : refusals.exchanges) {
    std::cout << "  " << e << "\n";
  }
  EXPECT_EQ(refusals.exchanges.size(), 5u);
  bool malformedSeen = false;
  for (const auto& v : refusals.violations) {
    // The malformed heartbeat breaks the contract on purpose: the proxy must say so.
    if (v["side"] == "request" && v["path"] == "/v1/heartbeat") {
      malformedSeen = true;
      continue;
    }
    ADD_FAILURE() << "contract violation in central's refusals: " << describe(v);
  }
  EXPECT_TRUE(malformedSeen) << "the proxy let a malformed request body pass";
}

}  // namespace
}  // namespace kiosk::contract
