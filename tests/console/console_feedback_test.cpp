// The console's feedback queue against the real kiosk-central over HTTPS on loopback: requests
// a terminal pushes through its own sync engine, the 2-hour answer clock on central's clock,
// assignment, answering and closing (CSRF, roles, event scoping, a required note, audit rows)
// and the daily summary.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "console/console_test_support.h"
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

class ConsoleFeedbackTest : public kiosk::testing::ConsoleSuite {
 protected:
  void SetUp() override {
    central = std::make_unique<CentralFixture>(dir.path(), *pki, 5);
    central->start();
    kiosk::testing::addAccount(*central, "desk", Role::kReception, central->event().id);
    kiosk::testing::addAccount(*central, "chief", Role::kSupervisor, central->event().id);
    kiosk::testing::addAccount(*central, "it-desk", Role::kIt, central->event().id);
    terminal =
        std::make_unique<kiosk::testing::TestTerminal>(dir.path(), "lobby-1", central->url(), *pki);
    terminal->enrollOrFail(*central);
    terminal->start();
  }
  void TearDown() override { terminal->stop(); }

  // A report made at the terminal (its check-in service and outbox) and pushed by its sync
  // engine; returns central's id of it.
  std::string report(FeedbackKind kind, std::string category, std::string words,
                     std::optional<int> rating = std::nullopt) {
    const auto before = central->count("feedback");
    Feedback f;
    f.kind = kind;
    f.guestId = central->guests().front().id;
    f.category = std::move(category);
    f.text = std::move(words);
    f.rating = rating;
    auto st = terminal->service(central->event().id).recordFeedback(f);
    EXPECT_TRUE(st) << st.error().message;
    terminal->engine().wake();
    EXPECT_TRUE(kiosk::testing::waitFor([&] { return central->count("feedback") > before; }))
        << "the terminal pushes its report";
    auto store = central->open();
    auto s = store->database().prepare(
        "SELECT id FROM feedback ORDER BY received_at DESC, id DESC LIMIT 1");
    return s.step() ? s.columnText(0) : std::string();
  }

  std::string queue(ConsoleClient& b, const std::string& filter = "open") {
    auto r = b.get("/console/feedback?event=" + std::to_string(central->event().id) +
                   "&filter=" + filter);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    return r ? r->body : std::string();
  }

  httplib::Result act(ConsoleClient& b, const std::string& action, const std::string& id,
                      std::map<std::string, std::string> fields = {}) {
    const auto csrf = ConsoleClient::csrfOf(queue(b));
    fields.emplace("csrf", csrf);
    fields.emplace("id", id);
    fields.emplace("event", std::to_string(central->event().id));
    return b.post("/console/feedback/" + action, fields);
  }

  std::optional<FeedbackItem> item(const std::string& id) {
    auto store = central->open();
    auto found = ConsoleStore(store->database()).feedbackItem(central->event().id, id);
    EXPECT_TRUE(found);
    return found ? *found : std::nullopt;
  }

  std::vector<AuditRow> auditOf(const std::string& action) {
    auto store = central->open();
    auto rows = ConsoleStore(store->database()).listAudit(std::nullopt);
    EXPECT_TRUE(rows);
    std::vector<AuditRow> out;
    for (const auto& r : rows ? *rows : std::vector<AuditRow>{}) {
      if (r.action == action) {
        out.push_back(r);
      }
    }
    return out;
  }

  std::unique_ptr<kiosk::testing::TestTerminal> terminal;
};

