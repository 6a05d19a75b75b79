// kiosk-central's HTTPS server in-process, spoken to with the terminal's own HTTP client
// over real TLS on loopback: tokens, problem documents, rate limits, limits on sizes,
// idempotency over the wire, photo upload, webhook delivery of arrival notices, and
// certificate checks (wrong CA, pinning).
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>

#include "offline-cache/http_client.h"
#include "support/run_command.h"
#include "sync/sync_test_support.h"

namespace kiosk::central {
namespace {

using kiosk::testing::CentralFixture;
using kiosk::testing::Pki;
using kiosk::testing::TempDir;
using kiosk::testing::waitFor;
using nlohmann::json;

class CentralServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pkiDir = new TempDir();
    pki = new Pki(kiosk::testing::makePki(pkiDir->path()));
  }
  static void TearDownTestSuite() {
    delete pki;
    delete pkiDir;
  }

  void SetUp() override { central = std::make_unique<CentralFixture>(dir.path(), *pki, 5, 2); }

  void start(ServerOptions options = {}) {
    central->start(options);
    client = std::make_unique<cache::HttpClient>(httpOptions());
  }

  cache::HttpOptions httpOptions() const {
    cache::HttpOptions o;
    o.baseUrl = central->url();
    o.caFile = pki->caFile;
    o.requestTimeout = std::chrono::seconds(5);
    return o;
  }

  std::string enroll(const std::string& terminal = "lobby-1") {
    auto r = client->request("POST", "/v1/enroll",
                             json{{"code", central->enrollmentCode(terminal)}}.dump());
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body).at("token").get<std::string>();
  }

  static void expectProblem(const Result<cache::HttpResponse>& r, long status,
                            std::string_view type) {
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(r->contentType, "application/problem+json");
    auto p = cache::api::parseProblem(r->body);
    ASSERT_TRUE(p) << r->body;
    EXPECT_EQ(p->type, type);
    EXPECT_EQ(p->status, status);
    EXPECT_TRUE(p->serverTime) << "a problem carries server_time: " << r->body;
  }

  json checkins(std::initializer_list<std::pair<const char*, GuestId>> items) {
    json list = json::array();
    const auto base = SystemClock().now() - std::chrono::seconds(10);
    for (const auto& [label, guest] : items) {
      CheckinRecord r;
      r.id = newRecordId(SystemClock().now());  // a terminal's id; the label is for readers
      r.eventId = central->event().id;
      r.guestId = guest;
      r.terminal = "lobby-1";
      // Scanned in list order (ids of one millisecond do not sort in creation order).
      r.scannedAt = base + std::chrono::milliseconds(list.size());
      list.push_back(cache::toJson(r));
    }
    return json{{"checkins", list}};
  }

  static TempDir* pkiDir;
  static Pki* pki;
  TempDir dir;
  std::unique_ptr<CentralFixture> central;
  std::unique_ptr<cache::HttpClient> client;
};

TempDir* CentralServerTest::pkiDir = nullptr;
Pki* CentralServerTest::pki = nullptr;

TEST_F(CentralServerTest, HealthIsOpenEverythingElseNeedsAToken) {
  start();
  auto health = client->request("GET", "/v1/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(json::parse(health->body).at("status"), "ok");

  expectProblem(client->request("GET", "/v1/changes"), 401, cache::api::kProblemUnauthorized);
  expectProblem(
      client->request("POST", "/v1/checkins", checkins({{"c", 1}}).dump(), {}, "made-up-token"),
      401, cache::api::kProblemUnauthorized);
  expectProblem(client->request("POST", "/v1/enroll", R"({"code":"AAAA-BBBB-CCCC"})"), 403,
                cache::api::kProblemEnrollmentCode);
  expectProblem(client->request("GET", "/v1/nothing-here"), 404, cache::api::kProblemNotFound);
  EXPECT_EQ(central->count("checkins"), 0u);
}

TEST_F(CentralServerTest, ExpiredAndRevokedTokensAreToldApart) {
  ServerOptions options;
  options.tokenLifetime = std::chrono::hours(24);
  start(options);
  const auto token = enroll();
  auto ok = client->request("GET", "/v1/changes", {}, {}, token);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);

  central->clock.shift(std::chrono::hours(25));
  expectProblem(client->request("GET", "/v1/changes", {}, {}, token), 401,
                cache::api::kProblemTokenExpired);
  central->clock.shift(-std::chrono::hours(25));

  ASSERT_TRUE(central->open()->devices().revoke("lobby-1", "stolen", SystemClock().now()));
  expectProblem(client->request("GET", "/v1/changes", {}, {}, token), 401,
                cache::api::kProblemDeviceRevoked);
}

