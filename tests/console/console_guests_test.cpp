// The console's guests pages against the real kiosk-central over HTTPS on loopback: search by
// name, pinyin, initials, phone tail and booking code, paging; a guest's page with the needs
// changed at check-in and the trail (a real terminal's check-in and edit, pushed by its sync
// engine); the desk's room and pickup changes fed to a real terminal's sync engine; cancel and
// restore; roles, event scoping, CSRF and audit rows.
#include "central/console/console_guests.h"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <iostream>

#include "console/console_test_support.h"
#include "kiosk/core/checkin_service.h"
#include "kiosk/core/ids.h"
#include "kiosk/core/local_time.h"

namespace kiosk::central::console {
namespace {

using kiosk::testing::CentralFixture;
using kiosk::testing::ConsoleClient;

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// The guest ids a results page links to, in order.
std::vector<std::string> listedGuests(const std::string& html) {
  static const std::regex row(R"re(<tr data-guest="(\d+)")re");
  std::vector<std::string> out;
  for (std::sregex_iterator it(html.begin(), html.end(), row), end; it != end; ++it) {
    out.push_back((*it)[1].str());
  }
  return out;
}

class ConsoleGuestsTest : public kiosk::testing::ConsoleSuite {
 protected:
  void SetUp() override {
    central = std::make_unique<CentralFixture>(dir.path(), *pki, 60);
    Guest zhang;
    zhang.bookingCode = "ZW-2026";
    zhang.name = "张伟";
    zhang.phone = "+86 138 0013 5678";
    zhang.company = "华东电力";
    zhang.needs.allergies = "peanut";
    zhang.lodging.hotel = "Lakeside";
    zhang.lodging.room = "1208";
    TransportLeg leg;
    leg.vehicle = "Shuttle 3";
    leg.flight = "MU5101";
    leg.pickupTime = SystemClock().now() + std::chrono::hours(3);
    zhang.transport = {leg};
    Guest garcia;
    garcia.bookingCode = "MGL-77";
    garcia.name = "María García López";
    garcia.phone = "+34 600 111 222";
    auto saved =
        central->open()->upsertGuests(central->event().id, {zhang, garcia}, SystemClock().now());
    ASSERT_TRUE(saved) << saved.error().message;
    zhangId = std::to_string(saved->at(0).id);
    garciaId = std::to_string(saved->at(1).id);
    ASSERT_TRUE(
        central->open()->saveStaff(StaffMember{"s-1", "Li Na", "reception", "", "", true, ""},
                                   SystemClock().now(), central->event().id));
    central->start();
    kiosk::testing::addAccount(*central, "desk", Role::kReception, central->event().id);
    kiosk::testing::addAccount(*central, "chief", Role::kSupervisor, central->event().id);
    kiosk::testing::addAccount(*central, "it-desk", Role::kIt, central->event().id);
  }

  std::string eventQuery() const { return "?event=" + std::to_string(central->event().id); }

  std::vector<std::string> search(ConsoleClient& b, const std::string& q) {
    auto r = b.get("/console/guests" + eventQuery() + "&q=" + kiosk::testing::urlEncode(q));
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << q;
    return listedGuests(r->body);
  }

  std::string guestPage(ConsoleClient& b, const std::string& id, int status = 200) {
    auto r = b.get("/console/guests/view" + eventQuery() + "&id=" + id);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, status);
    return r ? r->body : std::string();
  }

  httplib::Result edit(ConsoleClient& b, const std::string& id, const std::string& field,
                       const std::string& value) {
    const auto page = guestPage(b, id);
    return b.post(
        "/console/guests/edit" + eventQuery(),
        {{"csrf", ConsoleClient::csrfOf(page)}, {"id", id}, {"field", field}, {"value", value}});
  }

  Guest centralGuest(const std::string& id) {
    for (const auto& g : *central->open()->listGuests(central->event().id)) {
      if (std::to_string(g.id) == id) {
        return g;
      }
    }
    ADD_FAILURE() << "no guest " << id;
    return {};
  }

  std::int64_t auditRows(const std::string& action, const std::string& detailPart = {}) {
    auto store = central->open();
    auto s = store->database().prepare(
        "SELECT COUNT(*) FROM console_audit WHERE action = ?1 AND detail LIKE ?2");
    s.bind(1, action).bind(2, "%" + detailPart + "%");
    return s.step() ? s.columnInt(0) : -1;
  }

