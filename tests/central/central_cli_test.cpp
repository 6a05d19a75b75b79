// The real kiosk-central binary: every subcommand answers --help, the admin commands work
// on a real database file (events, guests from CSV, codes that verify, enrollment codes),
// `serve` takes requests over TLS and stops cleanly on SIGTERM, and the check-in listings
// show what terminals pushed.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "offline-cache/http_client.h"
#include "sync/sync_test_support.h"

namespace kiosk::central {
namespace {

using kiosk::testing::ChildServer;
using kiosk::testing::CommandResult;
using kiosk::testing::Pki;
using kiosk::testing::runCommand;
using kiosk::testing::TempDir;
using nlohmann::json;

const std::string kCentral = std::string(KIOSK_BINARY_DIR) + "/kiosk-central";

class CentralCliTest : public ::testing::Test {
 protected:
  CommandResult run(std::vector<std::string> args) {
    args.insert(args.begin(), kCentral);
    return runCommand(args, dir.path());
  }
  json runJson(std::vector<std::string> args) {
    auto r = run(std::move(args));
    EXPECT_EQ(r.status, 0) << r.err;
    const auto lines = r.lines();
    EXPECT_FALSE(lines.empty()) << r.err;
    return lines.empty() ? json() : json::parse(lines.back());
  }
  void createEvent() {
    db = testing::centralTestDatabase(dir.path());
    const auto e = runJson({"event", "create", "--db", db, "--name", "CLI Forum", "--starts",
                            "2020-01-01T08:00+08:00", "--ends", "2099-01-01T18:00+08:00"});
    eventId = e.at("event_id").get<EventId>();
    std::ofstream(dir.file("guests.csv"))
        << "booking_code,name,company,category,phone,host\n"
           "ABCD-0001,张伟,Acme,vip,13812345678,Chen Jing\n"
           "ABCD-0002,María García,Ajuntament,government,+34600123456,\n"
           "ABCD-0003,Tom Nguyen,Reuters,press,+85291234567,\n";
    EXPECT_EQ(runJson({"guests", "import", "--db", db, dir.file("guests.csv")})["imported"], 3);
  }

  TempDir dir;
  std::string db;
  EventId eventId = 0;
};

TEST_F(CentralCliTest, EverySubcommandAnswersHelp) {
  const std::vector<std::vector<std::string>> commands = {{},
                                                          {"serve"},
                                                          {"event"},
                                                          {"event", "create"},
                                                          {"event", "show"},
                                                          {"event", "rotate-key"},
                                                          {"event", "retire-key"},
                                                          {"event", "set-webhook"},
                                                          {"guests"},
                                                          {"guests", "import"},
                                                          {"guests", "list"},
                                                          {"codes"},
                                                          {"codes", "issue"},
                                                          {"codes", "revoke"},
                                                          {"enroll-code"},
                                                          {"devices"},
                                                          {"devices", "revoke"},
                                                          {"checkins"},
                                                          {"duplicates"},
                                                          {"conflicts"},
                                                          {"notices"},
                                                          {"feedback"},
                                                          {"staff"},
                                                          {"staff", "add"},
                                                          {"staff", "list"},
                                                          {"template"},
                                                          {"template", "set"},
                                                          {"migrate"}};
  for (auto args : commands) {
    args.push_back("--help");
    const auto r = run(args);
    EXPECT_EQ(r.status, 0) << args.front() << ": " << r.err;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << r.out;
  }
  const auto bad = run({"frobnicate"});
  EXPECT_NE(bad.status, 0);
}

TEST_F(CentralCliTest, AdminCommandsMirrorKioskctl) {
  createEvent();
  auto guests = run({"guests", "list", "--db", db});
  ASSERT_EQ(guests.status, 0) << guests.err;
  ASSERT_EQ(guests.lines().size(), 3u);
  EXPECT_EQ(json::parse(guests.lines()[0])["name"], "张伟");

  const mode_t umask = ::umask(022);
  const auto issued = runJson({"codes", "issue", "--db", db, "--out", dir.file("codes")});
  ::umask(umask);
  EXPECT_EQ(issued["issued"], 3);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "codes" / "ABCD-0001.png"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "codes" / "invitations.pdf"));
  // Admission codes are bearer credentials: the owner's only, whatever the umask.
  namespace fs = std::filesystem;
  EXPECT_EQ(fs::status(dir.file("codes")).permissions() & fs::perms::all, fs::perms::owner_all);
  for (const auto* file : {"codes/codes.csv", "codes/ABCD-0001.png", "codes/invitations.pdf"}) {
    EXPECT_EQ(fs::status(dir.file(file)).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write)
        << file;
  }
  // The codes verify with the public key central feeds to terminals.
  std::ifstream csv(dir.file("codes/codes.csv"));
  std::string header;
  std::string line;
  std::getline(csv, header);
  std::getline(csv, line);
  auto payload = line.substr(line.find(',') + 1);
  payload.erase(payload.find_last_not_of("\r\n") + 1);
  auto parsed = parseToken(payload);
  ASSERT_TRUE(std::holds_alternative<ParsedToken>(parsed));
  auto store = CentralStore::open(db);
  ASSERT_TRUE(store);
  auto keys = (*store)->signingKeys(eventId);
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_TRUE(verifyTokenSignature(std::get<ParsedToken>(parsed), keys->front().publicKey));

