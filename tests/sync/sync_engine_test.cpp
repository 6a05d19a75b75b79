// Terminals' sync engines against a real kiosk-central over TLS on loopback, each terminal
// with its own database file and engine thread: enrollment, the first pull, pushes within
// 2 s of a check-in, a check-in at A known at B, offline double admissions flagged,
// undos, walk-ins, refusals and feedback, heartbeats, photos, revocation, expired tokens,
// clock skew, and the `kiosk enroll` / `kiosk sync --once` commands.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "central/os_update.h"
#include "central/terminal_settings.h"
#include "sync/sync_test_support.h"

namespace kiosk::cache {
namespace {

using kiosk::testing::CentralFixture;
using kiosk::testing::Pki;
using kiosk::testing::runCommand;
using kiosk::testing::TempDir;
using kiosk::testing::TestTerminal;
using kiosk::testing::waitFor;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

class SyncEngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pkiDir = new TempDir();
    pki = new Pki(kiosk::testing::makePki(pkiDir->path()));
  }
  static void TearDownTestSuite() {
    delete pki;
    delete pkiDir;
  }

  void startCentral(int guests = 20, int withHostEvery = 0, central::ServerOptions options = {}) {
    central = std::make_unique<CentralFixture>(dir.path(), *pki, guests, withHostEvery);
    central->start(options);
  }

  std::unique_ptr<TestTerminal> terminal(const std::string& name, bool enroll = true) {
    auto t = std::make_unique<TestTerminal>(dir.path(), name, central->url(), *pki);
    if (enroll) {
      t->enrollOrFail(*central);
    }
    return t;
  }

  EventId eventId() const { return central->event().id; }
  GuestId guest(int index) const {
    return central->guests().at(static_cast<std::size_t>(index)).id;
  }

  std::vector<central::CentralCheckin> centralCheckins() {
    auto list = central->open()->records().listCheckins(eventId());
    return list ? *list : std::vector<central::CentralCheckin>{};
  }

  static TempDir* pkiDir;
  static Pki* pki;
  TempDir dir;
  std::unique_ptr<CentralFixture> central;
};

TempDir* SyncEngineTest::pkiDir = nullptr;
Pki* SyncEngineTest::pki = nullptr;

TEST_F(SyncEngineTest, EnrollmentThenTheFirstPullBringsTheWholeRoster) {
  startCentral(250);
  auto a = terminal("A");
  a->options.pageSize = 40;  // several pages
  auto report = a->engine().runOnce();
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_FALSE(report->error) << report->error->message;
  EXPECT_TRUE(report->reachedServer);
  EXPECT_EQ(report->pulled.guests, 250u);
  EXPECT_GE(report->pages, 7u);
  EXPECT_TRUE(report->heartbeatSent);
  EXPECT_EQ(*a->store().guestCount(eventId()), 250u);
  EXPECT_TRUE(*a->store().findSigningKey(eventId(), 1));
  const auto status = a->engine().status();
  EXPECT_EQ(status.state, SyncState::kOnline);
  EXPECT_TRUE(status.lastSuccessAt);
  ASSERT_TRUE(status.serverClockOffset);
  EXPECT_LT(std::abs(status.serverClockOffset->count()), 2000);

  // The roster is usable: a guest code issued at central checks in offline at the terminal.
  auto decision = a->checkIn(eventId(), central->tokenFor(guest(7)));
  ASSERT_TRUE(decision) << decision.error().message;
  EXPECT_EQ(decision->outcome, ScanOutcome::kAccepted) << decision->detail;

  // Nothing new: the next pull is one small page.
  auto idle = a->engine().runOnce();
  ASSERT_TRUE(idle);
  EXPECT_EQ(idle->pushed, 1u);
  EXPECT_EQ(idle->pulled.guests, 0u);
  EXPECT_EQ(idle->pages, 1u);
}

