// `kiosk-central migrate`: a site built on SQLite through the real door (admin commands, a
// real terminal's sync engine against `kiosk-central serve` over HTTPS) moves to a private
// PostgreSQL; the same terminal, with the same token and cursor, carries on against
// `serve --db postgresql://...`. Refusals: a target that holds data, a source that is not
// central's, a table the copier does not know. Skipped when no private PostgreSQL can run.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "offline-cache/http_client.h"
#include "offline-cache/sync_store.h"
#include "support/private_postgres.h"
#include "sync/sync_test_support.h"

namespace kiosk::central {
namespace {

using kiosk::testing::ChildServer;
using kiosk::testing::CommandResult;
using kiosk::testing::Pki;
using kiosk::testing::PrivatePostgres;
using kiosk::testing::runCommand;
using kiosk::testing::TempDir;
using kiosk::testing::TestTerminal;
using nlohmann::json;

const std::string kCentral = std::string(KIOSK_BINARY_DIR) + "/kiosk-central";

class CentralMigrateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string why;
    postgres = PrivatePostgres::start(why, KIOSK_BINARY_DIR "/tests/postgres-cluster-cache");
    if (!postgres) {
      skipReason = new std::string(why);
    }
  }
  static void TearDownTestSuite() {
    postgres.reset();
    delete skipReason;
    skipReason = nullptr;
  }
  void SetUp() override {
    if (!postgres) {
      GTEST_SKIP() << "no private PostgreSQL server can run here: " << *skipReason;
    }
  }

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
  // A site on SQLite made with the admin commands: one event, three guests (the first has
  // a host, so that its check-in sends an arrival notice).
  EventId makeSite(const std::string& file, const std::string& name = "Move Forum") {
    const auto e = runJson({"event", "create", "--db", file, "--name", name, "--starts",
                            "2020-01-01T08:00+08:00", "--ends", "2099-01-01T18:00+08:00"});
    std::ofstream(dir.file("guests.csv")) << "booking_code,name,company,category,phone,host\n"
                                             "ABCD-0001,张伟,Acme,vip,13812345678,Chen Jing\n"
                                             "ABCD-0002,María García,Ajuntament,government,,\n"
                                             "ABCD-0003,Tom Nguyen,Reuters,press,,\n";
    EXPECT_EQ(runJson({"guests", "import", "--db", file, dir.file("guests.csv")})["imported"], 3);
    return e.at("event_id").get<EventId>();
  }
  std::string output(std::vector<std::string> args) {
    const auto r = run(std::move(args));
    EXPECT_EQ(r.status, 0) << r.err;
    return r.out;
  }

  static std::unique_ptr<PrivatePostgres> postgres;
  static std::string* skipReason;
  TempDir dir;
};

std::unique_ptr<PrivatePostgres> CentralMigrateTest::postgres;
std::string* CentralMigrateTest::skipReason = nullptr;

