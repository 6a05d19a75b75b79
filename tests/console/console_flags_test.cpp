// The console's flags to resolve against the real kiosk-central over HTTPS on loopback: flags
// made by real terminals (a second admission from two offline terminals, a terminal whose clock
// runs an hour ahead, a re-sent record id with another document), listed by kind with a count
// in the supervisor's nav, compared side by side, resolved with a decision and a required note
// (a resolution row and an audit row), and shown under "resolved"; CSRF, roles and event scoping.
#include "central/console/console_flags.h"

#include <gtest/gtest.h>

#include "console/console_flags_support.h"
#include "console/console_test_support.h"

namespace kiosk::central::console {
namespace {

using kiosk::testing::CentralFixture;
using kiosk::testing::ConsoleClient;

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::size_t occurrences(const std::string& text, std::string_view part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++n;
  }
  return n;
}

class ConsoleFlagsTest : public kiosk::testing::ConsoleSuite {
 protected:
  void SetUp() override {
    central = std::make_unique<CentralFixture>(dir.path(), *pki, 6);
    central->start();
    kiosk::testing::addAccount(*central, "desk", Role::kReception, central->event().id);
    kiosk::testing::addAccount(*central, "chief", Role::kSupervisor, central->event().id);
    kiosk::testing::addAccount(*central, "it-desk", Role::kIt, central->event().id);
    made = kiosk::testing::makeFlags(*central, dir.path(), *pki);
  }

  std::string ev() const { return std::to_string(central->event().id); }

  std::string itemPath(std::string_view kind, const std::string& id) {
    return "/console/flags/item?event=" + ev() + "&kind=" + std::string(kind) + "&id=" + id;
  }

  httplib::Result resolve(ConsoleClient& b, std::string_view kind, const std::string& id,
                          std::map<std::string, std::string> fields) {
    auto page = b.get(itemPath(kind, id));
    EXPECT_TRUE(page);
    fields.emplace("csrf", ConsoleClient::csrfOf(page ? page->body : std::string()));
    fields.emplace("event", ev());
    fields.emplace("kind", std::string(kind));
    fields.emplace("id", id);
    return b.post("/console/flags/resolve", fields);
  }

  std::int64_t resolutions() {
    return kiosk::testing::rowsOf(*central, "console_flag_resolutions");
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

  kiosk::testing::MadeFlags made;
};

TEST_F(ConsoleFlagsTest, FlagsFromRealTerminalsAreListedComparedResolvedAndAudited) {
  // Central's own view: lobby-b's check-in is the second admission, lobby-c's is skewed.
  auto dups = central->open()->records().listDuplicates(central->event().id);
  ASSERT_TRUE(dups);
  ASSERT_EQ(dups->size(), 1u);
  EXPECT_EQ(dups->front().record.id, made.second);
  EXPECT_EQ(dups->front().admissionId, made.admission);

  auto chief = signedIn("chief");
  auto list = chief->get("/console/flags?event=" + ev());
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200) << list->body;
  // One open flag of each kind, and the count in the nav.
  EXPECT_TRUE(contains(list->body, "Second admission (1)")) << list->body;
  EXPECT_TRUE(contains(list->body, "Terminal clock skew (1)")) << list->body;
  EXPECT_TRUE(contains(list->body, "Record id conflict (1)")) << list->body;
  EXPECT_TRUE(contains(list->body, "Open (3)"));
  EXPECT_TRUE(contains(list->body, "Resolved (0)"));
  EXPECT_TRUE(contains(list->body, "<span class=\"count\">3</span>")) << list->body;
  EXPECT_TRUE(contains(list->body, "data-flag=\"" + made.second + "\""));
  EXPECT_TRUE(contains(list->body, "data-flag=\"" + made.skewed + "\""));
  EXPECT_TRUE(contains(list->body, "data-flag=\"" + made.conflictSeq + "\""));
  // Newest first: the conflict was received last.
  {
    auto store = central->open();
    auto all = FlagStore(store->database()).flags(central->event().id);
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 3u);
    EXPECT_EQ(all->front().kind, FlagKind::kConflict);
    EXPECT_GE(all->at(0).raisedAt, all->at(1).raisedAt);
    EXPECT_GE(all->at(1).raisedAt, all->at(2).raisedAt);
  }