TEST_F(SyncEngineTest, ACheckinReachesCentralWithinTwoSecondsOfItsCommit) {
  startCentral();
  auto a = terminal("A");
  a->options.pollInterval = seconds(60);  // only the wake-up can explain a fast push
  ASSERT_TRUE(a->engine().runOnce());
  a->start();
  ASSERT_TRUE(waitFor([&] { return a->engine().status().state == SyncState::kOnline; }));
  const auto committed = std::chrono::steady_clock::now();
  auto d = a->checkIn(eventId(), central->tokenFor(guest(0)));
  ASSERT_TRUE(d && d->accepted());
  ASSERT_TRUE(waitFor([&] { return central->count("checkins") == 1; }, seconds(5)));
  const auto took = std::chrono::steady_clock::now() - committed;
  EXPECT_LT(took, seconds(2));
  ASSERT_TRUE(waitFor([&] { return a->outbox() == 0; }, seconds(5)));
  const auto list = centralCheckins();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].record.id, d->checkin->id);
  EXPECT_EQ(list[0].record.scannedAt, d->checkin->scannedAt);
  EXPECT_EQ(list[0].record.terminal, "A");
}

TEST_F(SyncEngineTest, AGuestCheckedInAtAIsToldAlreadyCheckedInAtBTenSecondsLater) {
  startCentral();
  auto a = terminal("A");
  auto b = terminal("B");
  // Production timing: the 5 s poll interval.
  a->options.pollInterval = seconds(5);
  b->options.pollInterval = seconds(5);
  a->start();
  b->start();
  ASSERT_TRUE(waitFor([&] {
    return *a->store().guestCount(eventId()) == 20 && *b->store().guestCount(eventId()) == 20;
  }));
  const auto code = central->tokenFor(guest(3));
  const auto at = std::chrono::steady_clock::now();
  auto first = a->checkIn(eventId(), code);
  ASSERT_TRUE(first && first->accepted());
  // Ten seconds later the guest's code is scanned at B.
  ASSERT_TRUE(waitFor(
      [&] {
        auto active = b->store().findActiveCheckin(eventId(), guest(3));
        return active && *active;
      },
      seconds(10)));
  EXPECT_LE(std::chrono::steady_clock::now() - at, seconds(10));
  auto second = b->service(eventId()).evaluate(code, ScanSource::kCamera);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->outcome, ScanOutcome::kAlreadyCheckedIn);
  ASSERT_TRUE(second->previous);
  EXPECT_EQ(second->previous->terminal, "A");
  EXPECT_EQ(second->previous->id, first->checkin->id);
}

TEST_F(SyncEngineTest, ThreeTerminalsOfflineAdmitTheSameGuestAndCentralFlagsTheLaterOnes) {
  startCentral();
  auto a = terminal("A");
  auto b = terminal("B");
  auto c = terminal("C");
  for (auto* t : {a.get(), b.get(), c.get()}) {
    ASSERT_TRUE(t->engine().runOnce());
  }
  // No engine running: each terminal admits guest 5 on its own (offline facts), plus one
  // guest nobody else sees.
  const auto code = central->tokenFor(guest(5));
  std::vector<std::string> ids;
  int other = 10;
  // Distinct scan times, A first: B's and C's clocks run a second and two ahead.
  b->clock().shift(milliseconds(1000));
  c->clock().shift(milliseconds(2000));
  for (auto* t : {a.get(), b.get(), c.get()}) {
    auto d = t->checkIn(eventId(), code);
    ASSERT_TRUE(d && d->accepted());
    ids.push_back(d->checkin->id);
    ASSERT_TRUE(t->checkIn(eventId(), central->tokenFor(guest(other++))));
  }
  // Back online, all at once.
  for (auto* t : {c.get(), b.get(), a.get()}) {
    t->start();
  }
  ASSERT_TRUE(waitFor([&] { return a->outbox() + b->outbox() + c->outbox() == 0; }));
  ASSERT_TRUE(waitFor([&] { return central->count("checkins") == 6; }));
  auto dups = central->open()->records().listDuplicates(eventId());
  ASSERT_TRUE(dups);
  ASSERT_EQ(dups->size(), 2u);
  for (const auto& d : *dups) {
    EXPECT_EQ(d.admissionId, ids[0]);  // A scanned first
  }
  // Every terminal learns the flags and has all six check-ins.
  for (auto* t : {a.get(), b.get(), c.get()}) {
    EXPECT_TRUE(waitFor([&] {
      return t->scalar("SELECT COUNT(*) FROM checkins") == 6 &&
             t->scalar("SELECT COUNT(*) FROM checkins WHERE flagged = 1") == 2;
    })) << t->name();
    EXPECT_EQ(t->scalar("SELECT flagged FROM checkins WHERE id = '" + ids[0] + "'"), 0);
  }
}