  const auto rotated = runJson({"event", "rotate-key", "--db", db});
  EXPECT_EQ(rotated["key_id"], 2);
  const auto revoked = runJson(
      {"codes", "revoke", "--db", db, "--booking-code", "ABCD-0003", "--reason", "cancelled"});
  EXPECT_EQ(revoked["cancelled_guest"], "ABCD-0003");
  const auto code = runJson({"enroll-code", "--db", db, "--terminal", "lobby-1"});
  EXPECT_EQ(code["terminal"], "lobby-1");
  EXPECT_EQ(code["code"].get<std::string>().size(), 14u);
  const auto staff = runJson(
      {"staff", "add", "--db", db, "--id", "s07", "--name", "Li Na", "--pin", "2468", "--badge"});
  EXPECT_EQ(staff["pin"], true);
  EXPECT_EQ(staff["badge_code"].get<std::string>().rfind("KS1:", 0), 0u);
  // A staff member's language: a tag a terminal catalog answers to, stored in its usual
  // spelling; anything else refused (exit 2, the value named) with the record untouched.
  EXPECT_EQ(runJson({"staff", "add", "--db", db, "--id", "s08", "--name", "Sato", "--pin", "1357",
                     "--language", "ja_jp"})["language"],
            "ja-JP");
  for (const char* tag : {"klingon", "fr", "e", "zh-CN!"}) {
    const auto refused = run({"staff", "add", "--db", db, "--id", "s08", "--name", "Sato", "--pin",
                              "1357", "--language", tag});
    EXPECT_EQ(refused.status, 2) << tag;
    EXPECT_NE(refused.err.find(std::string("\"") + tag + "\""), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("--language"), std::string::npos) << refused.err;
  }
  const auto listed = run({"staff", "list", "--db", db});
  EXPECT_NE(listed.out.find(R"("language":"ja-JP")"), std::string::npos) << listed.out;
  std::ofstream(dir.file("vip.toml")) << "[badge]\nsize = \"cr80\"\n";
  EXPECT_EQ(runJson({"template", "set", "--db", db, "--name", "vip", "--file",
                     dir.file("vip.toml")})["template"],
            "vip");

  // Bad input is refused with a message and a non-zero status, nothing half-done.
  std::ofstream(dir.file("bad.csv")) << "booking_code,name\nX,\n";
  const auto bad = run({"guests", "import", "--db", db, dir.file("bad.csv")});
  EXPECT_EQ(bad.status, 1);
  const auto noEvent = run({"event", "create", "--db", db, "--name", "x"});
  EXPECT_EQ(noEvent.status, 2);
  EXPECT_NE(noEvent.err.find("--starts"), std::string::npos);
}

