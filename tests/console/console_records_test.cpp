// The console's records against the real kiosk-central over HTTPS on loopback: the audit search
// finds what the console, a terminal's sync engine and pushed admissions wrote; the CSV exports
// open cleanly in a spreadsheet (byte order mark, CRLF, quoting, formula cells neutralised,
// Chinese intact) and are audited; the daily report; the arrivals board's day and late guests;
// roles (reception may not export) and event scoping (another event's records are not found).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "central/console/console_csv.h"
#include "central/console/console_day.h"
#include "console/console_test_support.h"
#include "kiosk/core/ids.h"
#include "kiosk/core/local_time.h"
#include "offline-cache/json_codec.h"

namespace kiosk::central::console {
namespace {

using kiosk::testing::CentralFixture;
using kiosk::testing::ConsoleClient;
using nlohmann::json;

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// RFC 4180 as a spreadsheet reads it: quoted cells may hold commas, quotes and line breaks.
std::vector<std::vector<std::string>> parseCsv(std::string_view text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(std::move(cell));
      cell.clear();
      rows.push_back(std::move(row));
      row.clear();
      ++i;
    } else {
      cell += c;
    }
  }
  EXPECT_TRUE(cell.empty() && row.empty()) << "the last row ends with CRLF";
  return rows;
}

// Every line break outside quotes is CRLF.
bool onlyCrlf(std::string_view text) {
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) {
      return false;
    }
  }
  return true;
}

constexpr std::string_view kBom = "\xEF\xBB\xBF";

class ConsoleRecordsTest : public kiosk::testing::ConsoleSuite {
 protected:
  void SetUp() override {
    central = std::make_unique<CentralFixture>(dir.path(), *pki, 5);
    central->start();
    kiosk::testing::addAccount(*central, "desk", Role::kReception, central->event().id);
    kiosk::testing::addAccount(*central, "chief", Role::kSupervisor, central->event().id);
    kiosk::testing::addAccount(*central, "it-desk", Role::kIt, central->event().id);
  }

  std::string eventQuery(EventId id) const { return "?event=" + std::to_string(id); }

  // A device of `eventId` enrolled over the sync API; returns its token.
  std::string enroll(EventId eventId, const std::string& terminal) {
    auto code = central->open()->devices().createEnrollmentCode(
        terminal, eventId, std::chrono::hours(1), central->clock.now());
    EXPECT_TRUE(code);
    httplib::SSLClient c("127.0.0.1", central->port());
    c.set_ca_cert_path(pki->caFile.c_str());
    auto r = c.Post("/v1/enroll", json{{"code", code->code}}.dump(), "application/json");
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    return json::parse(r->body).at("token").get<std::string>();
  }

  // An admission pushed by a terminal over the sync API (central's door for check-ins).
  void pushCheckin(const std::string& token, EventId eventId, GuestId guestId,
                   const std::string& terminal) {
    CheckinRecord r;
    r.id = newRecordId(central->clock.now());
    r.eventId = eventId;
    r.guestId = guestId;
    r.terminal = terminal;
    r.scannedAt = central->clock.now();
    httplib::SSLClient c("127.0.0.1", central->port());
    c.set_ca_cert_path(pki->caFile.c_str());
    auto pushed = c.Post("/v1/checkins", {{"Authorization", "Bearer " + token}},
                         json{{"checkins", {cache::toJson(r)}}}.dump(), "application/json");
    ASSERT_TRUE(pushed);
    ASSERT_EQ(pushed->status, 200) << pushed->body;
  }

  std::vector<AuditRow> consoleAudit() {
    auto store = central->open();
    auto rows = ConsoleStore(store->database()).listAudit(std::nullopt);
    EXPECT_TRUE(rows);
    return rows ? *rows : std::vector<AuditRow>{};
  }

  std::string today() const { return dayOf(central->clock.now(), central->event().timezone); }
};