TEST_F(SyncEngineTest, UndosWalkInsRefusalsAndFeedbackTravelToCentralAndOtherTerminals) {
  startCentral();
  // Central accepts staff actions only from the event's own staff.
  ASSERT_TRUE(central->open()->saveStaff(StaffMember{"s07", "Li Na", "reception", "", "", true, ""},
                                         SystemClock().now(), eventId()));
  auto a = terminal("A");
  auto b = terminal("B");
  a->start();
  b->start();
  ASSERT_TRUE(waitFor([&] {
    return *a->store().guestCount(eventId()) == 20 && *b->store().guestCount(eventId()) == 20;
  }));
  auto service = a->service(eventId());
  const auto code = central->tokenFor(guest(1));
  auto d = service.checkInNow(code, ScanSource::kCamera);
  ASSERT_TRUE(d && d->accepted());
  ASSERT_TRUE(service.undo(d->checkin->id, StaffAction{"s07", "wrong guest"}));
  auto walkIn = service.registerWalkIn(
      [] {
        Guest g;
        g.name = "Walk In";
        g.company = "Press";
        return g;
      }(),
      StaffAction{"s07", "no invitation, badge from press office"});
  ASSERT_TRUE(walkIn) << walkIn.error().message;
  auto refused = service.evaluate("NOT-A-GUEST", ScanSource::kCamera);
  ASSERT_TRUE(refused);
  ASSERT_TRUE(service.reject(*refused));
  Feedback f;
  f.guestId = guest(1);
  f.kind = FeedbackKind::kRepair;
  f.category = "room";
  // An escape sequence among the words (central refuses control characters): dropped at
  // the terminal, so the report still reaches the desk.
  f.text = "air conditioning \x1b[2J漏水";
  ASSERT_TRUE(service.recordFeedback(f));
  a->engine().wake();

  ASSERT_TRUE(waitFor([&] { return a->outbox() == 0; }));
  EXPECT_EQ(central->count("checkins"), 2u);
  EXPECT_EQ(central->count("undos"), 1u);
  EXPECT_EQ(central->count("walk_ins"), 1u);
  EXPECT_EQ(central->count("rejections"), 1u);
  EXPECT_EQ(central->count("feedback"), 1u);
  const auto feedback = central->open()->records().listFeedback(eventId());
  ASSERT_TRUE(feedback && feedback->size() == 1u);
  EXPECT_EQ(feedback->at(0).text, "air conditioning [2J漏水");
  EXPECT_EQ(feedback->at(0).terminal, "A");
  auto onCentral = central->open()->findGuestByBookingCode(eventId(), walkIn->guest->bookingCode);
  ASSERT_TRUE(onCentral && *onCentral);
  EXPECT_EQ((*onCentral)->name, "Walk In");

  // B sees the undo (the guest may check in again) and the walk-in guest.
  ASSERT_TRUE(waitFor([&] {
    auto w = b->store().findGuestByBookingCode(eventId(), walkIn->guest->bookingCode);
    return w && *w && b->scalar("SELECT COUNT(*) FROM checkins WHERE undone_at IS NOT NULL") == 1;
  }));
  auto again = b->service(eventId()).evaluate(code, ScanSource::kCamera);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->outcome, ScanOutcome::kAccepted);
  auto walkInAtB = b->service(eventId()).evaluate(walkIn->guest->bookingCode, ScanSource::kTyped);
  ASSERT_TRUE(walkInAtB);
  EXPECT_EQ(walkInAtB->outcome, ScanOutcome::kAlreadyCheckedIn);
}