  // The second admission side by side with the admission that counts: the terminals and
  // devices differ (said in words), the guest is the same.
  auto second = chief->get(itemPath("second", made.second));
  ASSERT_TRUE(second);
  ASSERT_EQ(second->status, 200) << second->body;
  EXPECT_TRUE(contains(second->body, made.second));
  EXPECT_TRUE(contains(second->body, made.admission));
  EXPECT_TRUE(contains(second->body, "lobby-a"));
  EXPECT_TRUE(contains(second->body, "lobby-b"));
  EXPECT_TRUE(contains(second->body, central->guests()[0].name));
  EXPECT_GE(occurrences(second->body, "<strong class=\"mark\">differs</strong>"), 3u)
      << "id, terminal, device differ";
  EXPECT_TRUE(contains(second->body, "Both are right: a re-entry"));
  EXPECT_TRUE(contains(second->body, "The second is wrong: it was undone at the desk"));

  // The skewed record: its scan time an hour after central received it.
  auto skewed = chief->get(itemPath("skewed", made.skewed));
  ASSERT_TRUE(skewed);
  ASSERT_EQ(skewed->status, 200) << skewed->body;
  EXPECT_TRUE(contains(skewed->body, "time not plausible"));
  EXPECT_TRUE(
      contains(skewed->body,
               "The terminal&#39;s scan time is 60 min ahead of the time central received it."))
      << skewed->body;
  EXPECT_TRUE(contains(skewed->body, "Terminal clock wrong"));
  EXPECT_TRUE(contains(skewed->body, "The guest has no other check-in in force."));

  // The conflict: the refused document names another guest than the stored one.
  auto conflict = chief->get(itemPath("conflict", made.conflictSeq));
  ASSERT_TRUE(conflict);
  ASSERT_EQ(conflict->status, 200) << conflict->body;
  EXPECT_TRUE(contains(conflict->body, central->guests()[2].name));
  EXPECT_TRUE(contains(conflict->body, central->guests()[3].name));
  EXPECT_TRUE(contains(conflict->body, "The stored record stands"));
  EXPECT_TRUE(contains(conflict->body, "the id already names another check-in (checkin)"));
  EXPECT_TRUE(contains(conflict->body,
                       "<tr class=\"differs\"><th scope=\"row\"><code>guest_id</code></th><td>" +
                           std::to_string(central->guests()[3].id) + "</td><td>" +
                           std::to_string(central->guests()[2].id) +
                           "</td><td><strong class=\"mark\">"))
      << conflict->body;

  // A decision needs a known decision and a note; neither refusal writes anything.
  auto noNote = resolve(*chief, "second", made.second, {{"decision", "reentry"}, {"note", "  "}});
  ASSERT_TRUE(noNote);
  EXPECT_EQ(noNote->status, 400);
  EXPECT_TRUE(contains(noNote->body, "Write a note"));
  auto badDecision =
      resolve(*chief, "second", made.second, {{"decision", "clock_wrong"}, {"note", "x"}});
  ASSERT_TRUE(badDecision);
  EXPECT_EQ(badDecision->status, 400);
  EXPECT_TRUE(contains(badDecision->body, "x</textarea>")) << "the note typed is kept";
  EXPECT_EQ(resolutions(), 0);
  EXPECT_TRUE(auditOf("flag_resolve").empty());

  const std::string note = "Guest left for lunch and came back <b>at lobby-b</b>";
  auto done = resolve(*chief, "second", made.second, {{"decision", "reentry"}, {"note", note}});
  ASSERT_TRUE(done);
  EXPECT_EQ(done->status, 303) << done->body;
  EXPECT_EQ(done->get_header_value("Location"), "/console/flags?event=" + ev() + "&done=resolved");