// `staff add` updates a member as kioskctl does: what the update does not name (the PIN,
// the badge, the language, the event the member works at) is kept, not wiped (a renamed
// member could no longer unlock a terminal, and a member of one event became everyone's).
TEST_F(CentralCliTest, AStaffUpdateKeepsWhatItDoesNotChange) {
  createEvent();
  const auto eventText = std::to_string(eventId);
  const auto added = runJson({"staff", "add", "--db", db, "--id", "s07", "--name", "Li Na", "--pin",
                              "2468", "--badge", "--language", "ja", "--event", eventText});
  ASSERT_EQ(added["pin"], true);
  const auto renamed = runJson(
      {"staff", "add", "--db", db, "--id", "s07", "--name", "Li Na Chen", "--role", "supervisor"});
  EXPECT_EQ(renamed["pin"], true);
  EXPECT_EQ(renamed["language"], "ja");
  EXPECT_FALSE(renamed.contains("badge_code"));
  const auto listed = run({"staff", "list", "--db", db});
  ASSERT_EQ(listed.status, 0) << listed.err;
  ASSERT_EQ(listed.lines().size(), 1u) << listed.out;
  const auto member = json::parse(listed.lines().front());
  EXPECT_EQ(member["name"], "Li Na Chen");
  EXPECT_EQ(member["role"], "supervisor");
  EXPECT_EQ(member["pin"], true);
  EXPECT_EQ(member["badge"], true);
  EXPECT_EQ(member["language"], "ja");
  EXPECT_EQ(member["event_id"], eventId);
  // Naming them changes them: a new PIN, the default language, every event.
  const auto changed = runJson({"staff", "add", "--db", db, "--id", "s07", "--name", "Li Na Chen",
                                "--language", "", "--event", "0", "--inactive"});
  EXPECT_EQ(changed["language"], "");
  const auto after = json::parse(run({"staff", "list", "--db", db}).lines().front());
  EXPECT_EQ(after["event_id"], 0);
  EXPECT_EQ(after["active"], false);
  EXPECT_EQ(after["pin"], true);
}

// The revocation rules of kioskctl, at central: a revoked code names its guest (whose
// booking code terminals then refuse), and a key can be retired but not the last one.
TEST_F(CentralCliTest, RevokedCodesNameTheirGuestAndKeysRetire) {
  createEvent();
  runJson({"codes", "issue", "--db", db, "--out", dir.file("codes")});
  std::ifstream csv(dir.file("codes/codes.csv"));
  std::string line;
  std::getline(csv, line);
  std::getline(csv, line);
  const auto payload = line.substr(line.find(',') + 1);
  runJson({"codes", "revoke", "--db", db, "--code", payload, "--reason", "lost"});
  auto store = CentralStore::open(db);
  ASSERT_TRUE(store);
  {
    // What terminals pull: the revocation with its guest.
    auto feed = (*store)->database().prepare("SELECT doc FROM feed WHERE kind = 'revocations'");
    ASSERT_TRUE(feed.step());
    EXPECT_EQ(json::parse(feed.columnText(0))["guest_id"], 1);
  }

  const auto last = run({"event", "retire-key", "--db", db, "--key-id", "1"});
  EXPECT_EQ(last.status, 2);
  EXPECT_NE(last.err.find("only valid key"), std::string::npos) << last.err;
  runJson({"event", "rotate-key", "--db", db});
  EXPECT_EQ(runJson({"event", "retire-key", "--db", db, "--key-id", "1"})["retired_key"], 1);
  const auto keys = (*store)->signingKeys(eventId);
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_TRUE(keys->at(0).retiredAt);
  EXPECT_FALSE(keys->at(1).retiredAt);
  EXPECT_EQ((*store)->issuingKey(eventId)->value().id, 2);
}