  std::string zhangId;
  std::string garciaId;
};

TEST_F(ConsoleGuestsTest, SearchFindsANameItsPinyinInitialsPhoneTailAndBookingCode) {
  auto desk = signedIn("desk");
  for (const auto* q : {"张伟", "伟", "zhangwei", "zhang wei", "zw", "5678", "ZW-2026", "zw2026"}) {
    const auto hits = search(*desk, q);
    EXPECT_NE(std::find(hits.begin(), hits.end(), zhangId), hits.end()) << q;
    EXPECT_EQ(std::find(hits.begin(), hits.end(), garciaId), hits.end()) << q;
  }
  for (const auto* q : {"garcia", "García", "lopez", "mgl", "1222", "MGL-77"}) {
    const auto hits = search(*desk, q);
    EXPECT_EQ(hits, std::vector<std::string>{garciaId}) << q;
  }
  EXPECT_TRUE(search(*desk, "nobody-like-this").empty());
  // A name and the phone's digits together.
  EXPECT_EQ(search(*desk, "zhang 5678"), std::vector<std::string>{zhangId});
  EXPECT_TRUE(search(*desk, "zhang 1222").empty());
}

TEST_F(ConsoleGuestsTest, ResultsArePagedAndAChangeIsFoundAtOnce) {
  auto desk = signedIn("desk");
  // 62 guests: "Guest 1" ... "Guest 60" and the two above.
  auto r = desk->get("/console/guests" + eventQuery());
  ASSERT_TRUE(r);
  EXPECT_TRUE(contains(r->body, "data-total=\"62\"")) << r->body;
  EXPECT_EQ(listedGuests(r->body).size(), kGuestsPerPage);
  r = desk->get("/console/guests" + eventQuery() + "&page=2");
  ASSERT_TRUE(r);
  EXPECT_EQ(listedGuests(r->body).size(), 62 - 2 * kGuestsPerPage);
  // Past the end: the last page, not an empty one.
  r = desk->get("/console/guests" + eventQuery() + "&page=99");
  EXPECT_EQ(listedGuests(r->body).size(), 62 - 2 * kGuestsPerPage);
  EXPECT_EQ(search(*desk, "guest").size(), kGuestsPerPage);

  // The index follows the roster: a guest renamed by an import is found under the new name.
  auto g = centralGuest(garciaId);
  g.name = "王芳";
  ASSERT_TRUE(central->open()->upsertGuests(central->event().id, {g}, SystemClock().now()));
  EXPECT_EQ(search(*desk, "wangfang"), std::vector<std::string>{garciaId});
  EXPECT_TRUE(search(*desk, "garcia").empty());
}

TEST_F(ConsoleGuestsTest, TheGuestPageShowsArrangementsNeedsChangedAtCheckInAndTheTrail) {
  kiosk::testing::TestTerminal terminal(dir.path(), "lobby-1", central->url(), *pki);
  terminal.enrollOrFail(*central);
  ASSERT_TRUE(terminal.engine().runOnce());
  auto service = terminal.service(central->event().id);
  auto d = service.evaluate("ZW-2026", ScanSource::kTyped);
  ASSERT_TRUE(d && d->accepted());
  ConfirmDetails details;
  details.confirmedNeeds = d->guest->needs;
  details.confirmedNeeds.allergies = "fish";
  ASSERT_TRUE(service.confirm(*d, details));
  GuestEdit e;
  e.id = newRecordId(SystemClock().now());
  e.eventId = central->event().id;
  e.guestId = d->guest->id;
  e.terminal = "lobby-1";
  e.staffId = "s-1";
  e.reason = "quieter room";
  e.at = SystemClock().now();
  e.changes = {{"lodging.room", "1410"}};
  ASSERT_TRUE(terminal.store().commitGuestEdit(e));
  ASSERT_TRUE(terminal.engine().runOnce());
  ASSERT_EQ(terminal.outbox(), 0u);

  auto desk = signedIn("desk");
  const auto page = guestPage(*desk, zhangId);
  EXPECT_TRUE(contains(page, "张伟"));
  EXPECT_TRUE(contains(page, "MU5101"));
  EXPECT_TRUE(contains(page, "Shuttle 3"));
  EXPECT_TRUE(contains(page, "1410"));
  EXPECT_TRUE(contains(page, "data-needs-changed=\"1\"")) << page;
  EXPECT_TRUE(contains(page, "fish <span class=\"was\">(was peanut)</span>")) << page;
  EXPECT_TRUE(contains(page, "Checked in"));
  EXPECT_TRUE(contains(page, "Changed at a terminal"));
  EXPECT_TRUE(contains(page, "lodging.room = 1410 · quieter room"));
  // A guest without a changed need is not marked.
  EXPECT_FALSE(contains(guestPage(*desk, garciaId), "data-needs-changed"));
  // Ids that name nothing.
  guestPage(*desk, "999999", 404);
  guestPage(*desk, "abc", 404);
}

TEST_F(ConsoleGuestsTest, ARoomChangeIsAuditedAndReachesATerminalsSyncEngine) {
  kiosk::testing::TestTerminal terminal(dir.path(), "lobby-1", central->url(), *pki);
  terminal.enrollOrFail(*central);
  ASSERT_TRUE(terminal.engine().runOnce());
  const auto eventId = central->event().id;
  const auto id = static_cast<GuestId>(std::stoul(zhangId));
  ASSERT_EQ((*terminal.store().findGuest(eventId, id))->lodging.room, "1208");

  auto desk = signedIn("desk");
  auto r = edit(*desk, zhangId, "lodging.room", "2201");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 303) << r->body;
  EXPECT_EQ(centralGuest(zhangId).lodging.room, "2201");
  EXPECT_EQ(auditRows("guest_edit", "lodging.room: 1208 -> 2201"), 1);
  ASSERT_TRUE(terminal.engine().runOnce());
  EXPECT_EQ((*terminal.store().findGuest(eventId, id))->lodging.room, "2201");