  // Its own row, and the console's audit row with the account.
  {
    auto store = central->open();
    auto s = store->database().prepare(
        "SELECT event_id, kind, flag_id, record_id, decision, note, account, at FROM "
        "console_flag_resolutions");
    ASSERT_TRUE(s.step());
    EXPECT_EQ(s.columnInt(0), static_cast<std::int64_t>(central->event().id));
    EXPECT_EQ(s.columnText(1), "second");
    EXPECT_EQ(s.columnText(2), made.second);
    EXPECT_EQ(s.columnText(3), made.second);
    EXPECT_EQ(s.columnText(4), "reentry");
    EXPECT_EQ(s.columnText(5), note);
    EXPECT_EQ(s.columnText(6), "chief");
    EXPECT_GT(s.columnInt(7), 0);
    EXPECT_FALSE(s.step());
  }
  auto audited = auditOf("flag_resolve");
  ASSERT_EQ(audited.size(), 1u);
  EXPECT_EQ(audited[0].account, "chief");
  EXPECT_EQ(audited[0].eventId, central->event().id);
  EXPECT_EQ(audited[0].target, "second:" + made.second);
  EXPECT_EQ(audited[0].detail, "reentry: " + note);

  // It left the open list and shows under "resolved" with who, the decision and the note.
  list = chief->get("/console/flags?event=" + ev() + "&done=resolved");
  ASSERT_TRUE(list);
  EXPECT_TRUE(contains(list->body, "The decision is recorded."));
  EXPECT_TRUE(contains(list->body, "Second admission (0)"));
  EXPECT_TRUE(contains(list->body, "Open (2)"));
  EXPECT_TRUE(contains(list->body, "Resolved (1)"));
  EXPECT_TRUE(contains(list->body, "<span class=\"count\">2</span>"));
  const auto resolvedAt = list->body.find("id=\"resolved\"");
  ASSERT_NE(resolvedAt, std::string::npos);
  const auto resolvedPart = list->body.substr(resolvedAt);
  EXPECT_TRUE(contains(resolvedPart, "Both are right: a re-entry"));
  EXPECT_TRUE(contains(resolvedPart, "Guest left for lunch and came back &lt;b&gt;at lobby-b"));
  EXPECT_TRUE(contains(resolvedPart, "<td>chief</td>"));

  // The first decision stands: a second one is refused (409) and writes nothing.
  auto twice =
      resolve(*chief, "second", made.second, {{"decision", "undone_at_desk"}, {"note", "y"}});
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->status, 409);
  EXPECT_EQ(resolutions(), 1);
  EXPECT_EQ(auditOf("flag_resolve").size(), 1u);

  // The decision is the desk's record only: central's flag and the terminals' feed are as they
  // were.
  dups = central->open()->records().listDuplicates(central->event().id);
  ASSERT_TRUE(dups);
  EXPECT_EQ(dups->size(), 1u);

  // The other kinds resolve too.
  auto clock = resolve(*chief, "skewed", made.skewed,
                       {{"decision", "clock_wrong"}, {"note", "lobby-c clock set an hour ahead"}});
  ASSERT_TRUE(clock);
  EXPECT_EQ(clock->status, 303);
  auto stands = resolve(*chief, "conflict", made.conflictSeq,
                        {{"decision", "stored_stands"}, {"note", "terminal database restored"}});
  ASSERT_TRUE(stands);
  EXPECT_EQ(stands->status, 303);
  EXPECT_EQ(resolutions(), 3);
  list = chief->get("/console/arrivals?event=" + ev());
  ASSERT_TRUE(list);
  EXPECT_TRUE(contains(list->body, "<span class=\"count\">0</span>")) << "every page's nav";
}

