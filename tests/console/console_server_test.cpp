// The reception console against the real kiosk-central over HTTPS on loopback, attacked the
// way a browser-borne attacker or a guesser would: wrong passwords, too many of them,
// cross-site POSTs, a stale session, another event's ids in the URL.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "central/console/console_day.h"
#include "console/console_test_support.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/ids.h"
#include "offline-cache/json_codec.h"
#include "support/run_command.h"

namespace kiosk::central::console {
namespace {

using kiosk::testing::CentralFixture;
using kiosk::testing::ConsoleClient;
using nlohmann::json;

class ConsoleServerTest : public kiosk::testing::ConsoleSuite {
 protected:
  void SetUp() override {
    central = std::make_unique<CentralFixture>(dir.path(), *pki, 20, 5);
    central->start();
  }

  std::unique_ptr<ConsoleClient> browser() {
    return std::make_unique<ConsoleClient>(central->port(), pki->caFile);
  }

  // Enrolls a terminal of the fixture's event over the sync API; returns its token.
  std::string enrollTerminal(const std::string& terminal) {
    httplib::SSLClient c("127.0.0.1", central->port());
    c.set_ca_cert_path(pki->caFile.c_str());
    auto r = c.Post("/v1/enroll", json{{"code", central->enrollmentCode(terminal)}}.dump(),
                    "application/json");
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body).at("token").get<std::string>();
  }

  std::vector<Device> devices() {
    auto all = central->open()->devices().list();
    EXPECT_TRUE(all);
    return all ? *all : std::vector<Device>{};
  }

  std::vector<AuditRow> auditRows() {
    auto store = central->open();
    auto rows = ConsoleStore(store->database()).listAudit(std::nullopt);
    EXPECT_TRUE(rows);
    return rows ? *rows : std::vector<AuditRow>{};
  }

  // A second event with its own guest and terminal.
  struct Other {
    Event event;
    Guest guest;
    std::string deviceId;
  };
  Other otherEvent() {
    Other o;
    auto store = central->open();
    const auto now = SystemClock().now();
    o.event.id = central->event().id + 1;
    o.event.name = "Other Summit";
    o.event.startsAt = now - std::chrono::hours(1);
    o.event.endsAt = now + std::chrono::hours(24);
    EXPECT_TRUE(store->createEvent(o.event, generateSigningKey(o.event.id, 1, now), "", now));
    Guest g;
    g.bookingCode = "OTHER-0001";
    g.name = "Secret Delegate";
    auto saved = store->upsertGuests(o.event.id, {g}, now);
    EXPECT_TRUE(saved);
    o.guest = saved->front();
    auto code = store->devices().createEnrollmentCode("other-lobby", o.event.id,
                                                      std::chrono::hours(1), now);
    EXPECT_TRUE(code);
    httplib::SSLClient c("127.0.0.1", central->port());
    c.set_ca_cert_path(pki->caFile.c_str());
    auto r = c.Post("/v1/enroll", json{{"code", code->code}}.dump(), "application/json");
    EXPECT_EQ(r->status, 200);
    o.deviceId = json::parse(r->body).at("device_id").get<std::string>();
    return o;
  }
};

TEST_F(ConsoleServerTest, AWrongPasswordGetsNoSessionAndIsAudited) {
  kiosk::testing::addAccount(*central, "desk", Role::kReception, central->event().id);
  auto b = browser();
  auto r = b->login("desk", "not-the-password");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_FALSE(r->has_header("Set-Cookie"));
  EXPECT_NE(r->body.find("The account or password is not correct"), std::string::npos);
  auto unknown = b->login("nobody", "not-the-password");
  EXPECT_EQ(unknown->status, 401);
  auto page = b->get("/console/arrivals");
  EXPECT_EQ(page->status, 303);
  EXPECT_EQ(page->get_header_value("Location"), "/console/login");
  const auto rows = auditRows();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].action, "login_failed");
  EXPECT_EQ(rows[0].account, "desk");
  EXPECT_EQ(kiosk::testing::rowsOf(*central, "console_sessions"), 0);
}