  // A pickup time typed as the event's wall time (its zone, or the server's without one).
  r = edit(*desk, zhangId, "transport.0.pickup_time", "2026-12-08T07:40");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 303) << r->body;
  const auto pickup = parseLocalTime("2026-12-08T07:40", central->event().timezone);
  ASSERT_TRUE(pickup);
  EXPECT_EQ(centralGuest(zhangId).transport.at(0).pickupTime, *pickup);
  ASSERT_TRUE(terminal.engine().runOnce());
  EXPECT_EQ((*terminal.store().findGuest(eventId, id))->transport.at(0).pickupTime, *pickup);

  const auto page = guestPage(*desk, zhangId);
  EXPECT_TRUE(contains(page, "Changed at the desk"));
  EXPECT_TRUE(contains(page, "lodging.room: 1208 -&gt; 2201")) << page;
  // Shown (and offered for the next edit) as the event's wall time again.
  EXPECT_TRUE(contains(page, "<dd>2026-12-08 07:40</dd>")) << page;
  EXPECT_TRUE(contains(page, "value=\"2026-12-08T07:40\"")) << page;

  // The lodging and transport fields the terminal's staff do not edit, fed the same way.
  r = edit(*desk, zhangId, "lodging.floor", "22");
  ASSERT_EQ(r->status, 303) << r->body;
  r = edit(*desk, zhangId, "transport.0.flight", "CA1501");
  ASSERT_EQ(r->status, 303) << r->body;
  EXPECT_EQ(centralGuest(zhangId).lodging.floor, "22");
  EXPECT_EQ(centralGuest(zhangId).transport.at(0).flight, "CA1501");
  EXPECT_EQ(auditRows("guest_edit", "transport.0.flight: MU5101 -> CA1501"), 1);
  ASSERT_TRUE(terminal.engine().runOnce());
  EXPECT_EQ((*terminal.store().findGuest(eventId, id))->transport.at(0).flight, "CA1501");
  EXPECT_EQ((*terminal.store().findGuest(eventId, id))->lodging.floor, "22");

  // Bad input: a clear message, nothing lost.
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, std::string>>{{"lodging.room", "12\n08"},
                                                        {"lodging.room", std::string(201, '9')},
                                                        {"transport.0.pickup_time", "tomorrow"},
                                                        {"meeting.0.room", "Hall B"},
                                                        {"name", "Someone"}}) {
    r = edit(*desk, zhangId, field, value);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << field;
    EXPECT_TRUE(contains(r->body, "class=\"error\"")) << field;
  }
  EXPECT_EQ(centralGuest(zhangId).lodging.room, "2201");
  // The same value again changes nothing and feeds nothing.
  r = edit(*desk, zhangId, "lodging.room", "2201");
  EXPECT_EQ(r->get_header_value("Location").find("done=unchanged") != std::string::npos, true);
  EXPECT_EQ(auditRows("guest_edit"), 4);
}