TEST_F(CentralServerTest, ABusyTerminalIsAskedToWaitWithRetryAfter) {
  ServerOptions options;
  options.deviceRatePerSecond = 0.5;
  options.deviceBurst = 2;
  start(options);
  const auto token = enroll();
  for (int i = 0; i < 2; ++i) {
    auto r = client->request("GET", "/v1/changes", {}, {}, token);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  auto limited = client->request("GET", "/v1/changes", {}, {}, token);
  expectProblem(limited, 429, cache::api::kProblemRateLimited);
  ASSERT_TRUE(limited->retryAfter);
  EXPECT_GE(std::stoi(*limited->retryAfter), 1);
  // Another terminal is not held up by this one.
  const auto other = enroll("lobby-2");
  auto r = client->request("GET", "/v1/changes", {}, {}, other);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(CentralServerTest, SizesAndShapesAreCheckedWithoutEchoingTheInput) {
  start();
  const auto token = enroll();
  json big = json::array();
  for (int i = 0; i < 1001; ++i) {
    big.push_back(json::object());
  }
  expectProblem(client->request("POST", "/v1/checkins", json{{"checkins", big}}.dump(), {}, token),
                413, cache::api::kProblemTooLarge);
  auto malformed =
      client->request("POST", "/v1/checkins", R"({"checkins":[{"name":"张伟")", {}, token);
  expectProblem(malformed, 400, cache::api::kProblemInvalidRequest);
  EXPECT_EQ(malformed->body.find("张伟"), std::string::npos);
  expectProblem(client->request("POST", "/v1/checkins", R"({"rows":[]})", {}, token), 400,
                cache::api::kProblemInvalidRequest);
  expectProblem(client->request("GET", "/v1/changes?limit=abc", {}, {}, token), 400,
                cache::api::kProblemInvalidRequest);
}

TEST_F(CentralServerTest, PushingTheSameBatchTwiceOverTheWireAnswersTheSame) {
  start();
  const auto token = enroll();
  const auto body = checkins({{"c-1", 1}, {"c-2", 1}, {"c-3", 2}}).dump();
  auto first = client->request("POST", "/v1/checkins", body, {}, token);
  auto second = client->request("POST", "/v1/checkins", body, {}, token);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(json::parse(first->body).at("results"), json::parse(second->body).at("results"));
  EXPECT_EQ(json::parse(first->body)["results"][1]["flagged"], true);
  EXPECT_EQ(central->count("checkins"), 3u);
}

TEST_F(CentralServerTest, PhotosAreCheckedAndStored) {
  start();
  const auto token = enroll();
  expectProblem(client->request("PUT", "/v1/photos/c-1", "GIF89a", "image/gif", token), 415,
                cache::api::kProblemMediaType);
  expectProblem(
      client->request("PUT", "/v1/photos/c-1", std::string(cache::api::kMaxPhotoBytes + 1, 'x'),
                      "image/jpeg", token),
      413, cache::api::kProblemTooLarge);
  const auto pushed =
      client->request("POST", "/v1/checkins", checkins({{"c-1", 1}}).dump(), {}, token);
  ASSERT_TRUE(pushed);
  const auto id = json::parse(pushed->body)["results"][0]["id"].get<std::string>();
  auto ok =
      client->request("PUT", "/v1/photos/" + id, "\xff\xd8\xff\xe0 jpeg", "image/jpeg", token);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(central->count("photos"), 1u);
  EXPECT_EQ(*central->open()->records().photoContentType(central->event().id, id), "image/jpeg");
}

TEST_F(CentralServerTest, ArrivalNoticesReachTheEventWebhookWithRetries) {
  // The event's own system: answers 500 the first time, then 204.
  httplib::Server receiver;
  std::mutex mutex;
  std::vector<json> received;
  int calls = 0;
  receiver.Post("/arrivals", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex);
    if (++calls == 1) {
      res.status = 500;
      return;
    }
    received.push_back(json::parse(req.body));
    res.status = 204;
  });
  const int port = receiver.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { receiver.listen_after_bind(); });
  ASSERT_TRUE(central->open()->setWebhook(
      central->event().id, "http://127.0.0.1:" + std::to_string(port) + "/arrivals"));
  ServerOptions options;
  options.webhookPoll = std::chrono::milliseconds(50);
  options.webhookRetryBase = std::chrono::milliseconds(100);
  start(options);
  const auto token = enroll();
  const auto& guest = central->guests().at(1);  // guest 2 has a host
  ASSERT_FALSE(guest.host.empty());
  const auto checkin = checkins({{"c-9", guest.id}});
  auto pushed = client->request("POST", "/v1/checkins", checkin.dump(), {}, token);
  ASSERT_TRUE(pushed);
  const auto noticeId = newRecordId(SystemClock().now());
  cache::api::ArrivalNotice n{noticeId,
                              checkin["checkins"][0]["id"].get<std::string>(),
                              central->event().id,
                              guest.id,
                              guest.host,
                              guest.hostContact,
                              "lobby-1",
                              SystemClock().now()};
  auto r =
      client->request("POST", "/v1/arrival-notices",
                      json{{"notices", json::array({cache::api::toJson(n)})}}.dump(), {}, token);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_TRUE(waitFor([&] {
    std::lock_guard lock(mutex);
    return !received.empty();
  }));
  // Central records the delivery after the receiver has answered.
  EXPECT_TRUE(waitFor([&] {
    auto listed = central->open()->notices().list();
    return listed && listed->size() == 1 && listed->front().deliveredAt;
  }));
  receiver.stop();
  serving.join();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0]["id"], noticeId);
  EXPECT_EQ(received[0]["host"], guest.host);
  EXPECT_EQ(received[0]["guest"]["name"], guest.name);
  auto notices = central->open()->notices().list();
  ASSERT_EQ(notices->size(), 1u);
  EXPECT_TRUE(notices->front().deliveredAt);
  auto log = central->open()->notices().deliveries(10);
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].httpStatus, 204);
  EXPECT_EQ((*log)[1].httpStatus, 500);
}