TEST_F(ConsoleFeedbackTest, AComplaintShowsWithTheGuestsEscapedWordsAndTurnsOverdueAfterTwoHours) {
  const auto id = report(FeedbackKind::kComplaint, "room", "<b>Shower</b> is cold & loud");
  (void)report(FeedbackKind::kRating, "", "", 4);
  auto b = signedIn("desk");
  auto page = queue(*b);
  EXPECT_TRUE(contains(page, "data-feedback=\"" + id + "\"")) << page;
  EXPECT_TRUE(contains(page, "&lt;b&gt;Shower&lt;/b&gt; is cold &amp; loud"));
  EXPECT_FALSE(contains(page, "<b>Shower"));
  EXPECT_TRUE(contains(page, central->guests().front().name));
  EXPECT_TRUE(contains(page, "Answer by"));
  EXPECT_FALSE(contains(page, "Overdue</strong>"));
  EXPECT_TRUE(contains(page, "data-average>4.0<")) << "ratings are summarised apart";
  EXPECT_FALSE(contains(queue(*b, "overdue"), "data-feedback=\"" + id + "\""));

  // A session ends after 30 idle minutes: the desk signs in again after each shift.
  central->clock.shift(std::chrono::minutes(119));
  b = signedIn("desk");
  EXPECT_FALSE(contains(queue(*b, "overdue"), "data-feedback=\"" + id + "\""));
  central->clock.shift(std::chrono::minutes(2));
  b = signedIn("desk");
  page = queue(*b);
  EXPECT_TRUE(contains(page, "class=\"request overdue\" data-feedback=\"" + id + "\"")) << page;
  EXPECT_TRUE(contains(page, "⚠ Overdue</strong>")) << "said in words, not by colour alone";
  EXPECT_TRUE(contains(queue(*b, "overdue"), "data-feedback=\"" + id + "\""));

  // Answered late: no longer overdue, and said to be late.
  auto r = act(*b, "answer", id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303);
  EXPECT_FALSE(contains(queue(*b, "overdue"), "data-feedback=\"" + id + "\""));
  EXPECT_TRUE(contains(queue(*b), "class=\"clock late\""));
  ASSERT_EQ(auditOf("feedback_answer").size(), 1u);
  EXPECT_EQ(auditOf("feedback_answer")[0].detail, "late");
}

TEST_F(ConsoleFeedbackTest, TheLivePollBringsNewRequests) {
  auto b = signedIn("desk");
  auto first =
      b->get("/console/feedback.json?event=" + std::to_string(central->event().id) + "&since=0");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200);
  const auto since = json::parse(first->body).at("since").get<std::int64_t>();
  EXPECT_TRUE(json::parse(first->body).at("requests").empty());
  const auto id = report(FeedbackKind::kRepair, "wifi", "No network in 1208");
  auto next = b->get("/console/feedback.json?event=" + std::to_string(central->event().id) +
                     "&since=" + std::to_string(since));
  ASSERT_TRUE(next);
  const auto body = json::parse(next->body);
  ASSERT_EQ(body.at("requests").size(), 1u) << next->body;
  EXPECT_EQ(body.at("requests")[0].at("id"), id);
  EXPECT_TRUE(contains(body.at("requests")[0].at("html").get<std::string>(), "No network in 1208"));
}