TEST_F(SyncEngineTest, AStaffPinLockoutReachesCentralsAuditTrail) {
  startCentral();
  auto a = terminal("A");
  a->start();
  ASSERT_TRUE(waitFor([&] { return a->engine().status().state == SyncState::kOnline; }));
  AuditEvent lockedOut;
  lockedOut.at = SystemClock().now();
  lockedOut.terminal = "A";
  lockedOut.actor = "staff";
  lockedOut.action = AuditAction::kStaffLockedOut;
  lockedOut.eventId = eventId();
  lockedOut.reason = "5 wrong PINs";
  ASSERT_TRUE(a->store().appendAudit(lockedOut));
  // Other audit rows stay at the terminal (their records travel on their own, if at all).
  AuditEvent unlocked = lockedOut;
  unlocked.action = AuditAction::kStaffUnlockFailed;
  ASSERT_TRUE(a->store().appendAudit(unlocked));
  a->engine().wake();

  ASSERT_TRUE(waitFor([&] { return a->outbox() == 0; }));
  auto trail = central->open()->records().listAudit(eventId());
  ASSERT_TRUE(trail) << trail.error().message;
  ASSERT_EQ(trail->size(), 1u);
  EXPECT_EQ(trail->front().action, AuditAction::kStaffLockedOut);
  EXPECT_EQ(trail->front().terminal, "A");
  EXPECT_EQ(trail->front().reason, "5 wrong PINs");
  EXPECT_EQ(trail->front().at, lockedOut.at);

  // `kiosk-central audit` shows it.
  const auto listed = runCommand(
      {std::string(KIOSK_BINARY_DIR) + "/kiosk-central", "audit", "--db", central->database()},
      dir.path());
  EXPECT_EQ(listed.status, 0) << listed.err;
  EXPECT_NE(listed.out.find("staff_locked_out at A: 5 wrong PINs"), std::string::npos)
      << listed.out;
}

class FakeHealth final : public DeviceHealthSource {
 public:
  DeviceHealth deviceHealth() override {
    return DeviceHealth{{"ok", ""}, {"no_media", "load badge cards"}};
  }
};

// Revocation means revoked at every terminal: a code revoked at central takes the guest's
// booking code with it, and a retired key's codes are refused, once the terminal pulls.
TEST_F(SyncEngineTest, RevokedCodesAndRetiredKeysReachTheTerminals) {
  startCentral(10);
  auto a = terminal("A");
  ASSERT_TRUE(a->engine().runOnce());
  const auto bookingCode = [&](int i) {
    return central->guests().at(static_cast<std::size_t>(i)).bookingCode;
  };
  ASSERT_EQ(a->service(eventId()).evaluate(bookingCode(1), ScanSource::kTyped)->outcome,
            ScanOutcome::kAccepted);
  ASSERT_EQ(
      a->service(eventId()).evaluate(central->tokenFor(guest(2)), ScanSource::kCamera)->outcome,
      ScanOutcome::kAccepted);

  const auto token = std::get<ParsedToken>(parseToken(central->tokenFor(guest(1))));
  const auto now = SystemClock().now();
  ASSERT_TRUE(central->open()->revokeToken(eventId(), token.tokenId(), "lost", now, guest(1)));
  ASSERT_TRUE(central->open()->rotateKey(eventId(), now));
  ASSERT_TRUE(central->open()->retireKey(eventId(), 1, now));
  const auto report = a->engine().runOnce();
  ASSERT_TRUE(report) << report.error().message;

  auto d = a->service(eventId()).evaluate(bookingCode(1), ScanSource::kTyped);
  EXPECT_EQ(d->outcome, ScanOutcome::kRevoked) << d->detail;
  d = a->service(eventId()).evaluate(central->tokenFor(guest(2)), ScanSource::kCamera);
  EXPECT_EQ(d->outcome, ScanOutcome::kRevoked) << d->detail;
  EXPECT_NE(d->detail.find("retired"), std::string::npos) << d->detail;
  EXPECT_EQ(a->service(eventId()).evaluate(bookingCode(2), ScanSource::kTyped)->outcome,
            ScanOutcome::kAccepted)
      << "other guests' booking codes still admit";
}