// Issue 11 item 4: a guest changes an allergy at the terminal (peanut to fish). The
// terminal's real sync engine pushes the check-in and the arrival notice; central's
// listing shows old -> new and the host's notice carries the new allergy.
TEST_F(CentralServerTest, ChangedNeedsReachTheListingAndTheHostsNotice) {
  const auto& guest = central->guests().at(1);  // guest 2 has a host
  ASSERT_FALSE(guest.host.empty());
  {
    auto g = guest;
    g.needs.allergies = "peanut";
    ASSERT_TRUE(central->open()->upsertGuests(central->event().id, {g}, SystemClock().now()));
  }
  httplib::Server receiver;
  std::mutex mutex;
  std::vector<json> received;
  receiver.Post("/arrivals", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex);
    received.push_back(json::parse(req.body));
    res.status = 204;
  });
  const int port = receiver.bind_to_any_port("127.0.0.1");
  std::thread serving([&] { receiver.listen_after_bind(); });
  ASSERT_TRUE(central->open()->setWebhook(
      central->event().id, "http://127.0.0.1:" + std::to_string(port) + "/arrivals"));
  ServerOptions options;
  options.webhookPoll = std::chrono::milliseconds(50);
  start(options);

  kiosk::testing::TestTerminal terminal(dir.path(), "lobby-1", central->url(), *pki);
  terminal.enrollOrFail(*central);
  ASSERT_TRUE(terminal.engine().runOnce());
  auto service = terminal.service(central->event().id);
  auto d = service.evaluate(guest.bookingCode, ScanSource::kTyped);
  ASSERT_TRUE(d && d->accepted());
  ASSERT_EQ(d->guest->needs.allergies, "peanut");
  ConfirmDetails details;
  details.confirmedNeeds = d->guest->needs;
  details.confirmedNeeds.allergies = "fish";
  auto done = service.confirm(*d, details);
  ASSERT_TRUE(done && done->checkin);
  ASSERT_TRUE(terminal.engine().runOnce());
  EXPECT_EQ(terminal.outbox(), 0u);

  EXPECT_TRUE(waitFor([&] {
    std::lock_guard lock(mutex);
    return !received.empty();
  }));
  receiver.stop();
  serving.join();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0]["host"], guest.host);
  EXPECT_EQ(received[0]["needs"]["allergies"], "fish");
  EXPECT_EQ(received[0]["needs_changed"], true);
  EXPECT_EQ(received[0]["previous_needs"]["allergies"], "peanut");

  central->stop();
  auto listed = kiosk::testing::runCommand(
      {std::string(KIOSK_BINARY_DIR) + "/kiosk-central", "checkins", "--db", central->database()},
      dir.path());
  ASSERT_EQ(listed.status, 0) << listed.err;
  EXPECT_NE(listed.out.find("NEEDS CHANGED allergies: peanut -> allergies: fish"),
            std::string::npos)
      << listed.out;
  auto asJson = kiosk::testing::runCommand({std::string(KIOSK_BINARY_DIR) + "/kiosk-central",
                                            "checkins", "--db", central->database(), "--json"},
                                           dir.path());
  ASSERT_EQ(asJson.status, 0) << asJson.err;
  const auto row = json::parse(asJson.lines().at(0));
  EXPECT_EQ(row["confirmed_needs"]["allergies"], "fish");
  EXPECT_EQ(row["previous_needs"]["allergies"], "peanut");
}