TEST_F(ConsoleFlagsTest, ReceptionAndItGet403AndNoLink) {
  for (const std::string account : {"desk", "it-desk"}) {
    auto b = signedIn(account);
    auto home = b->get("/console/arrivals?event=" + ev());
    ASSERT_TRUE(home);
    ASSERT_EQ(home->status, 200);
    EXPECT_FALSE(contains(home->body, "/console/flags")) << account;
    for (const auto& path : {"/console/flags?event=" + ev(), itemPath("second", made.second)}) {
      auto r = b->get(path);
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 403) << account << " " << path;
      EXPECT_FALSE(contains(r->body, made.second));
    }
    auto r = b->post("/console/flags/resolve", {{"csrf", ConsoleClient::csrfOf(home->body)},
                                                {"event", ev()},
                                                {"kind", "second"},
                                                {"id", made.second},
                                                {"decision", "reentry"},
                                                {"note", "not mine to say"}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << account;
  }
  EXPECT_EQ(resolutions(), 0);
  EXPECT_EQ(auditOf("forbidden").size(), 6u);
  // The supervisor's nav has the link.
  auto chief = signedIn("chief");
  auto home = chief->get("/console/arrivals?event=" + ev());
  ASSERT_TRUE(home);
  EXPECT_TRUE(contains(home->body, "href=\"/console/flags?event=" + ev() + "\""));
}

TEST_F(ConsoleFlagsTest, ResolvingWithoutTheCsrfTokenOrFromAnotherSiteIsRefused) {
  auto chief = signedIn("chief");
  const std::map<std::string, std::string> fields{{"event", ev()},
                                                  {"kind", "second"},
                                                  {"id", made.second},
                                                  {"decision", "reentry"},
                                                  {"note", "forged"}};
  auto noToken = chief->post("/console/flags/resolve", fields);
  ASSERT_TRUE(noToken);
  EXPECT_EQ(noToken->status, 403);
  auto withToken = fields;
  auto page = chief->get(itemPath("second", made.second));
  ASSERT_TRUE(page);
  withToken["csrf"] = ConsoleClient::csrfOf(page->body);
  auto otherSite = chief->post("/console/flags/resolve", withToken, "https://evil.example");
  ASSERT_TRUE(otherSite);
  EXPECT_EQ(otherSite->status, 403);
  withToken["csrf"] = std::string(64, 'a');
  auto wrongToken = chief->post("/console/flags/resolve", withToken);
  ASSERT_TRUE(wrongToken);
  EXPECT_EQ(wrongToken->status, 403);
  EXPECT_EQ(resolutions(), 0);
  EXPECT_EQ(auditOf("csrf_refused").size(), 3u);
  EXPECT_TRUE(auditOf("flag_resolve").empty());
}

TEST_F(ConsoleFlagsTest, AnotherEventsFlagIsNotFound) {
  // A supervisor of another event: neither this event's list nor its flags, by any path.
  auto store = central->open();
  const auto now = SystemClock().now();
  Event other;
  other.id = central->event().id + 1;
  other.name = "Other Summit";
  other.startsAt = now - std::chrono::hours(1);
  other.endsAt = now + std::chrono::hours(24);
  ASSERT_TRUE(store->createEvent(other, generateSigningKey(other.id, 1, now), "", now));
  kiosk::testing::addAccount(*central, "chief-b", Role::kSupervisor, other.id);
  auto b = signedIn("chief-b");
  auto own = b->get("/console/flags?event=" + std::to_string(other.id));
  ASSERT_TRUE(own);
  ASSERT_EQ(own->status, 200);
  EXPECT_TRUE(contains(own->body, "Open (0)"));
  EXPECT_FALSE(contains(own->body, made.second));
  for (const auto& path :
       {"/console/flags?event=" + ev(), itemPath("second", made.second),
        "/console/flags/item?event=" + std::to_string(other.id) + "&kind=second&id=" + made.second,
        "/console/flags/item?event=" + std::to_string(other.id) +
            "&kind=conflict&id=" + made.conflictSeq,
        "/console/flags/item?event=" + std::to_string(other.id) + "&kind=bogus&id=1"}) {
    auto r = b->get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_FALSE(contains(r->body, central->guests()[0].name)) << path;
  }
  auto r = b->post("/console/flags/resolve", {{"csrf", ConsoleClient::csrfOf(own->body)},
                                              {"event", std::to_string(other.id)},
                                              {"kind", "second"},
                                              {"id", made.second},
                                              {"decision", "reentry"},
                                              {"note", "not my event"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(resolutions(), 0);
}

}  // namespace
}  // namespace kiosk::central::console