TEST_F(CentralMigrateTest, ASiteMovesToPostgresAndItsTerminalCarriesOn) {
  TempDir pkiDir;
  const Pki pki = kiosk::testing::makePki(pkiDir.path());
  const auto file = dir.file("central.db");
  const EventId eventId = makeSite(file);
  runJson({"staff", "add", "--db", file, "--id", "s07", "--name", "Li Na", "--pin", "2468",
           "--event", std::to_string(eventId)});
  const auto codeA = runJson({"enroll-code", "--db", file, "--terminal", "lobby-1"})["code"];
  const auto codeB = runJson({"enroll-code", "--db", file, "--terminal", "lobby-2"})["code"];

  ChildServer onSqlite;
  ASSERT_TRUE(onSqlite.start(file, pki, 0)) << onSqlite.error();
  const int port = onSqlite.port();
  const auto url = "https://127.0.0.1:" + std::to_string(port);
  TestTerminal a(dir.path(), "lobby-1", url, pki);
  TestTerminal b(dir.path(), "lobby-2", url, pki);
  a.options.uploadPhotos = true;
  ASSERT_TRUE(a.enroll(codeA.get<std::string>()));
  ASSERT_TRUE(b.enroll(codeB.get<std::string>()));
  ASSERT_TRUE(a.engine().runOnce());
  ASSERT_TRUE(b.engine().runOnce());

  // Both terminals admit guest 1 before either has pushed: central flags the second.
  auto first = a.checkIn(eventId, "ABCD-0001");
  ASSERT_TRUE(first && first->accepted()) << (first ? first->detail : first.error().message);
  auto second = b.checkIn(eventId, "ABCD-0001");
  ASSERT_TRUE(second && second->accepted());
  // A check-in undone by staff, a photo, a repair request.
  auto undone = a.checkIn(eventId, "ABCD-0002");
  ASSERT_TRUE(undone && undone->accepted());
  ASSERT_TRUE(a.service(eventId).undo(undone->checkin->id, {"s07", "wrong guest"}));
  const auto photo = dir.path() / "photo.jpg";
  std::ofstream(photo, std::ios::binary) << std::string("\xff\xd8\xff\xe0 fake jpeg\0\x01", 16);
  a.store()
      .database()
      .prepare(
          "INSERT INTO photos (checkin_id, event_id, guest_id, path, taken_at) VALUES (?1, ?2, "
          "?3, ?4, 0)")
      .bind(1, first->checkin->id)
      .bind(2, eventId)
      .bind(3, first->checkin->guestId)
      .bind(4, photo.string())
      .run();
  Feedback repair;
  repair.id = newRecordId(SystemClock().now());
  repair.eventId = eventId;
  repair.kind = FeedbackKind::kRepair;
  repair.category = "room";
  repair.text = "花生mango: the tap drips";
  ASSERT_TRUE(a.service(eventId).recordFeedback(repair));
  auto pushedA = a.engine().runOnce();
  ASSERT_TRUE(pushedA && !pushedA->error);
  EXPECT_EQ(pushedA->photosUploaded, 1u);
  auto pushedB = b.engine().runOnce();
  ASSERT_TRUE(pushedB && !pushedB->error);
  EXPECT_EQ(pushedB->flagged, 1u);
  ASSERT_TRUE(a.engine().runOnce());  // A pulls B's check-in: its cursor is up to date
  EXPECT_EQ(a.outbox(), 0u);
  onSqlite.kill(SIGTERM);
  {
    // A supervisor's decision on the flag (the console's flags page writes this row).
    auto store = CentralStore::open(file);
    ASSERT_TRUE(store);
    (*store)
        ->database()
        .prepare(
            "INSERT INTO console_flag_resolutions (event_id, kind, flag_id, record_id, decision, "
            "note, account, at) VALUES (?1, 'second', ?2, ?2, 'reentry', '再次入场 re-entry', "
            "'chief', 1)")
        .bind(1, eventId)
        .bind(2, second->checkin->id)
        .run();
  }

  std::vector<std::vector<std::string>> views{
      {"checkins", "--json"}, {"duplicates", "--json"}, {"notices"},
      {"feedback", "--json"}, {"guests", "list"},       {"staff", "list"}};
  std::vector<std::string> before;
  for (auto v : views) {
    v.insert(v.end(), {"--db", file});
    before.push_back(output(v));
  }
  ASSERT_EQ(std::count(before[0].begin(), before[0].end(), '\n'), 3) << before[0];
  ASSERT_EQ(std::count(before[1].begin(), before[1].end(), '\n'), 1) << before[1];
  ASSERT_NE(before[2].find("Chen Jing"), std::string::npos) << before[2];
  const auto devicesBefore = output({"devices", "--db", file, "--json"});
  const auto cursorBefore = cache::SyncStore(a.store()).cursor();
  ASSERT_TRUE(cursorBefore);

  const auto target = postgres->createDatabase();
  const auto moved = run({"migrate", "--from", file, "--to", target});
  ASSERT_EQ(moved.status, 0) << moved.err;
  const auto summary = json::parse(moved.lines().at(0));
  EXPECT_EQ(summary["tables"]["checkins"], 3);
  EXPECT_EQ(summary["tables"]["undos"], 1);
  EXPECT_EQ(summary["tables"]["photos"], 1);
  EXPECT_EQ(summary["tables"]["feedback"], 1);
  EXPECT_EQ(summary["tables"]["arrival_notices"], 2);  // one from each admission
  EXPECT_EQ(summary["tables"]["devices"], 2);
  EXPECT_EQ(summary["tables"]["guests"], 3);
  EXPECT_EQ(summary["tables"]["meta"], 1);
  EXPECT_EQ(summary["tables"]["console_flag_resolutions"], 1);
  EXPECT_EQ(summary["database_id"].get<std::string>(),
            cursorBefore->substr(0, cursorBefore->find(':')));
  EXPECT_GT(summary["rows"].get<int>(), 15);

  for (std::size_t i = 0; i < views.size(); ++i) {
    auto v = views[i];
    v.insert(v.end(), {"--db", target});
    EXPECT_EQ(output(v), before[i]) << v.front();
  }
  EXPECT_EQ(output({"devices", "--db", target, "--json"}), devicesBefore);
  {
    auto store = CentralStore::open(target);
    ASSERT_TRUE(store);
    auto data = (*store)->database().prepare("SELECT data FROM photos");
    ASSERT_TRUE(data.step());
    const auto bytes = data.columnBlob(0);
    EXPECT_EQ(std::string(bytes.begin(), bytes.end()),
              std::string("\xff\xd8\xff\xe0 fake jpeg\0\x01", 16));
    auto decision = (*store)->database().prepare(
        "SELECT flag_id, note FROM console_flag_resolutions WHERE kind = 'second'");
    ASSERT_TRUE(decision.step());
    EXPECT_EQ(decision.columnText(0), second->checkin->id);
    EXPECT_EQ(decision.columnText(1), "再次入场 re-entry");
  }

  // Central on PostgreSQL at the same address and with the same certificate.
  ChildServer onPostgres;
  ASSERT_TRUE(onPostgres.start(target, pki, port)) << onPostgres.error();
  // A change made at central after the move, and a new check-in at the terminal.
  std::ofstream(dir.file("late.csv")) << "booking_code,name\nABCD-0004,Late Comer\n";
  EXPECT_EQ(runJson({"guests", "import", "--db", target, dir.file("late.csv")})["imported"], 1);
  auto late = a.checkIn(eventId, "ABCD-0003");
  ASSERT_TRUE(late && late->accepted());
  auto after = a.engine().runOnce();
  ASSERT_TRUE(after);
  ASSERT_FALSE(after->error) << after->error->message;
  EXPECT_EQ(after->pushed, 1u);
  EXPECT_EQ(after->refused, 0u);
  // The pull went on from the terminal's cursor: the new guest and its own check-in, not
  // the event, its key and the whole roster again.
  EXPECT_EQ(after->pulled.guests, 1u);
  EXPECT_EQ(after->pulled.events, 0u);
  EXPECT_EQ(after->pulled.signingKeys, 0u);
  EXPECT_LE(after->pulled.total(), 2u);
  auto newcomer = a.service(eventId).evaluate("ABCD-0004", ScanSource::kTyped);
  ASSERT_TRUE(newcomer);
  EXPECT_EQ(newcomer->outcome, ScanOutcome::kAccepted) << newcomer->detail;
  const auto listed = run({"checkins", "--db", target, "--json"});
  EXPECT_EQ(listed.lines().size(), 4u) << listed.out;
  EXPECT_NE(listed.out.find(late->checkin->id), std::string::npos);
  onPostgres.kill(SIGTERM);
}