TEST_F(ConsoleServerTest, TheSessionCookieIsSecureHttpOnlyStrictAndStoredHashed) {
  kiosk::testing::addAccount(*central, "desk", Role::kReception, central->event().id);
  auto b = browser();
  auto r = b->login("desk");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(r->get_header_value("Location"), "/console/arrivals");
  const auto cookie = b->lastSetCookie();
  EXPECT_NE(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Path=/console"), std::string::npos) << cookie;
  const auto id = b->cookie().substr(b->cookie().find('=') + 1);
  EXPECT_EQ(id.size(), 64u) << "256 random bits, hex";
  auto store = central->open();
  auto s = store->database().prepare("SELECT id_hash FROM console_sessions");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.columnText(0), sha256Hex(id));
  EXPECT_NE(s.columnText(0), id);

  auto page = b->get("/console/arrivals");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Guest 1"), std::string::npos);
}

TEST_F(ConsoleServerTest, LoginsAreLimitedPerAccount) {
  kiosk::testing::addAccount(*central, "desk", Role::kReception, central->event().id);
  auto b = browser();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(b->login("desk", "guess-" + std::to_string(i))->status, 401) << i;
  }
  auto limited = b->login("desk");  // even the right password, until the limit lifts
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_TRUE(limited->has_header("Retry-After"));
  EXPECT_FALSE(limited->has_header("Set-Cookie"));
  EXPECT_EQ(kiosk::testing::rowsOf(*central, "console_sessions"), 0);
}