TEST(ConsoleCsv, NeutralisesFormulaCellsAndQuotesByRfc4180) {
  EXPECT_EQ(csvCell("=1+2"), "'=1+2");
  EXPECT_EQ(csvCell("+86 138"), "'+86 138");
  EXPECT_EQ(csvCell("-5"), "'-5");
  EXPECT_EQ(csvCell("@SUM(1)"), "'@SUM(1)");
  EXPECT_EQ(csvCell("\tx"), "'\tx");
  EXPECT_EQ(csvCell("\rx"), "\"'\rx\"");
  EXPECT_EQ(csvCell("=HYPERLINK(\"http://x\",\"a\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"a\"\")\"");
  EXPECT_EQ(csvCell("王芳"), "王芳");
  EXPECT_EQ(csvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(csvCell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csvCell("1=1"), "1=1");
  EXPECT_EQ(csvCell(""), "");
}

TEST(ConsoleCsv, AFileNameIsSafeAndKeepsChineseByRfc5987) {
  const auto d = attachmentDisposition("上海论坛/../x\"y;z\r\n-arrivals.csv");
  EXPECT_EQ(d.find_first_of("\r\n/\\"), std::string::npos) << d;
  EXPECT_TRUE(contains(d, "attachment; filename=\"")) << d;
  EXPECT_TRUE(contains(d,
                       "filename*=UTF-8''%E4%B8%8A%E6%B5%B7%E8%AE%BA%E5%9D%9B_.._x_y_z__"
                       "-arrivals.csv"))
      << d;
  const auto ascii = d.substr(0, d.find("; filename*"));
  EXPECT_EQ(std::count(ascii.begin(), ascii.end(), '"'), 2) << ascii;
}

// A guest named as a formula does not run in Excel; Chinese names survive; every guest is a row.
TEST_F(ConsoleRecordsTest, TheArrivalsExportOpensCleanlyAndRunsNoFormula) {
  auto store = central->open();
  const auto now = central->clock.now();
  Event e;
  e.id = central->event().id + 7;
  e.name = "上海国际论坛 2026";
  e.startsAt = now - std::chrono::hours(1);
  e.endsAt = now + std::chrono::hours(24);
  ASSERT_TRUE(store->createEvent(e, generateSigningKey(e.id, 1, now), "", now));
  std::vector<Guest> guests;
  for (const auto* name : {"=1+2", "@cmd", "=HYPERLINK(\"http://evil.example\",\"点我\")",
                           "王芳, \"小王\"", "李雷", "-2+3", "+A1", "Ann\r\nLee"}) {
    Guest g;
    g.name = name;
    g.bookingCode = "ZH-" + std::to_string(guests.size() + 1000);
    g.company = "@corp";
    guests.push_back(g);
  }
  auto saved = store->upsertGuests(e.id, guests, now);
  ASSERT_TRUE(saved) << saved.error().message;
  kiosk::testing::addAccount(*central, "zh-chief", Role::kSupervisor, e.id);
  const auto token = enroll(e.id, "大堂-1");
  pushCheckin(token, e.id, saved->at(3).id, "大堂-1");

  auto b = signedIn("zh-chief");
  auto r = b->get("/console/arrivals.csv" + eventQuery(e.id));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/csv; charset=utf-8");
  const auto disposition = r->get_header_value("Content-Disposition");
  // cpp-httplib's client percent-decodes header values as it reads them: the wire form
  // (%E4%B8%8A...) is checked by ConsoleCsv.AFileNameIsSafeAndKeepsChineseByRfc5987 and in the
  // browser test.
  EXPECT_TRUE(contains(disposition, "filename*=UTF-8''上海国际论坛")) << disposition;
  EXPECT_TRUE(contains(disposition, "filename=\"")) << disposition;
  EXPECT_TRUE(contains(disposition, "-arrivals-" + today() + ".csv")) << disposition;
  ASSERT_EQ(r->body.substr(0, 3), kBom);
  EXPECT_TRUE(onlyCrlf(r->body));
  const auto rows = parseCsv(std::string_view(r->body).substr(3));
  ASSERT_EQ(rows.size(), guests.size() + 1) << r->body;
  EXPECT_EQ(rows[0][0], "Name");
  std::map<std::string, std::vector<std::string>> byName;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), rows[0].size()) << i;
    byName[rows[i][0]] = rows[i];
    // No cell a spreadsheet would run.
    for (const auto& cell : rows[i]) {
      EXPECT_TRUE(cell.empty() || std::string_view("=+-@\t\r").find(cell[0]) == std::string::npos)
          << cell;
    }
  }
  EXPECT_EQ(byName.count("'=1+2"), 1u);
  EXPECT_EQ(byName.count("'@cmd"), 1u);
  EXPECT_EQ(byName.count("'=HYPERLINK(\"http://evil.example\",\"点我\")"), 1u);
  EXPECT_EQ(byName.count("'-2+3"), 1u);
  EXPECT_EQ(byName.count("'+A1"), 1u);
  EXPECT_EQ(byName.count("李雷"), 1u);
  EXPECT_EQ(byName.at("'@cmd")[2], "'@corp");
  const auto& arrived = byName.at("王芳, \"小王\"");
  EXPECT_FALSE(arrived[5].empty()) << "the arrived time";
  EXPECT_EQ(arrived[6], "大堂-1");
  EXPECT_TRUE(byName.at("李雷")[5].empty());

  const auto audit = consoleAudit();
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.back().action, "export");
  EXPECT_EQ(audit.back().target, "arrivals");
  EXPECT_EQ(audit.back().account, "zh-chief");
  EXPECT_EQ(audit.back().detail, "8 rows");
}