TEST_F(SyncEngineTest, HeartbeatsCarryDeviceHealthAndPhotosAreUploaded) {
  startCentral();
  auto a = terminal("A");
  a->options.uploadPhotos = true;
  FakeHealth health;
  ASSERT_TRUE(a->engine(&health).runOnce());
  auto d = a->checkIn(eventId(), central->tokenFor(guest(2)));
  ASSERT_TRUE(d && d->accepted());
  const auto photo = dir.path() / "photo.jpg";
  std::ofstream(photo, std::ios::binary) << std::string("\xff\xd8\xff\xe0 fake jpeg");
  a->store()
      .database()
      .prepare(
          "INSERT INTO photos (checkin_id, event_id, guest_id, path, taken_at) VALUES (?1, ?2, "
          "?3, ?4, 0)")
      .bind(1, d->checkin->id)
      .bind(2, eventId())
      .bind(3, guest(2))
      .bind(4, photo.string())
      .run();
  auto report = a->engine(&health).runOnce();
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->error);
  EXPECT_EQ(report->photosUploaded, 1u);
  EXPECT_EQ(central->count("photos"), 1u);
  EXPECT_EQ(a->scalar("SELECT uploaded FROM photos"), kPhotoUploaded);
  auto devices = central->open()->devices().list();
  ASSERT_TRUE(devices);
  ASSERT_EQ(devices->size(), 1u);
  const auto h = json::parse(devices->front().health);
  EXPECT_EQ(h["printer"]["state"], "no_media");
  EXPECT_EQ(h["camera"]["state"], "ok");
  EXPECT_EQ(h["version"], "test");
  EXPECT_TRUE(devices->front().lastSeenAt);
}

TEST_F(SyncEngineTest, TerminalSettingsComeWithTheHeartbeatUntilTheTerminalRunsThem) {
  startCentral();
  auto store = central->open();
  central::TerminalSettingsStore settings(store->database());
  // A key central may not set, or a value a terminal refuses, is not stored.
  EXPECT_FALSE(settings.set(eventId(), "[server]\nurl = \"https://elsewhere.example\"\n", "it",
                            SystemClock().now()));
  EXPECT_FALSE(settings.set(eventId(), "[ui]\nvolume = 400\n", "it", SystemClock().now()));
  auto v1 = settings.set(eventId(), "[ui]\nvolume = 40\n", "it", SystemClock().now());
  ASSERT_TRUE(v1) << v1.error().message;
  EXPECT_EQ(*v1, 1);

  // A runs none: it is offered version 1.
  auto a = terminal("A");
  std::vector<cache::api::TerminalSettings> offeredToA;
  a->options.onSettings = [&](const cache::api::TerminalSettings& s) { offeredToA.push_back(s); };
  auto report = a->engine().runOnce();
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->heartbeatSent);
  ASSERT_EQ(offeredToA.size(), 1u);
  EXPECT_EQ(offeredToA[0].version, 1);
  EXPECT_EQ(offeredToA[0].toml, "[ui]\nvolume = 40\n");

  // B runs version 1: nothing is offered, and central lists what B runs.
  auto b = terminal("B");
  b->options.settingsVersion = 1;
  int offeredToB = 0;
  b->options.onSettings = [&](const cache::api::TerminalSettings&) { ++offeredToB; };
  ASSERT_TRUE(b->engine().runOnce());
  EXPECT_EQ(offeredToB, 0);

  // Version 2, which C gave up on: C keeps running 1 and is not offered 2 again.
  ASSERT_TRUE(settings.set(eventId(), "[ui]\nvolume = 50\n", "it", SystemClock().now()));
  auto c = terminal("C");
  c->options.settingsVersion = 1;
  c->options.settingsFailedVersion = 2;
  int offeredToC = 0;
  c->options.onSettings = [&](const cache::api::TerminalSettings&) { ++offeredToC; };
  ASSERT_TRUE(c->engine().runOnce());
  EXPECT_EQ(offeredToC, 0);

  auto devices = central->open()->devices().list();
  ASSERT_TRUE(devices);
  std::map<std::string, json> health;
  for (const auto& d : *devices) {
    health[d.terminal] = json::parse(d.health);
  }
  EXPECT_EQ(health["A"]["settings_version"], 0);
  EXPECT_EQ(health["B"]["settings_version"], 1);
  EXPECT_EQ(health["C"]["settings_version"], 1);
  EXPECT_EQ(health["C"]["settings_failed_version"], 2);
  auto history = settings.history(eventId());
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(history->front().version, 2);
  EXPECT_EQ(history->front().createdBy, "it");
}