// A site of 5,000 guests and 5,000 check-ins (pushed over HTTPS as a terminal does): the
// move reports its progress on stderr and its time (printed, a figure for the guide).
TEST_F(CentralMigrateTest, ALargeSiteMovesWithProgress) {
  constexpr int kGuests = 5000;
  TempDir pkiDir;
  const Pki pki = kiosk::testing::makePki(pkiDir.path());
  const auto file = dir.file("central.db");
  const auto e = runJson({"event", "create", "--db", file, "--name", "Large Forum", "--starts",
                          "2020-01-01T08:00+08:00", "--ends", "2099-01-01T18:00+08:00"});
  const auto eventId = e.at("event_id").get<EventId>();
  {
    std::ofstream csv(dir.file("guests.csv"));
    csv << "booking_code,name,company\n";
    for (int i = 1; i <= kGuests; ++i) {
      csv << "G-" << 100000 + i << ",Guest " << i << ",Company " << i % 37 << "\n";
    }
  }
  ASSERT_EQ(runJson({"guests", "import", "--db", file, dir.file("guests.csv")})["imported"],
            kGuests);
  const auto code = runJson({"enroll-code", "--db", file, "--terminal", "lobby-1"})["code"];
  ChildServer server;
  ASSERT_TRUE(server.start(file, pki, 0)) << server.error();
  cache::HttpOptions http;
  http.baseUrl = "https://127.0.0.1:" + std::to_string(server.port());
  http.caFile = pki.caFile;
  http.requestTimeout = std::chrono::seconds(30);
  cache::HttpClient client(http);
  auto enrolled = client.request("POST", "/v1/enroll", json{{"code", code}}.dump());
  ASSERT_TRUE(enrolled && enrolled->status == 200);
  const auto token = json::parse(enrolled->body)["token"].get<std::string>();
  const auto base = SystemClock().now() - std::chrono::hours(1);
  for (int from = 1; from <= kGuests; from += static_cast<int>(cache::api::kMaxBatchItems)) {
    json items = json::array();
    for (int g = from; g < from + static_cast<int>(cache::api::kMaxBatchItems) && g <= kGuests;
         ++g) {
      CheckinRecord r;
      r.id = newRecordId(SystemClock().now());
      r.eventId = eventId;
      r.guestId = static_cast<GuestId>(g);
      r.terminal = "lobby-1";
      r.scannedAt = base + std::chrono::milliseconds(g * 100);
      items.push_back(cache::toJson(r));
    }
    auto pushed =
        client.request("POST", "/v1/checkins", json{{"checkins", items}}.dump(), {}, token);
    ASSERT_TRUE(pushed);
    ASSERT_EQ(pushed->status, 200) << pushed->body;
  }
  server.kill(SIGTERM);

  const auto target = postgres->createDatabase();
  const auto started = std::chrono::steady_clock::now();
  const auto moved = run({"migrate", "--from", file, "--to", target});
  const auto wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
  ASSERT_EQ(moved.status, 0) << moved.err;
  const auto summary = json::parse(moved.lines().at(0));
  EXPECT_EQ(summary["tables"]["guests"], kGuests);
  EXPECT_EQ(summary["tables"]["checkins"], kGuests);
  EXPECT_NE(moved.err.find("migrate: guests 5000/5000 rows"), std::string::npos) << moved.err;
  EXPECT_NE(moved.err.find("migrate: checkins 5000/5000 rows"), std::string::npos) << moved.err;
  EXPECT_EQ(run({"checkins", "--db", target, "--json"}).lines().size(),
            static_cast<std::size_t>(kGuests));
  std::cout << "[ figure   ] migrate of " << kGuests << " guests, " << kGuests << " check-ins, "
            << summary["rows"] << " rows: " << summary["seconds"] << " s (command " << wall.count()
            << " s wall)\n"
            << moved.err << moved.out;
}