TEST_F(ConsoleRecordsTest, TheAuditSearchFindsWhatTheConsoleAndTheTerminalsDid) {
  kiosk::testing::TestTerminal terminal(dir.path(), "lobby-1", central->url(), *pki);
  terminal.enrollOrFail(*central);
  terminal.start();
  // A terminal's audit row central must see (a staff PIN lockout), pushed by its sync engine.
  AuditEvent lockout;
  lockout.at = terminal.clock().now();
  lockout.terminal = "lobby-1";
  lockout.actor = "staff:s-417";
  lockout.action = AuditAction::kStaffLockedOut;
  lockout.eventId = central->event().id;
  lockout.reason = "5 wrong PINs";
  ASSERT_TRUE(terminal.store().appendAudit(lockout));
  terminal.engine().wake();
  ASSERT_TRUE(kiosk::testing::waitFor([&] { return central->count("audit") > 0; }))
      << "the terminal pushes its audit row";
  terminal.stop();
  // An admission pushed over the sync API, and a change in the console.
  pushCheckin(enroll(central->event().id, "lobby-2"), central->event().id,
              central->guests().at(2).id, "lobby-2");
  auto b = signedIn("chief");
  auto page = b->get("/console/arrivals");
  ASSERT_EQ(page->status, 200);
  ASSERT_EQ(b->post("/console/language", {{"csrf", ConsoleClient::csrfOf(page->body)},
                                          {"lang", "en"},
                                          {"back", "/console/records"}})
                ->status,
            303);

  const auto base = "/console/records" + eventQuery(central->event().id);
  auto all = b->get(base);
  ASSERT_EQ(all->status, 200) << all->body;
  EXPECT_TRUE(contains(all->body, "staff_locked_out")) << all->body;
  EXPECT_TRUE(contains(all->body, "5 wrong PINs"));
  EXPECT_TRUE(contains(all->body, central->guests().at(2).name));
  EXPECT_TRUE(contains(all->body, "<td>language</td>"));

  auto byActor = b->get(base + "&actor=STAFF:S-417");
  EXPECT_TRUE(contains(byActor->body, "5 wrong PINs"));
  EXPECT_FALSE(contains(byActor->body, "<td>language</td>"));
  EXPECT_TRUE(contains(byActor->body, "Records found: 1"));

  auto byText = b->get(base + "&q=" + kiosk::testing::urlEncode(central->guests().at(2).name));
  EXPECT_TRUE(contains(byText->body, "<td>checkin</td>")) << byText->body;
  EXPECT_TRUE(contains(byText->body, "<td>lobby-2</td>"));
  EXPECT_FALSE(contains(byText->body, "staff_locked_out"));

  auto byAction = b->get(base + "&action=language");
  EXPECT_TRUE(contains(byAction->body, "Records found: 1")) << byAction->body;
  EXPECT_TRUE(contains(byAction->body, "<td>chief</td>"));

  auto none = b->get(base + "&q=nobody-did-this");
  EXPECT_TRUE(contains(none->body, "Records found: 0"));

  // The search's export: the same rows, audited.
  auto csv = b->get("/console/records.csv" + eventQuery(central->event().id) + "&actor=lobby-1");
  ASSERT_EQ(csv->status, 200);
  ASSERT_EQ(csv->body.substr(0, 3), kBom);
  const auto rows = parseCsv(std::string_view(csv->body).substr(3));
  ASSERT_EQ(rows.size(), 2u) << csv->body;
  EXPECT_EQ(rows[1][4], "staff_locked_out");
  EXPECT_EQ(rows[1][2], "staff:s-417");
  EXPECT_EQ(consoleAudit().back().target, "records");

  // A day that is not one is said so, and the form keeps what was typed.
  auto bad = b->get(base + "&q=keep-me&from=2026-02-30");
  EXPECT_EQ(bad->status, 400);
  EXPECT_TRUE(contains(bad->body, "value=\"keep-me\""));
  EXPECT_TRUE(contains(bad->body, "role=\"alert\""));
}