TEST_F(SyncEngineTest, AnOsUpdateComesWithTheHeartbeatToTerminalsRunningAnotherOs) {
  startCentral();
  auto store = central->open();
  central::OsUpdateStore updates(store->database());
  const cache::api::OsUpdate v42{"42", "https://127.0.0.1:9/kiosk.raucb", std::string(64, 'a'),
                                 1234};
  // Plain http, a bad hash or no size is not stored.
  auto plain = v42;
  plain.url = "http://127.0.0.1:9/kiosk.raucb";
  auto shortHash = v42;
  shortHash.sha256 = "abc";
  auto empty = v42;
  empty.size = 0;
  // An event central does not know gets neither an offer nor settings.
  const auto unknown = updates.set(eventId() + 1, v42, "it", SystemClock().now());
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(unknown.error().message.find("kiosk-central events"), std::string::npos);
  const auto noSettings = central::TerminalSettingsStore(store->database())
                              .set(eventId() + 1, "[ui]\nvolume = 40\n", "it", SystemClock().now());
  ASSERT_FALSE(noSettings);
  EXPECT_EQ(noSettings.error().kind, ErrorKind::kNotFound);
  for (const auto& bad : {plain, shortHash, empty}) {
    auto refused = updates.set(eventId(), bad, "it", SystemClock().now());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::kInvalidInput);
  }
  ASSERT_TRUE(updates.set(eventId(), v42, "it", SystemClock().now()));

  // A runs 41 and is offered 42; B runs 42; C does not know its OS (not the image).
  auto a = terminal("A");
  a->options.osVersion = "41";
  a->options.updateState = [] {
    return cache::api::UpdateState{"failed", "40", "did not come up healthy; back on 41"};
  };
  std::vector<cache::api::OsUpdate> offeredToA;
  a->options.onUpdate = [&](const cache::api::OsUpdate& u) { offeredToA.push_back(u); };
  ASSERT_TRUE(a->engine().runOnce());
  ASSERT_EQ(offeredToA.size(), 1u);
  EXPECT_EQ(offeredToA[0], v42);
  auto b = terminal("B");
  b->options.osVersion = "42";
  int offeredToB = 0;
  b->options.onUpdate = [&](const cache::api::OsUpdate&) { ++offeredToB; };
  ASSERT_TRUE(b->engine().runOnce());
  EXPECT_EQ(offeredToB, 0);
  auto c = terminal("C");
  int offeredToC = 0;
  c->options.onUpdate = [&](const cache::api::OsUpdate&) { ++offeredToC; };
  ASSERT_TRUE(c->engine().runOnce());
  EXPECT_EQ(offeredToC, 0);

  // Central keeps what each runs and where its update stands, and the offer's history.
  auto devices = central->open()->devices().list();
  ASSERT_TRUE(devices);
  std::map<std::string, json> health;
  for (const auto& d : *devices) {
    health[d.terminal] = json::parse(d.health);
  }
  EXPECT_EQ(health["A"]["os_version"], "41");
  EXPECT_EQ(health["A"]["update"]["state"], "failed");
  EXPECT_EQ(health["A"]["update"]["version"], "40");
  EXPECT_EQ(health["A"]["update"]["detail"], "did not come up healthy; back on 41");
  EXPECT_EQ(health["B"]["os_version"], "42");
  EXPECT_EQ(health["C"]["update"]["state"], "idle");
  auto history = updates.history(eventId());
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ(history->front().update, v42);
  EXPECT_EQ(history->front().createdBy, "it");
}

TEST_F(SyncEngineTest, ARevokedTerminalWipesGuestDataAndStopsAskingUntilEnrolledAgain) {
  startCentral();
  auto a = terminal("A");
  ASSERT_TRUE(a->engine().runOnce());
  ASSERT_TRUE(a->checkIn(eventId(), central->tokenFor(guest(0))));
  ASSERT_EQ(a->outbox(), 1u);
  ASSERT_TRUE(central->open()->devices().revoke("A", "stolen", SystemClock().now()));
  a->start();
  ASSERT_TRUE(waitFor([&] { return a->engine().status().deviceRevoked(); }));
  const auto status = a->engine().status();
  EXPECT_TRUE(status.needsEnrollment() || status.deviceRevoked());
  EXPECT_FALSE(status.lastError.empty());
  EXPECT_EQ(status.problem, SyncProblem::kRevoked) << status.lastError;
  EXPECT_EQ(*a->store().guestCount(eventId()), 0u);
  EXPECT_EQ(a->outbox(), 0u);
  EXPECT_EQ(a->scalar("SELECT COUNT(*) FROM signing_keys"), 0);
  EXPECT_EQ(a->scalar("SELECT COUNT(*) FROM audit WHERE action = 'device_wiped'"), 1);
  // A code no longer verifies here: the terminal holds no keys and no roster.
  auto d = a->service(eventId()).evaluate(central->tokenFor(guest(1)), ScanSource::kCamera);
  ASSERT_TRUE(d);
  EXPECT_NE(d->outcome, ScanOutcome::kAccepted);
  a->stop();

  // Staff enroll it again: the roster comes back.
  auto e = a->enroll(central->enrollmentCode("A"));
  ASSERT_TRUE(e) << e.error().message;
  auto report = a->engine().runOnce();
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->error);
  EXPECT_EQ(*a->store().guestCount(eventId()), 20u);
}