// Issue 11 item 13: staff at terminal A change a guest's room, driver, pickup time and
// seat with a reason. A writes guest, audit row and outbox row at once; central applies
// the edit to its guest record and feeds it; terminal B pulls it. A roster import that
// later changes the same field wins (the last writer by central's receive time).
TEST_F(CentralServerTest, AGuestEditAtOneTerminalReachesCentralAndTheOthers) {
  const auto now = SystemClock().now();
  auto g = central->guests().at(0);
  TransportLeg leg;
  leg.vehicle = "Shuttle 3";
  leg.driver = "Wang Lei";
  g.transport = {leg};
  Meeting m;
  m.name = "Opening plenary";
  m.room = "Hall A";
  m.seat = "A-12";
  g.meetings = {m};
  ASSERT_TRUE(central->open()->upsertGuests(central->event().id, {g}, now));
  ASSERT_TRUE(central->open()->saveStaff(StaffMember{"s-1", "Li Na", "reception", "", "", true, ""},
                                         now, central->event().id));
  start();
  kiosk::testing::TestTerminal a(dir.path(), "lobby-a", central->url(), *pki);
  kiosk::testing::TestTerminal b(dir.path(), "lobby-b", central->url(), *pki);
  a.enrollOrFail(*central);
  b.enrollOrFail(*central);
  ASSERT_TRUE(a.engine().runOnce());
  ASSERT_TRUE(b.engine().runOnce());

  GuestEdit edit;
  edit.id = newRecordId(now);
  edit.eventId = central->event().id;
  edit.guestId = g.id;
  edit.terminal = "lobby-a";
  edit.staffId = "s-1";
  edit.reason = "hotel moved the guest";
  edit.at = now;
  edit.changes = {{"lodging.room", "2201"},
                  {"transport.0.driver", "Zhao Min"},
                  {"transport.0.pickup_time", "2026-12-08T07:40:00Z"},
                  {"meeting.0.seat", "B-7"}};
  auto saved = a.store().commitGuestEdit(edit);
  ASSERT_TRUE(saved) << saved.error().message;
  const auto local = *a.store().findGuest(edit.eventId, g.id);
  ASSERT_TRUE(local);
  EXPECT_EQ(local->lodging.room, "2201");
  EXPECT_EQ(local->transport.at(0).driver, "Zhao Min");
  EXPECT_EQ(local->transport.at(0).vehicle, "Shuttle 3");
  EXPECT_EQ(formatIso8601(local->transport.at(0).pickupTime.value()), "2026-12-08T07:40:00Z");
  EXPECT_EQ(local->meetings.at(0).seat, "B-7");
  EXPECT_EQ(a.scalar("SELECT COUNT(*) FROM audit WHERE action = 'guest_edited' AND actor = "
                     "'staff:s-1' AND reason = 'hotel moved the guest'"),
            1);
  EXPECT_EQ(a.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'guest_edit'"), 1);
  // A change that cannot apply writes nothing.
  GuestEdit bad = edit;
  bad.id = newRecordId(now);
  bad.changes = {{"lodging.room", "9999"}, {"transport.3.driver", "Nobody"}};
  auto refused = a.store().commitGuestEdit(bad);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ((*a.store().findGuest(edit.eventId, g.id))->lodging.room, "2201");

  ASSERT_TRUE(a.engine().runOnce());
  EXPECT_EQ(a.outbox(), 0u);
  const auto atCentral = *central->open()->listGuests(edit.eventId);
  const auto it = std::find_if(atCentral.begin(), atCentral.end(),
                               [&](const Guest& x) { return x.id == g.id; });
  ASSERT_NE(it, atCentral.end());
  EXPECT_EQ(it->lodging.room, "2201");
  EXPECT_EQ(it->transport.at(0).driver, "Zhao Min");
  const auto audit = *central->open()->records().listAudit(edit.eventId);
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].actor, "staff:s-1");
  EXPECT_EQ(audit[0].terminal, "lobby-a");

  ASSERT_TRUE(b.engine().runOnce());
  auto atB = *b.store().findGuest(edit.eventId, g.id);
  ASSERT_TRUE(atB);
  EXPECT_EQ(atB->lodging.room, "2201");
  EXPECT_EQ(atB->transport.at(0).driver, "Zhao Min");
  EXPECT_EQ(atB->meetings.at(0).seat, "B-7");

  // The roster import central receives later wins for the fields it sets.
  auto imported = *it;
  imported.lodging.room = "3301";
  ASSERT_TRUE(central->open()->upsertGuests(edit.eventId, {imported}, SystemClock().now()));
  ASSERT_TRUE(b.engine().runOnce());
  atB = *b.store().findGuest(edit.eventId, g.id);
  EXPECT_EQ(atB->lodging.room, "3301");
  EXPECT_EQ(atB->transport.at(0).driver, "Zhao Min");
}