// Days are the event's (Asia/Shanghai, UTC+8): 23:30 there on 1 March is 15:30 UTC.
TEST_F(ConsoleRecordsTest, TheDateRangeIsInTheEventsZoneAndTheSearchIsPaged) {
  {
    auto store = central->open();
    ConsoleStore console(store->database());
    const auto zone = central->event().timezone;
    ASSERT_EQ(zone, "Asia/Shanghai");
    const auto late = *parseLocalTime("2026-03-01T23:30:00", zone);
    const auto early = *parseLocalTime("2026-03-02T00:30:00", zone);
    ASSERT_TRUE(console.audit(AuditRow{late, "chief", central->event().id, "note", "late", ""}));
    ASSERT_TRUE(console.audit(AuditRow{early, "chief", central->event().id, "note", "early", ""}));
    for (int i = 0; i < 60; ++i) {
      ASSERT_TRUE(console.audit(AuditRow{early + std::chrono::minutes(1 + i), "chief",
                                         central->event().id, "bulk", std::to_string(i), ""}));
    }
  }
  auto b = signedIn("chief");
  const auto base = "/console/records" + eventQuery(central->event().id);
  auto day = b->get(base + "&action=note&from=2026-03-02&to=2026-03-02");
  EXPECT_TRUE(contains(day->body, "Records found: 1")) << day->body;
  EXPECT_TRUE(contains(day->body, "<td>early</td>"));
  EXPECT_TRUE(contains(day->body, "2026-03-02 00:30:00"));
  auto before = b->get(base + "&action=note&to=2026-03-01");
  EXPECT_TRUE(contains(before->body, "<td>late</td>"));
  EXPECT_FALSE(contains(before->body, "<td>early</td>"));

  auto first = b->get(base + "&action=bulk");
  EXPECT_TRUE(contains(first->body, "Records found: 60"));
  EXPECT_TRUE(contains(first->body, "<td>59</td>")) << "newest first";
  EXPECT_FALSE(contains(first->body, "<td>9</td>"));
  EXPECT_TRUE(contains(first->body, "1 / 2"));
  EXPECT_TRUE(contains(first->body, "rel=\"next\""));
  auto second = b->get(base + "&action=bulk&page=2");
  EXPECT_TRUE(contains(second->body, "<td>9</td>"));
  EXPECT_TRUE(contains(second->body, "<td>0</td>"));
  EXPECT_FALSE(contains(second->body, "<td>10</td>"));
  EXPECT_TRUE(contains(second->body, "rel=\"prev\""));
}

TEST_F(ConsoleRecordsTest, ReceptionAndItMayNotExportOrSearchTheRecords) {
  const auto event = eventQuery(central->event().id);
  auto desk = signedIn("desk");
  for (const auto* path : {"/console/arrivals.csv", "/console/records.csv", "/console/feedback.csv",
                           "/console/records"}) {
    auto r = desk->get(std::string(path) + event);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << path;
    EXPECT_FALSE(contains(r->body, "\xEF\xBB\xBF")) << path;
  }
  EXPECT_EQ(desk->get("/console/report" + event)->status, 200) << "reception prints the report";
  EXPECT_FALSE(contains(desk->get("/console/arrivals")->body, "/console/records"));
  auto it = signedIn("it-desk");
  EXPECT_EQ(it->get("/console/arrivals.csv" + event)->status, 403);
  EXPECT_EQ(it->get("/console/report" + event)->status, 403);
  const auto itBoard = it->get("/console/arrivals")->body;
  EXPECT_FALSE(contains(itBoard, "/console/report")) << "IT is not offered what it may not open";
  EXPECT_FALSE(contains(itBoard, "/console/arrivals.csv"));
  EXPECT_TRUE(contains(desk->get("/console/arrivals")->body, "href=\"/console/report?event="));
  int refused = 0;
  for (const auto& a : consoleAudit()) {
    if (a.action == "forbidden" && (a.account == "desk" || a.account == "it-desk")) {
      ++refused;
    }
  }
  EXPECT_EQ(refused, 6);
  auto chief = signedIn("chief");
  EXPECT_TRUE(contains(chief->get("/console/arrivals")->body, "href=\"/console/records?event="));
}