TEST_F(SyncEngineTest, AnExpiredTokenKeepsTheDataAndAsksForEnrollment) {
  central::ServerOptions options;
  options.tokenLifetime = std::chrono::hours(1);
  startCentral(20, 0, options);
  auto a = terminal("A");
  ASSERT_TRUE(a->engine().runOnce());
  ASSERT_TRUE(a->checkIn(eventId(), central->tokenFor(guest(0))));
  central->clock.shift(std::chrono::hours(2));
  auto report = a->engine().runOnce();
  ASSERT_TRUE(report);
  ASSERT_TRUE(report->error);
  EXPECT_EQ(a->engine().status().state, SyncState::kUnauthorized);
  EXPECT_EQ(a->engine().status().problem, SyncProblem::kUnauthorized);
  EXPECT_EQ(*a->store().guestCount(eventId()), 20u);
  EXPECT_EQ(a->outbox(), 1u);
}

TEST_F(SyncEngineTest, CentralsClockAheadOrBehindChangesNothingButTheReportedOffset) {
  startCentral();
  auto a = terminal("A");
  auto b = terminal("B");
  ASSERT_TRUE(a->engine().runOnce());
  ASSERT_TRUE(b->engine().runOnce());
  for (auto shift : {std::chrono::hours(3), -std::chrono::hours(6)}) {
    central->clock.shift(shift);
    const int index = shift.count() > 0 ? 4 : 6;
    auto d = a->checkIn(eventId(), central->tokenFor(guest(index)));
    ASSERT_TRUE(d && d->accepted());
    auto ra = a->engine().runOnce();
    ASSERT_TRUE(ra && !ra->error);
    EXPECT_EQ(ra->pushed, 1u);
    auto rb = b->engine().runOnce();
    ASSERT_TRUE(rb && !rb->error);
    EXPECT_GE(rb->pulled.checkins, 1u);
    // The scan time is the terminal's, whatever central's clock says.
    auto onB = b->store().findCheckin(d->checkin->id);
    ASSERT_TRUE(onB && *onB);
    EXPECT_EQ((*onB)->scannedAt, d->checkin->scannedAt);
    const auto offset = b->engine().status().serverClockOffset;
    ASSERT_TRUE(offset);
    const auto expected = shift.count() > 0 ? std::chrono::hours(3) : -std::chrono::hours(3);
    EXPECT_LT(std::abs((*offset - expected).count()), 5000);
  }
  EXPECT_EQ(central->count("checkins"), 2u);
}

TEST_F(SyncEngineTest, WrongCertificateOrPinKeepsEverythingQueued) {
  startCentral();
  auto a = terminal("A");
  ASSERT_TRUE(a->engine().runOnce());
  auto d = a->checkIn(eventId(), central->tokenFor(guest(0)));
  ASSERT_TRUE(d && d->accepted());
  auto wrongCa = a->options;
  wrongCa.http.caFile = pki->otherCaFile;
  SystemClock clock;
  SyncEngine wrong(wrongCa, clock);
  auto r = wrong.runOnce();
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->error);
  EXPECT_FALSE(r->reachedServer);
  EXPECT_EQ(wrong.status().state, SyncState::kOffline);
  EXPECT_EQ(wrong.status().problem, SyncProblem::kCertificate) << wrong.status().lastError;
  EXPECT_EQ(a->outbox(), 1u);

  auto badPin = a->options;
  badPin.http.pinnedPublicKey = pki->otherPin;
  SyncEngine pinned(badPin, clock);
  auto p = pinned.runOnce();
  ASSERT_TRUE(p && p->error);
  EXPECT_EQ(p->problem, SyncProblem::kCertificate) << p->error->message;
  EXPECT_EQ(a->outbox(), 1u);
  EXPECT_EQ(central->count("checkins"), 0u);

  auto goodPin = a->options;
  goodPin.http.pinnedPublicKey = pki->pin;
  SyncEngine good(goodPin, clock);
  auto g = good.runOnce();
  ASSERT_TRUE(g);
  EXPECT_FALSE(g->error) << g->error->message;
  EXPECT_EQ(good.status().problem, SyncProblem::kNone);
  EXPECT_EQ(a->outbox(), 0u);
  EXPECT_EQ(central->count("checkins"), 1u);
}

