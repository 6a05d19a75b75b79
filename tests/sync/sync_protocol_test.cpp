// The wire vocabulary both sides share: every message survives a round trip, and what a
// terminal receives is parsed strictly (a truncated or malformed page is refused whole).
#include "offline-cache/sync_protocol.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "offline-cache/http_client.h"
#include "offline-cache/sync_backoff.h"

namespace kiosk::cache {
namespace {

TimePoint at(std::int64_t ms) {
  return fromUnixMillis(ms);
}

TEST(SyncProtocol, PushRoutesCoverEveryOutboxKindInDependencyOrder) {
  std::vector<std::string> kinds;
  for (const auto& r : api::pushRoutes()) {
    kinds.emplace_back(r.kind);
    EXPECT_EQ(api::pushRouteForKind(r.kind), &r);
    EXPECT_EQ(api::pushRouteForPath(r.path), &r);
    EXPECT_EQ(r.path.substr(0, 4), "/v1/");
  }
  // Walk-ins before check-ins (a later check-in of a walk-in guest), check-ins before undos.
  EXPECT_EQ(kinds, (std::vector<std::string>{"walk_in", "checkin", "undo", "guest_edit",
                                             "rejection", "arrival_notice", "feedback", "audit"}));
  EXPECT_EQ(api::pushRouteForKind("print_job"), nullptr);
}

TEST(SyncProtocol, ProblemDocumentsRoundTripAndGarbageIsNotAProblem) {
  api::Problem p{std::string(api::kProblemDeviceRevoked), "Device revoked", 401, "withdrawn",
                 std::nullopt};
  const auto parsed = api::parseProblem(api::problemBody(p));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->type, api::kProblemDeviceRevoked);
  EXPECT_EQ(parsed->status, 401);
  EXPECT_EQ(parsed->detail, "withdrawn");
  EXPECT_FALSE(parsed->serverTime);  // optional for the reader: older centrals omit it
  p.serverTime = fromUnixMillis(1'795'000'000'123);
  EXPECT_NE(api::problemBody(p).find("\"server_time\":\"2026-"), std::string::npos);
  EXPECT_EQ(api::parseProblem(api::problemBody(p))->serverTime, p.serverTime);
  EXPECT_FALSE(api::parseProblem("<html>502</html>"));
  EXPECT_FALSE(api::parseProblem("{\"title\":\"no type\"}"));
  EXPECT_FALSE(api::parseProblem(""));
}

TEST(SyncProtocol, PushResultsParseStrictly) {
  const auto results = api::parsePushResults(
      R"({"results":[{"id":"a","status":"accepted"},{"id":"b","status":"accepted","flagged":true},
          {"id":"c","status":"rejected","detail":"wrong event"}],"server_time":"2026-01-01T00:00:00Z"})");
  ASSERT_EQ(results.size(), 3u);
  EXPECT_FALSE(results[0].flagged);
  EXPECT_TRUE(results[1].flagged);
  EXPECT_EQ(results[2].status, api::ItemStatus::kRejected);
  EXPECT_EQ(results[2].detail, "wrong event");
  EXPECT_ANY_THROW(api::parsePushResults(R"({"results":[{"id":"a","status":"maybe"}]})"));
  EXPECT_ANY_THROW(api::parsePushResults(R"({"results":[{"id":"a","sta)"));
  EXPECT_ANY_THROW(api::parsePushResults(R"({"accepted":1})"));
}