// Issue 11 item 10: a staff member's language, set at central, reaches the terminal's store
// through the change feed (a change too), so staff mode can open in it.
TEST_F(CentralServerTest, AStaffMembersLanguageReachesTheTerminalStore) {
  const auto now = SystemClock().now();
  StaffMember chen{"s-zh", "陈静", "reception", "", "", true, "zh-CN"};
  StaffMember admin{"s-it", "Alex Smith", "it", "", "", true, "en"};
  StaffMember plain{"s-none", "Li Na", "reception", "", "", true, ""};
  for (const auto& m : {chen, admin, plain}) {
    ASSERT_TRUE(central->open()->saveStaff(m, now, central->event().id));
  }
  start();
  kiosk::testing::TestTerminal t(dir.path(), "lobby-a", central->url(), *pki);
  t.enrollOrFail(*central);
  ASSERT_TRUE(t.engine().runOnce());
  const auto languageAt = [&](const std::string& id) {
    auto found = t.store().findStaff(id);
    EXPECT_TRUE(found && *found) << id;
    return found && *found ? (*found)->language : std::string("<missing>");
  };
  EXPECT_EQ(languageAt("s-zh"), "zh-CN");
  EXPECT_EQ(languageAt("s-it"), "en");
  EXPECT_EQ(languageAt("s-none"), "");

  admin.language = "ja";
  ASSERT_TRUE(central->open()->saveStaff(admin, SystemClock().now(), central->event().id));
  ASSERT_TRUE(t.engine().runOnce());
  EXPECT_EQ(languageAt("s-it"), "ja");
  EXPECT_EQ(languageAt("s-zh"), "zh-CN");

  // Central refuses a tag no terminal catalog answers to, and keeps what it had.
  admin.language = "xx-Nope";
  auto refused = central->open()->saveStaff(admin, SystemClock().now(), central->event().id);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(refused.error().message.find("xx-Nope"), std::string::npos) << refused.error().message;
  ASSERT_TRUE(t.engine().runOnce());
  EXPECT_EQ(languageAt("s-it"), "ja");
}

TEST_F(CentralServerTest, TheClientVerifiesTheServerAlwaysAndPinsWhenAsked) {
  start();
  auto wrongCa = httpOptions();
  wrongCa.caFile = pki->otherCaFile;
  auto r = cache::HttpClient(wrongCa).request("GET", "/v1/health");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kPermanent);

  auto systemCas = httpOptions();
  systemCas.caFile.clear();  // a private CA is not in the system bundle
  EXPECT_FALSE(cache::HttpClient(systemCas).request("GET", "/v1/health"));

  auto pinned = httpOptions();
  pinned.pinnedPublicKey = pki->pin;
  auto ok = cache::HttpClient(pinned).request("GET", "/v1/health");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->status, 200);

  pinned.pinnedPublicKey = pki->otherPin;
  auto mismatch = cache::HttpClient(pinned).request("GET", "/v1/health");
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().kind, ErrorKind::kPermanent);
}

TEST_F(CentralServerTest, AServerWithAnotherCasCertificateIsRefused) {
  ServerOptions options;
  options.certFile = pki->otherCertFile;
  options.keyFile = pki->otherKeyFile;
  start(options);
  auto r = client->request("GET", "/v1/health");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kPermanent);
}

TEST_F(CentralServerTest, ABadCertificateIsAStartError) {
  ServerOptions options;
  options.databasePath = central->database();
  options.port = 0;
  options.certFile = pki->certFile;
  options.keyFile = pki->otherKeyFile;  // not the certificate's key
  SystemClock clock;
  CentralServer server(options, clock);
  auto started = server.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().kind, ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace kiosk::central