TEST_F(SyncEngineTest, KioskEnrollAndKioskSyncOnce) {
  startCentral();
  const auto config = dir.path() / "kiosk.toml";
  const auto db = dir.path() / "cli-terminal.db";
  std::ofstream(config) << "[terminal]\nname = \"lobby-cli\"\ndatabase = \"" << db.string()
                        << "\"\n[server]\nurl = \"" << central->url() << "\"\nca_file = \""
                        << pki->caFile << "\"\n";
  const std::string kiosk = std::string(KIOSK_BINARY_DIR) + "/kiosk";
  auto notEnrolled = runCommand({kiosk, "sync", "--once", "--config", config.string()}, dir.path());
  EXPECT_EQ(notEnrolled.status, 5) << notEnrolled.err;
  EXPECT_EQ(json::parse(notEnrolled.lines().at(0))["state"], "not_enrolled");

  auto refused = runCommand(
      {kiosk, "enroll", "--config", config.string(), "--code", "AAAA-BBBB-CCCC"}, dir.path());
  EXPECT_EQ(refused.status, 5) << refused.err;

  auto enrolled = runCommand({kiosk, "enroll", "--config", config.string(), "--code",
                              central->enrollmentCode("lobby-cli")},
                             dir.path());
  ASSERT_EQ(enrolled.status, 0) << enrolled.err;
  const auto e = json::parse(enrolled.lines().at(0));
  EXPECT_EQ(e["event_id"], eventId());
  EXPECT_EQ(e["terminal"], "lobby-cli");

  auto checkin = runCommand(
      {kiosk, "checkin", "--config", config.string(), "--code", central->tokenFor(guest(9))},
      dir.path());
  EXPECT_EQ(checkin.status, 1) << checkin.out << checkin.err;  // no roster yet: unknown
  auto synced = runCommand({kiosk, "sync", "--once", "--config", config.string()}, dir.path());
  ASSERT_EQ(synced.status, 0) << synced.err;
  auto s = json::parse(synced.lines().at(0));
  EXPECT_EQ(s["pulled"]["guests"], 20);
  EXPECT_EQ(s["pushed"], 1);  // the refusal above
  checkin = runCommand(
      {kiosk, "checkin", "--config", config.string(), "--code", central->tokenFor(guest(9))},
      dir.path());
  EXPECT_EQ(checkin.status, 0) << checkin.out << checkin.err;
  synced = runCommand({kiosk, "sync", "--once", "--config", config.string()}, dir.path());
  ASSERT_EQ(synced.status, 0) << synced.err;
  s = json::parse(synced.lines().at(0));
  EXPECT_EQ(s["pushed"], 1);
  EXPECT_EQ(s["outbox_left"], 0);
  EXPECT_EQ(central->count("checkins"), 1u);
  // Log lines never carry guest names, phones or code text.
  for (const auto& g : central->guests()) {
    EXPECT_EQ(synced.err.find(g.name), std::string::npos);
    EXPECT_EQ(synced.err.find(g.phone), std::string::npos);
  }

  central->stop();
  auto offline = runCommand({kiosk, "sync", "--once", "--config", config.string()}, dir.path());
  EXPECT_EQ(offline.status, 4) << offline.err;
  const auto o = json::parse(offline.lines().at(0));
  EXPECT_EQ(o["ok"], false);
  EXPECT_EQ(o["reached_server"], false);
  EXPECT_FALSE(o["error"].get<std::string>().empty());
}

}  // namespace
}  // namespace kiosk::cache