TEST(SyncProtocol, RecordsRoundTrip) {
  api::UndoRecord u{"c-1", 7, 9, at(1000), "s07", "wrong guest", "lobby-1"};
  const auto u2 = api::undoFromJson(toJson(u));
  EXPECT_EQ(u2.checkinId, "c-1");
  EXPECT_EQ(u2.undoneAt, at(1000));
  EXPECT_EQ(u2.reason, "wrong guest");

  api::ArrivalNotice n{"n-1", "c-1", 7, 9, "Chen Jing", "chen@example.org", "lobby-1", at(5)};
  const auto n2 = api::arrivalNoticeFromJson(toJson(n));
  EXPECT_EQ(n2.hostContact, "chen@example.org");
  EXPECT_EQ(n2.arrivedAt, at(5));

  Feedback f;
  f.id = "f-1";
  f.eventId = 7;
  f.guestId = 9;
  f.terminal = "lobby-1";
  f.at = at(77);
  f.kind = FeedbackKind::kRepair;
  f.category = "room";
  f.text = "shower";
  const auto f2 = api::feedbackFromJson(api::toJson(f));
  EXPECT_EQ(f2.kind, FeedbackKind::kRepair);
  EXPECT_EQ(f2.guestId, 9u);
  EXPECT_FALSE(f2.rating);
  f.kind = FeedbackKind::kRating;
  f.rating = 6;
  EXPECT_ANY_THROW(api::feedbackFromJson(api::toJson(f)));

  StaffMember m;
  m.id = "s07";
  m.name = "Li Na";
  m.role = "supervisor";
  m.pinHash = "$argon2id$...";
  m.active = false;
  m.language = "zh-CN";
  const auto m2 = api::staffFromJson(api::toJson(m));
  EXPECT_EQ(m2.role, "supervisor");
  EXPECT_FALSE(m2.active);
  EXPECT_EQ(m2.pinHash, m.pinHash);
  EXPECT_EQ(m2.language, "zh-CN");
  // From a server older than staff languages: no field, the terminal's default.
  auto old = api::toJson(m);
  old.erase("language");
  EXPECT_EQ(api::staffFromJson(old).language, "");

  api::Heartbeat h;
  h.version = "0.1.0";
  h.terminalTime = at(123456);
  h.printer = {"no_media", "load labels"};
  h.queueDepth = 12;
  h.diskFreeBytes = 1ULL << 40;
  const auto h2 = api::heartbeatFromJson(toJson(h));
  EXPECT_EQ(h2.printer, h.printer);
  EXPECT_EQ(h2.camera.state, "unknown");
  EXPECT_EQ(h2.queueDepth, 12u);
  EXPECT_EQ(h2.diskFreeBytes, 1ULL << 40);
  EXPECT_FALSE(h2.lastSyncAt);
  EXPECT_EQ(h2.update.state, "idle");
  h.osVersion = "41";
  h.update = {"failed", "42", "did not come up healthy; back on 41"};
  const auto h3 = api::heartbeatFromJson(toJson(h));
  EXPECT_EQ(h3.osVersion, "41");
  EXPECT_EQ(h3.update, h.update);
}

TEST(SyncProtocol, AnOsUpdateOfferedIsHttpsWithAHashAndASize) {
  const api::OsUpdate offer{"42", "https://central.example/kiosk.raucb", std::string(64, 'a'), 9};
  api::HeartbeatAnswer answer;
  answer.update = offer;
  auto j = api::toJson(answer, at(1));
  EXPECT_EQ(api::heartbeatAnswerFromJson(j).update, offer);
  EXPECT_FALSE(api::heartbeatAnswerFromJson(api::toJson(api::HeartbeatAnswer{}, at(1))).update);
  // An answer offering anything else is a bad answer: nothing of it is taken.
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, Json>>{{"url", "http://central.example/kiosk.raucb"},
                                                 {"url", "file:///etc/passwd"},
                                                 {"sha256", std::string(64, 'A')},
                                                 {"sha256", "abc"},
                                                 {"size", 0},
                                                 {"version", ""},
                                                 {"version", "4 2"}}) {
    auto bad = j;
    bad["update"][field] = value;
    EXPECT_THROW(api::heartbeatAnswerFromJson(bad), std::invalid_argument) << field << " " << value;
  }
}

TEST(SyncProtocol, ChangesPageParsesEveryKindAndDropsSecretKeys) {
  Event e;
  e.id = 42;
  e.name = "Forum";
  e.startsAt = at(0);
  e.endsAt = at(1000);
  Guest g;
  g.eventId = 42;
  g.id = 3;
  g.bookingCode = "ABC-123";
  g.name = "张伟";
  Guest yoshino = g;
  yoshino.id = 4;
  yoshino.bookingCode = "JP-0001";
  yoshino.name = "吉野 太郎";
  yoshino.nameReading = "よしの たろう";
  CheckinRecord c;
  c.id = "c-9";
  c.eventId = 42;
  c.guestId = 3;
  c.terminal = "A";
  c.scannedAt = at(500);
  auto key = generateSigningKey(42, 1, at(0));
  Json page{{"cursor", "db:17"},
            {"has_more", true},
            {"server_time", "2026-11-24T08:00:00.000Z"},
            {"events", Json::array({toJson(e)})},
            {"guests", Json::array({toJson(g), toJson(yoshino)})},
            {"signing_keys", Json::array({toJson(key, true)})},
            {"revocations", Json::array({toJson(api::Revocation{42, "00ff", "lost", at(9), 7})})},
            {"staff",
             Json::array({api::toJson(StaffMember{"s1", "Wang", "reception", "", "", true, ""})})},
            {"badge_templates", Json::array({toJson(api::BadgeTemplate{"vip", "a=1", at(3)})})},
            {"checkins", Json::array({toJson(api::SyncedCheckin{c, true})})}};
  const auto p = api::parseChangesPage(dump(page));
  EXPECT_EQ(p.cursor, "db:17");
  EXPECT_TRUE(p.hasMore);
  ASSERT_TRUE(p.serverTime);
  EXPECT_EQ(p.size(), 8u);
  EXPECT_EQ(p.guests.at(0).name, "张伟");
  // The reading a search needs reaches the terminal; an empty one is not sent.
  EXPECT_EQ(p.guests.at(1).nameReading, "よしの たろう");
  EXPECT_EQ(p.guests.at(0).nameReading, "");
  EXPECT_FALSE(toJson(g).contains("name_reading"));
  EXPECT_FALSE(p.signingKeys.at(0).secretKey);
  EXPECT_EQ(p.signingKeys.at(0).publicKey, key.publicKey);
  EXPECT_FALSE(p.signingKeys.at(0).retiredAt);
  EXPECT_EQ(p.revocations.at(0).guestId, 7u);
  EXPECT_TRUE(p.checkins.at(0).flagged);
  EXPECT_EQ(p.checkins.at(0).record.terminal, "A");
  EXPECT_EQ(p.badgeTemplates.at(0).toml, "a=1");

  // Absent arrays are empty; a truncated page or a wrong type is refused whole.
  const auto empty = api::parseChangesPage(R"({"cursor":"db:17","has_more":false})");
  EXPECT_EQ(empty.size(), 0u);
  const auto text = dump(page);
  EXPECT_ANY_THROW(api::parseChangesPage(text.substr(0, text.size() / 2)));
  EXPECT_ANY_THROW(api::parseChangesPage(R"({"cursor":"x","has_more":false,"guests":{}})"));
  EXPECT_ANY_THROW(api::parseChangesPage(R"({"has_more":false})"));
  EXPECT_ANY_THROW(api::parseChangesPage("<html></html>"));
}