TEST_F(ConsoleFeedbackTest, AssignAnswerAndCloseWithANoteAreAudited) {
  const auto id = report(FeedbackKind::kRepair, "room", "The lamp is broken");
  auto b = signedIn("desk");
  auto r = act(*b, "assign", id, {{"to", "chief"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 303) << r->body;
  EXPECT_EQ(item(id)->assignedTo, "chief");
  EXPECT_FALSE(contains(queue(*b, "mine"), "data-feedback=\"" + id + "\""));
  r = act(*b, "assign", id, {{"to", "desk"}});
  EXPECT_EQ(r->status, 303);
  EXPECT_TRUE(contains(queue(*b, "mine"), "data-feedback=\"" + id + "\""));

  // IT cannot take a request, nor can an unknown account.
  r = act(*b, "assign", id, {{"to", "it-desk"}});
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(item(id)->assignedTo, "desk");

  r = act(*b, "answer", id);
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(item(id)->state, Handling::kAnswered);
  ASSERT_TRUE(item(id)->answeredAt);
  EXPECT_EQ(item(id)->answeredBy, "desk");

  // Closing needs a note: a blank one changes nothing.
  r = act(*b, "close", id, {{"note", "   \n "}});
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(contains(r->body, "Write a closing note"));
  EXPECT_EQ(item(id)->state, Handling::kAnswered);
  r = act(*b, "close", id, {{"note", "Lamp replaced by housekeeping at 15:10"}});
  EXPECT_EQ(r->status, 303);
  EXPECT_EQ(item(id)->state, Handling::kClosed);
  EXPECT_EQ(item(id)->note, "Lamp replaced by housekeeping at 15:10");
  EXPECT_EQ(item(id)->closedBy, "desk");
  EXPECT_FALSE(contains(queue(*b), "data-feedback=\"" + id + "\""));
  EXPECT_TRUE(contains(queue(*b, "closed"), "Lamp replaced by housekeeping"));
  r = act(*b, "answer", id);
  EXPECT_EQ(r->status, 409) << "a closed request stays closed";

  const auto assigns = auditOf("feedback_assign");
  ASSERT_EQ(assigns.size(), 2u);
  EXPECT_EQ(assigns[0].account, "desk");
  EXPECT_EQ(assigns[0].target, id);
  EXPECT_EQ(assigns[0].detail, "- -> chief");
  EXPECT_EQ(assigns[1].detail, "chief -> desk");
  ASSERT_EQ(auditOf("feedback_answer").size(), 1u);
  EXPECT_EQ(auditOf("feedback_answer")[0].detail, "in time");
  const auto closes = auditOf("feedback_close");
  ASSERT_EQ(closes.size(), 1u);
  EXPECT_EQ(closes[0].account, "desk");
  EXPECT_EQ(closes[0].eventId, central->event().id);
  EXPECT_EQ(closes[0].detail, "Lamp replaced by housekeeping at 15:10");
}

TEST_F(ConsoleFeedbackTest, EveryFeedbackPostWithoutTheCsrfTokenOrFromAnotherSiteIsRefused) {
  const auto id = report(FeedbackKind::kComplaint, "transport", "The shuttle never came");
  auto b = signedIn("desk");
  const auto csrf = ConsoleClient::csrfOf(queue(*b));
  const auto event = std::to_string(central->event().id);
  for (const auto* action : {"assign", "answer", "close"}) {
    const std::map<std::string, std::string> fields{
        {"id", id}, {"event", event}, {"to", "desk"}, {"note", "done"}};
    auto noToken = b->post(std::string("/console/feedback/") + action, fields);
    ASSERT_TRUE(noToken);
    EXPECT_EQ(noToken->status, 403) << action;
    auto withToken = fields;
    withToken.emplace("csrf", csrf);
    auto crossSite = b->post(std::string("/console/feedback/") + action, withToken,
                             std::string("https://evil.example"));
    EXPECT_EQ(crossSite->status, 403) << action;
  }
  EXPECT_EQ(kiosk::testing::rowsOf(*central, "console_feedback"), 0);
  EXPECT_EQ(auditOf("csrf_refused").size(), 6u);
  EXPECT_EQ(item(id)->state, Handling::kOpen);
}

TEST_F(ConsoleFeedbackTest, AnotherEventsRequestIsNotFound) {
  // A second event with a complaint of its own (its terminal's push is not the point here).
  const EventId otherEvent = central->event().id + 1;
  {
    auto store = central->open();
    Event e;
    e.id = otherEvent;
    e.name = "Other Summit";
    const auto now = SystemClock().now();
    e.startsAt = now - std::chrono::hours(1);
    e.endsAt = now + std::chrono::hours(24);
    ASSERT_TRUE(store->createEvent(e, generateSigningKey(e.id, 1, now), "", now));
    store->database()
        .prepare(
            "INSERT INTO feedback (id, event_id, guest_id, terminal, device_id, at, kind, "
            "rating, category, text, received_at) VALUES ('other-1', ?1, NULL, 'other-lobby', "
            "'d', ?2, 'complaint', NULL, 'room', 'Secret words', ?2)")
        .bind(1, static_cast<std::int64_t>(otherEvent))
        .bind(2, toUnixMillis(now))
        .run();
  }
  auto b = signedIn("desk");
  for (const auto* action : {"assign", "answer", "close"}) {
    auto r = act(*b, action, "other-1", {{"to", "desk"}, {"note", "done"}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << action;
  }
  // Nor by naming the other event in the URL.
  auto page = b->get("/console/feedback?event=" + std::to_string(otherEvent));
  EXPECT_EQ(page->status, 404);
  EXPECT_FALSE(contains(page->body, "Secret words"));
  auto poll = b->get("/console/feedback.json?event=" + std::to_string(otherEvent) + "&since=0");
  EXPECT_EQ(poll->status, 404);
  EXPECT_EQ(kiosk::testing::rowsOf(*central, "console_feedback"), 0);
}

TEST_F(ConsoleFeedbackTest, ItSeesNoFeedbackAndCannotAct) {
  const auto id = report(FeedbackKind::kComplaint, "food", "Cold soup");
  auto it = signedIn("it-desk");
  auto arrivals = it->get("/console/arrivals");
  EXPECT_FALSE(contains(arrivals->body, "/console/feedback")) << "no link for IT";
  auto page = it->get("/console/feedback?event=" + std::to_string(central->event().id));
  EXPECT_EQ(page->status, 403);
  EXPECT_FALSE(contains(page->body, "Cold soup"));
  auto poll =
      it->get("/console/feedback.json?event=" + std::to_string(central->event().id) + "&since=0");
  EXPECT_EQ(poll->status, 403);
  EXPECT_FALSE(contains(poll->body, "Cold soup"));
  const auto csrf = ConsoleClient::csrfOf(arrivals->body);
  auto r = it->post("/console/feedback/answer",
                    {{"csrf", csrf}, {"id", id}, {"event", std::to_string(central->event().id)}});
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(item(id)->state, Handling::kOpen);
  EXPECT_FALSE(auditOf("forbidden").empty());
  // A supervisor may act.
  auto chief = signedIn("chief");
  EXPECT_EQ(act(*chief, "answer", id)->status, 303);
}

TEST_F(ConsoleFeedbackTest, TheDailySummaryCountsKindsCategoriesRatingsAndAnswerTimes) {
  const auto late = report(FeedbackKind::kComplaint, "room", "Noisy");
  const auto inTime = report(FeedbackKind::kRepair, "wifi", "No network");
  (void)report(FeedbackKind::kRepair, "wifi", "Still no network");
  (void)report(FeedbackKind::kRating, "", "", 5);
  (void)report(FeedbackKind::kRating, "", "", 2);
  // The day the requests arrived, in the event's zone (the fixture's event: Asia/Shanghai).
  const auto day = formatLocal(central->clock.now(), central->event().timezone, "yyyy-MM-dd");
  auto b = signedIn("desk");
  EXPECT_EQ(act(*b, "answer", inTime)->status, 303);
  central->clock.shift(std::chrono::minutes(150));
  b = signedIn("desk");  // the old session idled out
  EXPECT_EQ(act(*b, "close", late, {{"note", "Moved to a quieter room"}})->status, 303);
  auto r = b->get("/console/feedback/summary?event=" + std::to_string(central->event().id) +
                  "&day=" + day);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const auto& page = r->body;
  EXPECT_TRUE(contains(page, "data-kind=\"repair\">2<")) << page;
  EXPECT_TRUE(contains(page, "data-kind=\"complaint\">1<"));
  EXPECT_TRUE(contains(page, "data-kind=\"rating\">2<"));
  EXPECT_TRUE(contains(page, "data-in-time>1<"));
  EXPECT_TRUE(contains(page, "data-late>1<"));
  EXPECT_TRUE(contains(page, "data-open>1<"));
  EXPECT_TRUE(contains(page, "data-average>3.5<"));
  EXPECT_TRUE(contains(page, "in the event&#39;s time zone: Asia/Shanghai"));
  auto bad = b->get("/console/feedback/summary?event=" + std::to_string(central->event().id) +
                    "&day=2026-13-40");
  EXPECT_EQ(bad->status, 400);
  // A day with nothing in it.
  auto empty = b->get("/console/feedback/summary?event=" + std::to_string(central->event().id) +
                      "&day=2001-01-01");
  EXPECT_TRUE(contains(empty->body, "data-kind=\"repair\">0<"));

  // An event without a time zone: days in the server's zone, and the page says so.
  central->open()->database().exec(
      "UPDATE events SET doc = replace(doc, '\"timezone\":\"Asia/Shanghai\"', "
      "'\"timezone\":\"\"')");
  const auto serverDay =
      formatLocal(central->clock.now() - std::chrono::minutes(150), "", "yyyy-MM-dd");
  auto server = b->get("/console/feedback/summary?event=" + std::to_string(central->event().id) +
                       "&day=" + serverDay);
  ASSERT_EQ(server->status, 200);
  EXPECT_TRUE(contains(server->body, "the server&#39;s time zone")) << server->body;
  EXPECT_TRUE(contains(server->body, "data-kind=\"repair\">2<"));
}

}  // namespace
}  // namespace kiosk::central::console