// A browser accepts brotli, which cpp-httplib 0.11 writes at its slowest setting: seconds of
// central's CPU for a large board. Central answers it with gzip.
TEST_F(ConsoleServerTest, ABrowserThatAcceptsBrotliGetsGzip) {
  httplib::SSLClient c("127.0.0.1", central->port());
  c.set_ca_cert_path(pki->caFile.c_str());
  c.set_decompress(false);
  for (const char* accepts : {"gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "br"}) {
    auto r = c.Get("/console/login", {{"Accept-Encoding", accepts}});
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    const auto expected = std::string(accepts) == "br" ? "" : "gzip";
    EXPECT_EQ(r->get_header_value("Content-Encoding"), expected) << accepts;
  }
}

TEST_F(ConsoleServerTest, EveryAnswerCarriesAStrictContentSecurityPolicy) {
  kiosk::testing::addAccount(*central, "desk", Role::kReception, central->event().id);
  auto b = browser();
  auto login = b->get("/console/login");
  ASSERT_TRUE(login);
  ASSERT_EQ(login->status, 200);
  ASSERT_TRUE(b->login("desk"));
  for (const auto* path : {"/console/login", "/console/arrivals", "/console/terminals",
                           "/console/assets/console.js"}) {
    auto r = b->get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path;
    const auto csp = r->get_header_value("Content-Security-Policy");
    EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << path;
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << path;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << path;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << path;
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_FALSE(r->get_header_value("Referrer-Policy").empty()) << path;
    // No inline script or style in the page itself.
    EXPECT_EQ(r->body.find("<script>"), std::string::npos) << path;
    EXPECT_EQ(r->body.find("style="), std::string::npos) << path;
    EXPECT_EQ(r->body.find("<style"), std::string::npos) << path;
  }
}

TEST_F(ConsoleServerTest, ACrossSitePostChangesNothing) {
  kiosk::testing::addAccount(*central, "it", Role::kIt, central->event().id);
  enrollTerminal("lobby-1");
  const auto deviceId = devices().at(0).id;
  auto b = browser();
  ASSERT_EQ(b->login("it")->status, 303);
  const auto csrf = ConsoleClient::csrfOf(b->get("/console/terminals")->body);
  ASSERT_FALSE(csrf.empty());
  const auto event = std::to_string(central->event().id);
  const std::string path = "/console/terminals/revoke";
  // No token, a wrong token, a foreign Origin, no Origin or Referer at all.
  EXPECT_EQ(b->post(path, {{"event", event}, {"device", deviceId}})->status, 403);
  EXPECT_EQ(b->post(path, {{"event", event}, {"device", deviceId}, {"csrf", std::string(64, '0')}})
                ->status,
            403);
  EXPECT_EQ(b->post(path, {{"event", event}, {"device", deviceId}, {"csrf", csrf}},
                    "https://attacker.example")
                ->status,
            403);
  EXPECT_EQ(b->post(path, {{"event", event}, {"device", deviceId}, {"csrf", csrf}}, "")->status,
            403);
  EXPECT_FALSE(devices().at(0).revokedAt) << "a refused POST changed nothing";
  // Another session's token is not this one's.
  auto other = browser();
  ASSERT_EQ(other->login("it")->status, 303);
  const auto otherCsrf = ConsoleClient::csrfOf(other->get("/console/terminals")->body);
  ASSERT_NE(otherCsrf, csrf);
  EXPECT_EQ(b->post(path, {{"event", event}, {"device", deviceId}, {"csrf", otherCsrf}})->status,
            403);
  EXPECT_FALSE(devices().at(0).revokedAt);

  auto ok = b->post(path, {{"event", event}, {"device", deviceId}, {"csrf", csrf}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_NE(ok->body.find("The terminal was revoked."), std::string::npos);
  EXPECT_TRUE(devices().at(0).revokedAt);
  const auto rows = auditRows();
  const auto revoked = std::find_if(
      rows.begin(), rows.end(), [](const AuditRow& r) { return r.action == "revoke_terminal"; });
  ASSERT_NE(revoked, rows.end());
  EXPECT_EQ(revoked->account, "it");
  EXPECT_EQ(revoked->target, deviceId);
  EXPECT_EQ(std::count_if(rows.begin(), rows.end(),
                          [](const AuditRow& r) { return r.action == "csrf_refused"; }),
            5);
}

TEST_F(ConsoleServerTest, ReceptionMayLookAtTerminalsButNotRevokeThem) {
  kiosk::testing::addAccount(*central, "desk", Role::kReception, central->event().id);
  enrollTerminal("lobby-1");
  auto b = browser();
  ASSERT_EQ(b->login("desk")->status, 303);
  auto page = b->get("/console/terminals");
  EXPECT_NE(page->body.find("lobby-1"), std::string::npos);
  EXPECT_EQ(page->body.find("/console/terminals/revoke"), std::string::npos);
  const auto csrf = ConsoleClient::csrfOf(page->body);
  auto r = b->post("/console/terminals/revoke", {{"event", std::to_string(central->event().id)},
                                                 {"device", devices().at(0).id},
                                                 {"csrf", csrf}});
  EXPECT_EQ(r->status, 403);
  EXPECT_FALSE(devices().at(0).revokedAt);
  auto e = b->post(
      "/console/terminals/enroll",
      {{"event", std::to_string(central->event().id)}, {"terminal", "lobby-9"}, {"csrf", csrf}});
  EXPECT_EQ(e->status, 403);
  EXPECT_EQ(kiosk::testing::rowsOf(*central, "enrollment_codes WHERE used_at IS NULL"), 0);
}

TEST_F(ConsoleServerTest, TheTerminalsPageShowsTheSettingsEachRunsAndOneItGaveUpOn) {
  kiosk::testing::addAccount(*central, "it", Role::kIt, central->event().id);
  kiosk::testing::TestTerminal lobby(dir.path(), "lobby-2", central->url(), *pki);
  lobby.enrollOrFail(*central);
  lobby.options.settingsVersion = 3;
  lobby.options.settingsFailedVersion = 4;
  ASSERT_TRUE(lobby.engine().runOnce());
  auto b = browser();
  ASSERT_EQ(b->login("it")->status, 303);
  auto page = b->get("/console/terminals");
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Settings v3"), std::string::npos) << page->body;
  EXPECT_NE(page->body.find("Settings given up v4"), std::string::npos) << page->body;
}

TEST_F(ConsoleServerTest, TheTerminalsPageShowsTheOsEachRunsAndAFailedUpdate) {
  kiosk::testing::addAccount(*central, "it", Role::kIt, central->event().id);
  kiosk::testing::TestTerminal lobby(dir.path(), "lobby-2", central->url(), *pki);
  lobby.enrollOrFail(*central);
  lobby.options.osVersion = "41";
  lobby.options.updateState = [] {
    return cache::api::UpdateState{"failed", "42", "did not come up healthy; back on 41"};
  };
  ASSERT_TRUE(lobby.engine().runOnce());
  auto b = browser();
  ASSERT_EQ(b->login("it")->status, 303);
  auto page = b->get("/console/terminals");
  ASSERT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("OS 41"), std::string::npos) << page->body;
  EXPECT_NE(page->body.find("title=\"did not come up healthy; back on 41\">OS update failed 42"),
            std::string::npos)
      << page->body;
}

TEST_F(ConsoleServerTest, AnIdleSessionEndsAndSoDoesAnOldOne) {
  kiosk::testing::addAccount(*central, "desk", Role::kReception, central->event().id);
  auto b = browser();
  ASSERT_EQ(b->login("desk")->status, 303);
  EXPECT_EQ(b->get("/console/arrivals")->status, 200);
  central->clock.shift(std::chrono::minutes(29));
  EXPECT_EQ(b->get("/console/arrivals")->status, 200) << "29 minutes idle is still fine";
  central->clock.shift(std::chrono::minutes(31));
  auto r = b->get("/console/arrivals");
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(r->get_header_value("Location"), "/console/login?expired=1");
  EXPECT_EQ(kiosk::testing::rowsOf(*central, "console_sessions"), 0);

  // Active all the time, still ended after 12 hours.
  auto c = browser();
  ASSERT_EQ(c->login("desk")->status, 303);
  for (int i = 0; i < 24; ++i) {
    central->clock.shift(std::chrono::minutes(29));
    ASSERT_EQ(c->get("/console/arrivals")->status, 200) << i;
  }
  central->clock.shift(std::chrono::minutes(29));
  EXPECT_EQ(c->get("/console/arrivals")->status, 303);
}

TEST_F(ConsoleServerTest, AnAccountOfOneEventSeesNothingOfAnother) {
  kiosk::testing::addAccount(*central, "it", Role::kIt, central->event().id);
  const auto other = otherEvent();
  const auto otherId = std::to_string(other.event.id);
  auto b = browser();
  ASSERT_EQ(b->login("it")->status, 303);
  auto own = b->get("/console/arrivals");
  EXPECT_EQ(own->status, 200);
  EXPECT_EQ(own->body.find("Secret Delegate"), std::string::npos);
  EXPECT_EQ(own->body.find("Other Summit"), std::string::npos);
  const auto csrf = ConsoleClient::csrfOf(own->body);

  for (const auto& path : {"/console/arrivals?event=" + otherId,
                           "/console/arrivals.json?event=" + otherId + "&since=0",
                           "/console/terminals?event=" + otherId}) {
    auto r = b->get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_EQ(r->body.find("Secret Delegate"), std::string::npos) << path;
    EXPECT_EQ(r->body.find("other-lobby"), std::string::npos) << path;
  }
  // The other event's terminal, named under this event or under its own.
  EXPECT_EQ(b->post("/console/terminals/revoke", {{"event", std::to_string(central->event().id)},
                                                  {"device", other.deviceId},
                                                  {"csrf", csrf}})
                ->status,
            404);
  EXPECT_EQ(b->post("/console/terminals/revoke",
                    {{"event", otherId}, {"device", other.deviceId}, {"csrf", csrf}})
                ->status,
            404);
  EXPECT_EQ(b->post("/console/terminals/enroll",
                    {{"event", otherId}, {"terminal", "sneaky"}, {"csrf", csrf}})
                ->status,
            404);
  for (const auto& d : devices()) {
    EXPECT_FALSE(d.revokedAt) << d.terminal;
  }

  // An account of every event may switch to it.
  kiosk::testing::addAccount(*central, "boss", Role::kSupervisor, 0);
  auto all = browser();
  ASSERT_EQ(all->login("boss")->status, 303);
  auto page = all->get("/console/arrivals?event=" + otherId);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("Secret Delegate"), std::string::npos);
}

TEST_F(ConsoleServerTest, ACheckInReachesTheLiveBoardsPoll) {
  kiosk::testing::addAccount(*central, "desk", Role::kReception, central->event().id);
  const auto token = enrollTerminal("lobby-1");
  auto b = browser();
  ASSERT_EQ(b->login("desk")->status, 303);
  const auto event = std::to_string(central->event().id);
  auto before = b->get("/console/arrivals.json?event=" + event + "&since=0");
  ASSERT_EQ(before->status, 200);
  EXPECT_EQ(before->get_header_value("Connection"), "close");
  const auto since = json::parse(before->body).at("since").get<std::int64_t>();
  EXPECT_TRUE(json::parse(before->body).at("arrivals").empty());

  CheckinRecord r;
  r.id = newRecordId(SystemClock().now());
  r.eventId = central->event().id;
  ASSERT_EQ(central->guests().at(9).category, GuestCategory::kVip);
  ASSERT_FALSE(central->guests().at(9).host.empty());
  r.guestId = central->guests().at(9).id;
  r.terminal = "lobby-1";
  r.scannedAt = SystemClock().now();
  httplib::SSLClient c("127.0.0.1", central->port());
  c.set_ca_cert_path(pki->caFile.c_str());
  auto pushed = c.Post("/v1/checkins", {{"Authorization", "Bearer " + token}},
                       json{{"checkins", {cache::toJson(r)}}}.dump(), "application/json");
  ASSERT_EQ(pushed->status, 200) << pushed->body;

  auto after = b->get("/console/arrivals.json?event=" + event + "&since=" + std::to_string(since));
  ASSERT_EQ(after->status, 200);
  const auto body = json::parse(after->body);
  ASSERT_EQ(body.at("arrivals").size(), 1u) << after->body;
  EXPECT_EQ(body.at("arrivals")[0].at("name"), central->guests().at(9).name);
  EXPECT_EQ(body.at("arrivals")[0].at("terminal"), "lobby-1");
  auto page = b->get("/console/arrivals");
  EXPECT_NE(page->body.find("data-vip=\"" + std::to_string(r.guestId) + "\" class=\"in\""),
            std::string::npos);
}

// A guest turns late with the time, not with a check-in: the live board asks for the late
// guests again now and then (late=1) and gets the section as the page draws it.
TEST_F(ConsoleServerTest, TheLiveBoardsPollBringsGuestsWhoTurnedLate) {
  kiosk::testing::addAccount(*central, "desk", Role::kReception, central->event().id);
  auto b = browser();
  ASSERT_EQ(b->login("desk")->status, 303);
  const auto poll =
      "/console/arrivals.json?event=" + std::to_string(central->event().id) + "&since=0";
  auto plain = b->get(poll);
  ASSERT_EQ(plain->status, 200);
  EXPECT_FALSE(json::parse(plain->body).contains("late_html")) << "only when asked";
  auto none = b->get(poll + "&late=1");
  ASSERT_EQ(none->status, 200);
  EXPECT_EQ(json::parse(none->body).at("late_html").get<std::string>().find("data-late="),
            std::string::npos);

  // Expected today (whatever the hour: a pickup two hours ago may be yesterday).
  const auto now = central->clock.now();
  auto g = central->guests().at(3);
  g.lodging.checkinDate = dayOf(now, central->event().timezone);
  TransportLeg leg;
  leg.vehicle = "Shuttle 3";
  leg.pickupTime = now - std::chrono::hours(2);
  g.transport = {leg};
  ASSERT_TRUE(central->open()->upsertGuests(central->event().id, {g}, now));
  auto late = b->get(poll + "&late=1");
  ASSERT_EQ(late->status, 200);
  const auto html = json::parse(late->body).at("late_html").get<std::string>();
  EXPECT_NE(html.find("data-late=\"" + std::to_string(g.id) + "\""), std::string::npos) << html;
  EXPECT_NE(html.find("Shuttle 3"), std::string::npos) << html;
  auto page = b->get("/console/arrivals");
  EXPECT_NE(page->body.find(html), std::string::npos) << "the same section as the page's";
}

// The closing note's figure: the arrivals board of a 10,000-guest event, server side
// (database read, rendering, TLS), printed (a figure, not a limit: the sanitizer build on
// PostgreSQL on a loaded machine is no measure of a site).
TEST_F(ConsoleServerTest, TheBoardOfTenThousandGuestsLoads) {
  kiosk::testing::addAccount(*central, "desk", Role::kReception, central->event().id);
  ASSERT_TRUE(central->open()->upsertGuests(
      central->event().id, kiosk::testing::makeGuests(10'000, 50), SystemClock().now()));
  auto b = browser();
  ASSERT_EQ(b->login("desk")->status, 303);
  std::vector<double> ms;
  for (int i = 0; i < 5; ++i) {
    const auto started = std::chrono::steady_clock::now();
    auto page = b->get("/console/arrivals");
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count());
    ASSERT_TRUE(page) << httplib::to_string(page.error());
    ASSERT_EQ(page->status, 200);
    ASSERT_NE(page->body.find("data-guest=\"10000\""), std::string::npos);
    if (i == 0) {
      std::cout << "arrivals page, 10,000 guests: " << page->body.size() / 1024 << " KiB\n";
    }
  }
  std::sort(ms.begin(), ms.end());
  std::cout << "arrivals page, 10,000 guests: median " << ms[2] << " ms, max " << ms[4] << " ms\n";
}

// Guest data is text, never markup: a name that is HTML shows as written.
TEST_F(ConsoleServerTest, AGuestNameThatIsMarkupIsShownAsText) {
  kiosk::testing::addAccount(*central, "desk", Role::kReception, central->event().id);
  Guest g;
  g.bookingCode = "XSS-0001";
  g.name = "<script>alert('x')</script>";
  g.company = "\"><img src=x onerror=alert(1)>";
  ASSERT_TRUE(central->open()->upsertGuests(central->event().id, {g}, SystemClock().now()));
  auto b = browser();
  ASSERT_EQ(b->login("desk")->status, 303);
  auto page = b->get("/console/arrivals");
  ASSERT_EQ(page->status, 200);
  EXPECT_EQ(page->body.find("<script>alert"), std::string::npos);
  EXPECT_EQ(page->body.find("<img src=x"), std::string::npos);
  EXPECT_NE(page->body.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(page->body.find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
}

// The accounts command of the real binary: the password comes from standard input, never
// from an argument; a disabled account's sessions end and it cannot sign in again.
TEST_F(ConsoleServerTest, ConsoleUserCommandsTakeThePasswordFromStandardInput) {
  const std::string bin = std::string(KIOSK_BINARY_DIR) + "/kiosk-central";
  const auto db = central->database();
  const auto event = std::to_string(central->event().id);
  auto run = [&](const std::string& input, std::vector<std::string> args) {
    const auto file = dir.path() / "stdin.txt";
    std::ofstream(file) << input;
    std::string cmd = kiosk::testing::shellQuote(bin);
    for (const auto& a : args) {
      cmd += " " + kiosk::testing::shellQuote(a);
    }
    return kiosk::testing::runCommand(
        {"sh", "-c", cmd + " < " + kiosk::testing::shellQuote(file.string())}, dir.path());
  };
  auto added =
      run(std::string(kiosk::testing::kPassword) + "\n",
          {"console-user", "add", "--db", db, "chen.li", "--role", "supervisor", "--event", event});
  ASSERT_EQ(added.status, 0) << added.err;
  EXPECT_EQ(json::parse(added.out).at("account"), "chen.li");
  auto withArgument = run("", {"console-user", "add", "--db", db, "wu", "--event", event,
                               "--password", "in-the-process-list"});
  EXPECT_NE(withArgument.status, 0);
  auto shortOne = run("short\n", {"console-user", "add", "--db", db, "wu", "--event", event});
  EXPECT_EQ(shortOne.status, 2);
  EXPECT_NE(shortOne.err.find("10 to 128"), std::string::npos) << shortOne.err;
  auto neither = run("lobby-desk-2026\n", {"console-user", "add", "--db", db, "wu"});
  EXPECT_EQ(neither.status, 2);
  EXPECT_NE(neither.err.find("--all-events"), std::string::npos) << neither.err;

  auto b = browser();
  ASSERT_EQ(b->login("chen.li")->status, 303);
  ASSERT_EQ(b->get("/console/arrivals")->status, 200);
  auto listed = run("", {"console-user", "list", "--db", db});
  ASSERT_EQ(listed.status, 0) << listed.err;
  EXPECT_NE(listed.out.find("\"account\":\"chen.li\""), std::string::npos);
  EXPECT_EQ(listed.out.find("argon2"), std::string::npos) << "no hashes in the list";

  auto disabled = run("", {"console-user", "disable", "--db", db, "chen.li"});
  ASSERT_EQ(disabled.status, 0) << disabled.err;
  EXPECT_EQ(b->get("/console/arrivals")->status, 303) << "its session ended";
  EXPECT_EQ(browser()->login("chen.li")->status, 401);
  EXPECT_EQ(run("", {"console-user", "disable", "--db", db, "nobody"}).status, 2);
}

}  // namespace
}  // namespace kiosk::central::console