TEST_F(ConsoleGuestsTest, CancelAndRestoreAreFedAndAudited) {
  kiosk::testing::TestTerminal terminal(dir.path(), "lobby-1", central->url(), *pki);
  terminal.enrollOrFail(*central);
  ASSERT_TRUE(terminal.engine().runOnce());
  auto chief = signedIn("chief");
  auto csrf = ConsoleClient::csrfOf(guestPage(*chief, garciaId));
  auto r = chief->post("/console/guests/cancel" + eventQuery(), {{"csrf", csrf}, {"id", garciaId}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 303);
  EXPECT_EQ(centralGuest(garciaId).status, GuestStatus::kCancelled);
  ASSERT_TRUE(terminal.engine().runOnce());
  auto service = terminal.service(central->event().id);
  auto d = service.evaluate("MGL-77", ScanSource::kTyped);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->accepted());
  EXPECT_EQ(auditRows("guest_cancel", "active -> cancelled"), 1);

  r = chief->post("/console/guests/restore" + eventQuery(), {{"csrf", csrf}, {"id", garciaId}});
  ASSERT_EQ(r->status, 303);
  EXPECT_EQ(centralGuest(garciaId).status, GuestStatus::kActive);
  ASSERT_TRUE(terminal.engine().runOnce());
  d = service.evaluate("MGL-77", ScanSource::kTyped);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->accepted());
  EXPECT_EQ(auditRows("guest_restore", "cancelled -> active"), 1);
  EXPECT_TRUE(contains(guestPage(*chief, garciaId), "Invitation restored"));
}

TEST_F(ConsoleGuestsTest, ItGetsNoGuestsAnotherEventsAccountGetsNotFoundAndCsrfIsRequired) {
  auto it = signedIn("it-desk");
  auto r = it->get("/console/guests" + eventQuery());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_FALSE(contains(r->body, "/console/guests?"));  // no nav link either
  r = it->get("/console/guests/view" + eventQuery() + "&id=" + zhangId);
  EXPECT_EQ(r->status, 403);
  auto desk = signedIn("desk");
  EXPECT_TRUE(contains(guestPage(*desk, zhangId), "href=\"/console/guests?event="));

  // An account of another event: the guest does not exist for it.
  Event other;
  other.id = central->event().id + 1;
  other.name = "Other Forum";
  other.startsAt = SystemClock().now();
  other.endsAt = other.startsAt + std::chrono::hours(8);
  ASSERT_TRUE(central->open()->createEvent(
      other, generateSigningKey(other.id, 1, SystemClock().now()), "", SystemClock().now()));
  kiosk::testing::addAccount(*central, "elsewhere", Role::kSupervisor, other.id);
  auto elsewhere = signedIn("elsewhere");
  r = elsewhere->get("/console/guests/view?event=" + std::to_string(other.id) + "&id=" + zhangId);
  EXPECT_EQ(r->status, 404);
  r = elsewhere->get("/console/guests/view" + eventQuery() + "&id=" + zhangId);
  EXPECT_EQ(r->status, 404);
  EXPECT_FALSE(contains(r->body, "张伟"));
  const auto otherCsrf = ConsoleClient::csrfOf(
      elsewhere->get("/console/guests?event=" + std::to_string(other.id))->body);
  r = elsewhere->post(
      "/console/guests/edit?event=" + std::to_string(other.id),
      {{"csrf", otherCsrf}, {"id", zhangId}, {"field", "lodging.room"}, {"value", "1"}});
  EXPECT_EQ(r->status, 404);

  // Every change refused without the token, or from another site.
  const auto csrf = ConsoleClient::csrfOf(guestPage(*desk, zhangId));
  for (const auto* path : {"/console/guests/edit", "/console/guests/cancel",
                           "/console/guests/restore", "/console/guests/reissue"}) {
    r = desk->post(std::string(path) + eventQuery(),
                   {{"id", zhangId}, {"field", "lodging.room"}, {"value", "666"}});
    EXPECT_EQ(r->status, 403) << path;
    r = desk->post(std::string(path) + eventQuery(),
                   {{"csrf", csrf}, {"id", zhangId}, {"field", "lodging.room"}, {"value", "666"}},
                   "https://evil.example");
    EXPECT_EQ(r->status, 403) << path;
  }
  EXPECT_EQ(centralGuest(zhangId).lodging.room, "1208");
  EXPECT_EQ(centralGuest(zhangId).status, GuestStatus::kActive);
  EXPECT_EQ(auditRows("csrf_refused"), 8);
}