TEST(SyncProtocol, EnrollmentRoundTripsAndNeedsAToken) {
  api::Enrollment e;
  e.deviceId = "d-1";
  e.terminal = "lobby-1";
  e.token = "secret";
  e.tokenExpiresAt = at(1'000'000);
  e.event.id = 5;
  e.event.name = "Forum";
  e.serverTime = at(10);
  const auto e2 = api::enrollmentFromJson(toJson(e));
  EXPECT_EQ(e2.token, "secret");
  EXPECT_EQ(e2.event.id, 5u);
  e.token.clear();
  EXPECT_ANY_THROW(api::enrollmentFromJson(toJson(e)));
}

TEST(SyncBackoff, GrowsToTheCapWithJitterInTheUpperHalf) {
  SyncBackoff b(Millis(100), Millis(1600), 7);
  const std::int64_t expectedFull[] = {100, 200, 400, 800, 1600, 1600, 1600};
  for (auto full : expectedFull) {
    const auto d = b.nextDelay().count();
    EXPECT_GE(d, full / 2);
    EXPECT_LE(d, full);
  }
  EXPECT_EQ(b.failures(), 7);
  b.reset();
  EXPECT_LE(b.nextDelay().count(), 100);
}

TEST(SyncBackoff, JitterSpreadsTerminalsApart) {
  std::set<std::int64_t> delays;
  for (std::uint32_t seed = 1; seed <= 20; ++seed) {
    SyncBackoff b(Millis(1000), Millis(30000), seed);
    for (int i = 0; i < 4; ++i) {
      (void)b.nextDelay();
    }
    delays.insert(b.nextDelay().count());
  }
  EXPECT_GT(delays.size(), 10u);
}

TEST(SyncBackoff, RetryAfterIsHonouredAndNeverShortened) {
  SyncBackoff b(Millis(50), Millis(400), 1);
  const auto d = b.nextDelayAtLeast(Millis(3000));
  EXPECT_GE(d.count(), 3000);
  EXPECT_LE(d.count(), 3300);
}

TEST(SyncBackoff, ParsesRetryAfter) {
  const auto now = *parseIso8601("2026-10-21T07:28:00Z");
  EXPECT_EQ(parseRetryAfter("120", now), Millis(120000));
  EXPECT_EQ(parseRetryAfter(" 0 ", now), Millis(0));
  EXPECT_EQ(parseRetryAfter("99999999", now), Millis(86400000));
  EXPECT_EQ(parseRetryAfter("Wed, 21 Oct 2026 07:28:30 GMT", now), Millis(30000));
  EXPECT_EQ(parseRetryAfter("Wed, 21 Oct 2026 07:27:00 GMT", now), Millis(0));
  EXPECT_FALSE(parseRetryAfter("", now));
  EXPECT_FALSE(parseRetryAfter("-5", now));
  EXPECT_FALSE(parseRetryAfter("soon", now));
  EXPECT_FALSE(parseRetryAfter("12abc", now));
}

TEST(HttpClient, UrlEncodeKeepsUnreservedOnly) {
  EXPECT_EQ(urlEncode("AbZ09-_.~"), "AbZ09-_.~");
  EXPECT_EQ(urlEncode("db:17 &x=/"), "db%3A17%20%26x%3D%2F");
}

}  // namespace
}  // namespace kiosk::cache