TEST_F(CentralMigrateTest, ATargetThatHoldsDataIsRefusedAndKeepsIt) {
  const auto file = dir.file("central.db");
  makeSite(file);
  const auto target = postgres->createDatabase();
  ASSERT_EQ(run({"migrate", "--from", file, "--to", target}).status, 0);
  const auto guestsBefore = output({"guests", "list", "--db", target});

  const auto other = dir.file("other.db");
  makeSite(other, "Another Forum");
  const auto refused = run({"migrate", "--from", other, "--to", target});
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.err.find("already holds data"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("new, empty database"), std::string::npos) << refused.err;
  EXPECT_TRUE(refused.out.empty()) << refused.out;
  EXPECT_EQ(output({"guests", "list", "--db", target}), guestsBefore);
  auto store = CentralStore::open(target);
  ASSERT_TRUE(store);
  auto events = (*store)->listEvents();
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ(events->front().name, "Move Forum");
}

TEST_F(CentralMigrateTest, ASourceThatIsNotCentralsIsRefusedUntouched) {
  const auto target = postgres->createDatabase();
  const auto stranger = dir.file("stranger.db");
  {
    auto db = cache::Database::open(stranger);
    ASSERT_TRUE(db);
    (*db)->exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)");
  }
  const auto refused = run({"migrate", "--from", stranger, "--to", target});
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.err.find("is not a kiosk-central database"), std::string::npos) << refused.err;
  {
    auto db = cache::Database::open(stranger);
    ASSERT_TRUE(db);
    auto s = (*db)->prepare("SELECT COUNT(*) FROM sqlite_master");
    ASSERT_TRUE(s.step());
    EXPECT_EQ(s.columnInt(0), 1) << "central's tables were added to a stranger's file";
  }
  std::ofstream(dir.file("text.db")) << "not a database at all, just some text to read\n";
  const auto text = run({"migrate", "--from", dir.file("text.db"), "--to", target});
  EXPECT_NE(text.status, 0);
  EXPECT_NE(text.err.find("text.db"), std::string::npos) << text.err;
  const auto wrongWay = run({"migrate", "--from", target, "--to", stranger});
  EXPECT_NE(wrongWay.status, 0);
}

// A table a later schema step adds must be given its place in the copier: until then the
// move fails, naming it, rather than leaving its rows behind.
TEST_F(CentralMigrateTest, ATableTheCopierDoesNotKnowFailsTheMove) {
  const auto file = dir.file("central.db");
  makeSite(file);
  {
    auto db = cache::Database::open(file);
    ASSERT_TRUE(db);
    (*db)->exec("CREATE TABLE lost_property (id TEXT PRIMARY KEY, what TEXT NOT NULL)");
  }
  const auto target = postgres->createDatabase();
  const auto refused = run({"migrate", "--from", file, "--to", target});
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.err.find("lost_property"), std::string::npos) << refused.err;
  auto store = CentralStore::open(target);
  ASSERT_TRUE(store);
  EXPECT_TRUE((*store)->listEvents()->empty());

  // A column added to a known table, likewise.
  const auto other = dir.file("other.db");
  makeSite(other);
  {
    auto db = cache::Database::open(other);
    ASSERT_TRUE(db);
    (*db)->exec("ALTER TABLE guests ADD COLUMN nickname TEXT");
  }
  const auto column = run({"migrate", "--from", other, "--to", target});
  EXPECT_EQ(column.status, 2);
  EXPECT_NE(column.err.find("table guests has columns"), std::string::npos) << column.err;
  EXPECT_NE(column.err.find("nickname"), std::string::npos) << column.err;
  EXPECT_TRUE((*store)->listEvents()->empty());
}

}  // namespace
}  // namespace kiosk::central