// The code on the invitation is the one `codes issue` signs; revoking it (as `codes revoke
// --code`) refuses it and the booking code at a terminal, and the new code is admitted.
TEST_F(ConsoleGuestsTest, RevokeAndReissueTheCodeAndDownloadTheInvitation) {
  kiosk::testing::TestTerminal terminal(dir.path(), "lobby-1", central->url(), *pki);
  terminal.enrollOrFail(*central);
  ASSERT_TRUE(terminal.engine().runOnce());
  auto desk = signedIn("desk");
  auto pdf = desk->get("/console/guests/invitation.pdf" + eventQuery() + "&id=" + zhangId);
  ASSERT_TRUE(pdf);
  ASSERT_EQ(pdf->status, 200);
  EXPECT_EQ(pdf->get_header_value("Content-Type"), "application/pdf");
  EXPECT_EQ(pdf->body.rfind("%PDF-", 0), 0u);
  EXPECT_TRUE(contains(pdf->get_header_value("Content-Disposition"), "invitation-ZW-2026.pdf"));
  EXPECT_EQ(auditRows("guest_invitation"), 1);

  // The code the invitation carries: the one `codes issue` gives for the guest's id.
  const auto key = central->open()->issuingKey(central->event().id);
  ASSERT_TRUE(key && *key);
  TokenClaims claims;
  claims.keyId = (*key)->id;
  claims.eventId = central->event().id;
  claims.guestId = static_cast<GuestId>(std::stoul(zhangId));
  claims.notBefore = central->event().startsAt - kCodesValidBeforeStart;
  claims.notAfter = central->event().endsAt + kCodesValidAfterEnd;
  const auto oldCode = issueToken(claims, **key);
  auto service = terminal.service(central->event().id);
  auto d = service.evaluate(oldCode, ScanSource::kCamera);
  ASSERT_TRUE(d);
  ASSERT_TRUE(d->accepted()) << d->detail;

  auto page = guestPage(*desk, zhangId);
  auto r = desk->post("/console/guests/reissue" + eventQuery(),
                      {{"csrf", ConsoleClient::csrfOf(page)}, {"id", zhangId}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  static const std::regex issued(R"re(<p class="code">(KT1:[A-Z0-9]+)</p>)re");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r->body, m, issued)) << r->body;
  const auto newCode = m[1].str();
  EXPECT_NE(newCode, oldCode);
  EXPECT_TRUE(contains(r->body, "<svg"));
  EXPECT_EQ(auditRows("guest_reissue"), 1);
  ASSERT_TRUE(terminal.engine().runOnce());
  d = service.evaluate(oldCode, ScanSource::kCamera);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->accepted());
  d = service.evaluate(newCode, ScanSource::kCamera);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->accepted()) << d->detail;
  EXPECT_TRUE(contains(guestPage(*desk, zhangId), "Code revoked and reissued"));
}