TEST_F(CentralCliTest, ServeTakesRequestsAndStopsCleanlyOnSigterm) {
  createEvent();
  TempDir pkiDir;
  const Pki pki = kiosk::testing::makePki(pkiDir.path());
  ChildServer server;
  ASSERT_TRUE(server.start(db, pki, 0));
  cache::HttpOptions http;
  http.baseUrl = "https://127.0.0.1:" + std::to_string(server.port());
  http.caFile = pki.caFile;
  cache::HttpClient client(http);
  const auto code = runJson({"enroll-code", "--db", db, "--terminal", "lobby-7"});
  auto enrolled = client.request("POST", "/v1/enroll", json{{"code", code["code"]}}.dump());
  ASSERT_TRUE(enrolled) << enrolled.error().message;
  ASSERT_EQ(enrolled->status, 200) << enrolled->body;
  const auto token = json::parse(enrolled->body)["token"].get<std::string>();

  // Two terminals' offline scans of guest 1, the later one pushed first.
  json items = json::array();
  const auto late = newRecordId(SystemClock().now());
  const auto early = newRecordId(SystemClock().now());
  for (auto [id, minute] : {std::pair{late, 10}, std::pair{early, 5}}) {
    CheckinRecord r;
    r.id = id;
    r.eventId = eventId;
    r.guestId = 1;
    r.terminal = "lobby-forged";  // central takes the name from the enrollment
    r.scannedAt = *parseIso8601("2026-11-24T08:00:00Z") + std::chrono::minutes(minute);
    items.push_back(cache::toJson(r));
  }
  auto pushed = client.request("POST", "/v1/checkins", json{{"checkins", items}}.dump(), {}, token);
  ASSERT_TRUE(pushed);
  ASSERT_EQ(pushed->status, 200) << pushed->body;
  // A repair request in the guest's own words (and a rating, which has none).
  Feedback repair;
  repair.id = newRecordId(SystemClock().now());
  repair.eventId = eventId;
  repair.guestId = 1;
  repair.at = *parseIso8601("2026-11-24T08:20:00Z");
  repair.kind = FeedbackKind::kRepair;
  repair.category = "room";
  repair.text = "花生mango: the tap drips";
  Feedback rating = repair;
  rating.id = newRecordId(SystemClock().now());
  rating.at = *parseIso8601("2026-11-24T08:21:00Z");
  rating.kind = FeedbackKind::kRating;
  rating.rating = 4;
  rating.category.clear();
  rating.text.clear();
  auto told = client.request(
      "POST", "/v1/feedback",
      json{{"feedback", {cache::api::toJson(repair), cache::api::toJson(rating)}}}.dump(), {},
      token);
  ASSERT_TRUE(told);
  ASSERT_EQ(told->status, 200) << told->body;
  cache::api::Heartbeat hb;
  hb.version = "9.9";
  hb.terminalTime = SystemClock().now();
  hb.printer = {"no_media", ""};
  hb.queueDepth = 4;
  auto beat =
      client.request("POST", "/v1/heartbeat", cache::dump(cache::api::toJson(hb)), {}, token);
  ASSERT_TRUE(beat);
  EXPECT_EQ(beat->status, 200);

  server.kill(SIGTERM);
  ASSERT_TRUE(WIFEXITED(server.lastStatus()));
  EXPECT_EQ(WEXITSTATUS(server.lastStatus()), 0);

  auto list = run({"checkins", "--db", db, "--json"});
  ASSERT_EQ(list.status, 0) << list.err;
  ASSERT_EQ(list.lines().size(), 2u);
  const auto first = json::parse(list.lines()[0]);
  EXPECT_EQ(first["id"], early);
  EXPECT_EQ(first["flagged"], false);
  EXPECT_EQ(json::parse(list.lines()[1])["flagged"], true);
  EXPECT_EQ(first["terminal"], "lobby-7");
  EXPECT_EQ(first["scanned_at"], "2026-11-24T08:05:00.000Z");

  // The desk reads the guest's words as written.
  const auto feedback = run({"feedback", "--db", db, "--json"});
  ASSERT_EQ(feedback.status, 0) << feedback.err;
  ASSERT_EQ(feedback.lines().size(), 2u) << feedback.out;
  const auto said = json::parse(feedback.lines()[0]);
  EXPECT_EQ(said["kind"], "repair");
  EXPECT_EQ(said["category"], "room");
  EXPECT_EQ(said["text"], "花生mango: the tap drips");
  EXPECT_EQ(said["terminal"], "lobby-7");
  EXPECT_EQ(said["guest_id"], 1);
  EXPECT_EQ(json::parse(feedback.lines()[1])["rating"], 4);
  const auto readable = run({"feedback", "--db", db});
  EXPECT_NE(readable.out.find("repair room  guest 1 at lobby-7: 花生mango: the tap drips"),
            std::string::npos)
      << readable.out;

  const auto dups = run({"duplicates", "--db", db, "--json"});
  ASSERT_EQ(dups.lines().size(), 1u);
  EXPECT_EQ(json::parse(dups.lines()[0])["admission_id"], early);

  const auto devices = run({"devices", "--db", db, "--json"});
  ASSERT_EQ(devices.lines().size(), 1u);
  const auto d = json::parse(devices.lines()[0]);
  EXPECT_EQ(d["terminal"], "lobby-7");
  EXPECT_EQ(d["version"], "9.9");
  EXPECT_EQ(d["health"]["printer"]["state"], "no_media");
  EXPECT_EQ(d["health"]["queue_depth"], 4);

  const auto revoke =
      runJson({"devices", "--db", db, "revoke", "--terminal", "lobby-7", "--reason", "stolen"});
  EXPECT_EQ(revoke["revoked"], 1);
  const auto after = run({"devices", "--db", db, "--json"});
  EXPECT_FALSE(json::parse(after.lines()[0])["revoked_at"].is_null());
}

}  // namespace
}  // namespace kiosk::central