TEST_F(ConsoleRecordsTest, AnotherEventsRecordsAreNotFound) {
  auto store = central->open();
  const auto now = central->clock.now();
  Event other;
  other.id = central->event().id + 3;
  other.name = "Other Summit";
  other.startsAt = now;
  other.endsAt = now + std::chrono::hours(5);
  ASSERT_TRUE(store->createEvent(other, generateSigningKey(other.id, 1, now), "", now));
  Guest g;
  g.name = "Secret Delegate";
  g.bookingCode = "OTHER-1";
  ASSERT_TRUE(store->upsertGuests(other.id, {g}, now));
  auto b = signedIn("chief");
  for (const auto* path : {"/console/records", "/console/records.csv", "/console/arrivals.csv",
                           "/console/feedback.csv", "/console/report"}) {
    EXPECT_EQ(b->get(std::string(path) + eventQuery(central->event().id))->status, 200)
        << path << " of the account's own event";
    auto r = b->get(std::string(path) + eventQuery(other.id));
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_FALSE(contains(r->body, "Secret Delegate")) << path;
  }
}

TEST_F(ConsoleRecordsTest, TheFeedbackExportCarriesTheGuestsWordsSafely) {
  kiosk::testing::TestTerminal terminal(dir.path(), "lobby-1", central->url(), *pki);
  terminal.enrollOrFail(*central);
  terminal.start();
  Feedback f;
  f.kind = FeedbackKind::kComplaint;
  f.guestId = central->guests().front().id;
  f.category = "room";
  f.text = "=cmd|' /C calc'!A0 空调太吵";
  ASSERT_TRUE(terminal.service(central->event().id).recordFeedback(f));
  terminal.engine().wake();
  ASSERT_TRUE(kiosk::testing::waitFor([&] { return central->count("feedback") > 0; }));
  terminal.stop();
  auto b = signedIn("chief");
  auto r = b->get("/console/feedback.csv" + eventQuery(central->event().id));
  ASSERT_EQ(r->status, 200);
  ASSERT_EQ(r->body.substr(0, 3), kBom);
  const auto rows = parseCsv(std::string_view(r->body).substr(3));
  ASSERT_EQ(rows.size(), 2u) << r->body;
  EXPECT_EQ(rows[1][1], "Complaint");
  EXPECT_EQ(rows[1][6], "'=cmd|' /C calc'!A0 空调太吵");
  EXPECT_EQ(rows[1][4], central->guests().front().name);
  EXPECT_EQ(consoleAudit().back().target, "feedback");
}