TEST_F(ConsoleGuestsTest, AWalkInGetsABookingCodeAndReachesTheTerminals) {
  kiosk::testing::TestTerminal terminal(dir.path(), "lobby-1", central->url(), *pki);
  terminal.enrollOrFail(*central);
  ASSERT_TRUE(terminal.engine().runOnce());
  auto desk = signedIn("desk");
  const auto csrf = ConsoleClient::csrfOf(desk->get("/console/guests" + eventQuery())->body);
  auto r = desk->post("/console/guests/walk-in" + eventQuery(), {{"csrf", csrf},
                                                                 {"name", " 李娜 "},
                                                                 {"phone", "13912345678"},
                                                                 {"company", "Press Daily"},
                                                                 {"category", "press"}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 303) << r->body;
  const auto location = r->get_header_value("Location");
  const auto id = location.substr(location.find("&id=") + 4,
                                  location.find("&done") - location.find("&id=") - 4);
  const auto g = centralGuest(id);
  EXPECT_EQ(g.name, "李娜");
  EXPECT_EQ(g.category, GuestCategory::kPress);
  EXPECT_TRUE(std::regex_match(g.bookingCode, std::regex("WI-[2-9A-HJKMNP-Z]{6}")))
      << g.bookingCode;
  EXPECT_EQ(auditRows("guest_walk_in", g.bookingCode), 1);
  EXPECT_EQ(search(*desk, "lina"), std::vector<std::string>{id});
  ASSERT_TRUE(terminal.engine().runOnce());
  auto d = terminal.service(central->event().id).evaluate(g.bookingCode, ScanSource::kTyped);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->accepted());

  // Bad input: a clear message, the form again, nothing saved.
  const auto before = kiosk::testing::rowsOf(*central, "guests");
  for (const auto& fields : std::vector<std::map<std::string, std::string>>{
           {{"name", "  "}, {"category", "business"}},
           {{"name", "Very Important"}, {"category", "vip"}},
           {{"name", "Nobody"}, {"category", "astronaut"}}}) {
    auto withCsrf = fields;
    withCsrf["csrf"] = csrf;
    r = desk->post("/console/guests/walk-in" + eventQuery(), withCsrf);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_TRUE(contains(r->body, "class=\"error\""));
  }
  EXPECT_EQ(kiosk::testing::rowsOf(*central, "guests"), before);
  // Without the token: refused.
  r = desk->post("/console/guests/walk-in" + eventQuery(),
                 {{"name", "Forged"}, {"category", "business"}});
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(kiosk::testing::rowsOf(*central, "guests"), before);
}

// 10,000 guests with Han names: the first search builds the index (pinyin of every name), the
// next ones use it; a change re-reads the changed guest only.
TEST_F(ConsoleGuestsTest, TenThousandGuestsAreFoundAndTheSearchIsTimed) {
  static constexpr std::array kSurnames{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴"};
  static constexpr std::array kGiven{"伟", "芳", "娜", "敏", "静", "丽", "强",   "磊", "军", "洋",
                                     "勇", "艳", "杰", "涛", "明", "超", "秀英", "华", "平", "刚"};
  std::vector<Guest> many;
  for (int i = 0; i < 10'000; ++i) {
    Guest g;
    g.bookingCode = "BIG-" + std::to_string(10'000 + i);
    g.name = std::string(kSurnames[i % kSurnames.size()]) +
             kGiven[(i / kSurnames.size()) % kGiven.size()] + kGiven[i % 7];
    g.phone = "139" + std::to_string(10'000'000 + i);
    g.lodging.room = std::to_string(1000 + i % 900);
    many.push_back(std::move(g));
  }
  ASSERT_TRUE(central->open()->upsertGuests(central->event().id, many, SystemClock().now()));
  auto desk = signedIn("desk");
  auto timed = [&](const std::string& q) {
    const auto started = std::chrono::steady_clock::now();
    auto r = desk->get("/console/guests" + eventQuery() + "&q=" + kiosk::testing::urlEncode(q));
    const auto ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    if (!r) {
      ADD_FAILURE() << q << ": " << httplib::to_string(r.error());
      return ms;
    }
    EXPECT_EQ(r->status, 200);
    EXPECT_FALSE(listedGuests(r->body).empty()) << q;
    return ms;
  };
  const auto cold = timed("zhang");
  std::vector<double> warm;
  for (const auto* q : {"zhang", "zw", "王芳", "0042", "BIG-10042", "li", "", "wang 0042"}) {
    warm.push_back(timed(q));
  }
  auto g = many.at(42);
  g.id = 0;
  g.lodging.room = "8888";
  ASSERT_TRUE(central->open()->upsertGuests(central->event().id, {g}, SystemClock().now()));
  const auto afterChange = timed("0042");
  std::sort(warm.begin(), warm.end());
  std::cout << "guest search, 10,062 guests: first " << cold
            << " ms (builds the index), then median " << warm[warm.size() / 2] << " ms, max "
            << warm.back() << " ms; after a change " << afterChange << " ms\n";
}

}  // namespace
}  // namespace kiosk::central::console