// The day's report: arrivals by category, VIPs, no-shows, flags, feedback, terminals.
TEST_F(ConsoleRecordsTest, TheDailyReportSumsUpTheDay) {
  const auto now = central->clock.now();
  const auto day = today();
  auto guests = central->guests();
  guests[0].category = GuestCategory::kVip;
  guests[0].name = "贵宾 甲";
  guests[0].host = "Host Zhang";
  guests[1].lodging.checkinDate = day;  // expected today, does not come: a no-show
  guests[1].name = "No Show";
  guests[2].lodging.checkinDate = dayOf(now + std::chrono::hours(48), "Asia/Shanghai");
  guests[2].name = "Comes Later";
  ASSERT_TRUE(central->open()->upsertGuests(central->event().id, guests, now));
  const auto token = enroll(central->event().id, "lobby-9");
  pushCheckin(token, central->event().id, guests[0].id, "lobby-9");
  pushCheckin(token, central->event().id, guests[3].id, "lobby-9");
  pushCheckin(token, central->event().id, guests[3].id, "lobby-9");  // a second admission

  auto b = signedIn("desk");
  auto r = b->get("/console/report" + eventQuery(central->event().id));
  ASSERT_EQ(r->status, 200) << r->body;
  const auto& html = r->body;
  EXPECT_TRUE(contains(html, "<span class=\"day\">" + day + "</span>"));
  EXPECT_TRUE(contains(html, "贵宾 甲"));
  EXPECT_TRUE(contains(html, "Host Zhang"));
  EXPECT_TRUE(contains(html, "No Show"));
  EXPECT_FALSE(contains(html, "Comes Later")) << "expected on another day";
  // 4 guests of the day (undated ones count every day), 2 arrived, 2 not, 1 flagged.
  EXPECT_TRUE(contains(html, "<span class=\"value\">4</span><span class=\"label\">Expected"))
      << html;
  EXPECT_TRUE(contains(html, "<span class=\"value\">2</span><span class=\"label\">Arrived"));
  EXPECT_TRUE(contains(html, "<span class=\"value\">2</span><span class=\"label\">Not arrived"));
  EXPECT_TRUE(
      contains(html, "<span class=\"value\">1</span><span class=\"label\">Flagged admissions"));
  EXPECT_TRUE(contains(html, "lobby-9"));
  EXPECT_TRUE(contains(html, "data-print"));
  EXPECT_EQ(b->get("/console/report" + eventQuery(central->event().id) + "&day=tomorrow")->status,
            400);
}

// Item 1: the board shows the day asked for (today in the event's zone by default) and guests
// late against their pickup stand out in words.
TEST_F(ConsoleRecordsTest, TheBoardShowsItsDayAndTheGuestsLateAgainstTheirPickup) {
  const auto now = central->clock.now();
  const auto day = today();
  auto guests = central->guests();
  for (auto& g : guests) {
    g.lodging.checkinDate = day;
  }
  TransportLeg leg;
  leg.vehicle = "Shuttle 3";
  leg.flight = "MU5101";
  leg.pickupTime = now - kLateAfter - std::chrono::minutes(5);
  guests[0].name = "Late Lou";
  guests[0].transport = {leg};
  leg.pickupTime = now - kLateAfter + std::chrono::minutes(5);
  guests[1].name = "On Way Wu";
  guests[1].transport = {leg};
  guests[2].name = "Tomorrow Tan";
  guests[2].lodging.checkinDate = dayOf(now + std::chrono::hours(30), "Asia/Shanghai");
  ASSERT_TRUE(central->open()->upsertGuests(central->event().id, guests, now));

  auto b = signedIn("desk");
  auto board = b->get("/console/arrivals");
  ASSERT_EQ(board->status, 200);
  const auto& html = board->body;
  EXPECT_TRUE(contains(html, "<span class=\"day\">" + day + "</span>"));
  EXPECT_TRUE(contains(html, "data-live=")) << "today's board is live";
  EXPECT_TRUE(contains(html, "<span data-count=\"late\">1</span>")) << html;
  EXPECT_TRUE(contains(html, "<strong class=\"late\">Late</strong> Late Lou"));
  EXPECT_TRUE(contains(html, "MU5101"));
  EXPECT_FALSE(contains(html, "<strong class=\"late\">Late</strong> On Way Wu"));
  EXPECT_TRUE(contains(html, "On Way Wu"));
  EXPECT_FALSE(contains(html, "Tomorrow Tan"));
  EXPECT_TRUE(contains(html, "<span class=\"value\" data-count=\"expected\">4</span>"));

  const auto tomorrow = dayOf(now + std::chrono::hours(30), "Asia/Shanghai");
  auto other = b->get("/console/arrivals?day=" + tomorrow);
  ASSERT_EQ(other->status, 200);
  EXPECT_TRUE(contains(other->body, "Tomorrow Tan"));
  EXPECT_FALSE(contains(other->body, "Late Lou"));
  EXPECT_FALSE(contains(other->body, "data-live=")) << "another day is not live";
  EXPECT_EQ(b->get("/console/arrivals?day=2026-13-01")->status, 400);
}

}  // namespace
}  // namespace kiosk::central::console
