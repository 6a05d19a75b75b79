// The sync side of the terminal database, on a real SQLite file: outbox windows, pulled
// pages applied atomically with their cursor, dead letters, and the wipe of a revoked
// device.
#include "offline-cache/sync_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "kiosk/core/checkin_service.h"
#include "support/temp_dir.h"

namespace kiosk::cache {
namespace {

using std::chrono::hours;

const TimePoint kNow = fromUnixSeconds(1'795'000'000);
constexpr EventId kEvent = 0x5e0c0001;

Event makeEvent() {
  Event e;
  e.id = kEvent;
  e.name = "Sync Forum";
  e.startsAt = kNow - hours(24);
  e.endsAt = kNow + hours(48);
  e.wifiPassword = "lobby-secret";
  return e;
}

Guest guest(GuestId id, std::string code, std::string name) {
  Guest g;
  g.eventId = kEvent;
  g.id = id;
  g.bookingCode = std::move(code);
  g.name = std::move(name);
  g.phone = "13900001111";
  return g;
}

CheckinRecord checkin(std::string id, GuestId guestId, std::string terminal, TimePoint at) {
  CheckinRecord r;
  r.id = std::move(id);
  r.eventId = kEvent;
  r.guestId = guestId;
  r.terminal = std::move(terminal);
  r.scannedAt = at;
  r.confirmedNeeds.allergies = "peanuts";
  return r;
}

class SyncStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = LocalStore::open(dir.file("kiosk.db"));
    ASSERT_TRUE(opened) << opened.error().message;
    store = std::move(*opened);
    sync = std::make_unique<SyncStore>(*store);
    api::Enrollment e;
    e.deviceId = "dev-1";
    e.terminal = "lobby-1";
    e.token = "tok-1";
    e.tokenExpiresAt = kNow + hours(24 * 300);
    e.event = makeEvent();
    ASSERT_TRUE(sync->saveEnrollment(e));
  }

  std::int64_t scalar(const std::string& sql) {
    auto s = store->database().prepare(sql);
    return s.step() ? s.columnInt(0) : -1;
  }

  // A local check-in through the store's ledger (check-in + outbox + audit).
  void commitLocal(const CheckinRecord& r) {
    AuditEvent a;
    a.at = r.scannedAt;
    a.terminal = r.terminal;
    a.actor = "guest";
    a.action = AuditAction::kCheckin;
    a.eventId = r.eventId;
    a.refId = r.id;
    auto c = store->commitCheckin(r, a, false);
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_TRUE(c->committed);
  }

  testing::TempDir dir;
  std::unique_ptr<LocalStore> store;
  std::unique_ptr<SyncStore> sync;
};

TEST_F(SyncStoreTest, EnrollmentIsTheIdentityAndResetsTheCursor) {
  auto id = sync->identity();
  ASSERT_TRUE(id);
  ASSERT_TRUE(*id);
  EXPECT_EQ((*id)->token, "tok-1");
  EXPECT_EQ((*id)->eventId, kEvent);
  EXPECT_EQ((*id)->terminal, "lobby-1");
  ASSERT_TRUE((*id)->tokenExpiresAt);
  auto event = store->findEvent(kEvent);
  ASSERT_TRUE(event && *event);
  EXPECT_EQ((*event)->name, "Sync Forum");
  EXPECT_EQ(*sync->cursor(), "");
}

TEST_F(SyncStoreTest, AppliesAPageWithSearchKeysRemoteCheckinsAndTheCursor) {
  ASSERT_TRUE(store->upsertGuests(kEvent, {guest(1, "AAA-001", "张伟")}, kNow));
  commitLocal(checkin("local-1", 1, "lobby-1", kNow));

  api::ChangesPage page;
  page.cursor = "db:42";
  page.guests = {guest(2, "BBB-002", "Zoë Müller"), guest(3, "CCC-003", "王芳")};
  page.signingKeys = {generateSigningKey(kEvent, 2, kNow), generateSigningKey(kEvent, 3, kNow)};
  page.signingKeys[0].secretKey.reset();
  page.signingKeys[1].secretKey.reset();
  page.signingKeys[1].retiredAt = kNow;
  page.revocations = {{kEvent, "0011223344556677", "lost", kNow, GuestId{3}}};
  page.staff = {StaffMember{"s07", "Li Na", "supervisor", "", "abc", true, ""}};
  page.badgeTemplates = {{"vip", "[badge]\nsize = \"cr80\"\n", kNow}};
  // Another terminal's check-in of guest 2, and central's flag on our own check-in.
  page.checkins = {{checkin("remote-1", 2, "lobby-2", kNow + hours(1)), false},
                   {checkin("local-1", 1, "lobby-1", kNow), true}};
  auto applied = sync->applyPage(page, kNow, "lobby-1");
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(applied->guests, 2u);
  EXPECT_EQ(applied->checkins, 2u);
  EXPECT_EQ(applied->total(), 9u);

  EXPECT_EQ(*sync->cursor(), "db:42");
  auto found = store->searchGuests(kEvent, "wang", 5);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().bookingCode, "CCC-003");
  EXPECT_TRUE(*store->isTokenRevoked(kEvent, "0011223344556677"));
  EXPECT_TRUE(*store->hasRevokedCode(kEvent, 3)) << "the revoked code's guest came with it";
  EXPECT_FALSE(*store->hasRevokedCode(kEvent, 2));
  ASSERT_TRUE(*store->findSigningKey(kEvent, 2));
  EXPECT_FALSE(store->findSigningKey(kEvent, 2)->value().retiredAt);
  ASSERT_TRUE(*store->findSigningKey(kEvent, 3));
  EXPECT_EQ(store->findSigningKey(kEvent, 3)->value().retiredAt, kNow);
  ASSERT_TRUE(*store->findStaff("s07"));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM badge_templates WHERE name = 'vip'"), 1);

  // B's check-in is visible to this terminal's check-in service.
  auto active = store->findActiveCheckin(kEvent, 2);
  ASSERT_TRUE(active && *active);
  EXPECT_EQ((*active)->terminal, "lobby-2");
  EXPECT_EQ(scalar("SELECT origin = 'central' FROM checkins WHERE id = 'remote-1'"), 1);
  // Our own row keeps its origin and takes central's flag.
  EXPECT_EQ(scalar("SELECT origin = 'local' AND flagged = 1 FROM checkins WHERE id = 'local-1'"),
            1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM audit WHERE action = 'sync_applied'"), 1);

  // Applying the same page again changes nothing.
  ASSERT_TRUE(sync->applyPage(page, kNow, "lobby-1"));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM checkins"), 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM guests"), 3);
}

TEST_F(SyncStoreTest, APageThatFailsLeavesNothingBehindNotEvenItsCursor) {
  api::ChangesPage first;
  first.cursor = "db:1";
  ASSERT_TRUE(sync->applyPage(first, kNow, "lobby-1"));

  api::ChangesPage page;
  page.cursor = "db:2";
  page.guests = {guest(5, "EEE-005", "Good Guest")};
  page.checkins = {{checkin("remote-5", 5, "lobby-2", kNow), false}};
  // A guest of an event this terminal does not have breaks the foreign key: the whole
  // page, guests and check-ins included, must roll back.
  Guest stray = guest(6, "FFF-006", "Stray");
  stray.eventId = kEvent + 1;
  page.guests.push_back(stray);
  auto applied = sync->applyPage(page, kNow, "lobby-1");
  ASSERT_FALSE(applied);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM guests"), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM guest_search"), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM checkins"), 0);
  EXPECT_EQ(*sync->cursor(), "db:1");
}

TEST_F(SyncStoreTest, ALocalUndoNotYetPushedWinsOverCentralsOlderCopy) {
  ASSERT_TRUE(store->upsertGuests(kEvent, {guest(1, "AAA-001", "张伟")}, kNow));
  auto record = checkin("local-1", 1, "lobby-1", kNow);
  commitLocal(record);
  record.undoneAt = kNow + hours(1);
  record.undoneBy = "s07";
  record.undoReason = "wrong guest";
  AuditEvent a;
  a.at = kNow + hours(1);
  a.terminal = "lobby-1";
  a.action = AuditAction::kCheckinUndone;
  a.eventId = kEvent;
  ASSERT_TRUE(store->commitUndo(record, a));

  api::ChangesPage page;
  page.cursor = "db:3";
  page.checkins = {{checkin("local-1", 1, "lobby-1", kNow), false}};  // not undone there yet
  ASSERT_TRUE(sync->applyPage(page, kNow, "lobby-1"));
  auto active = store->findActiveCheckin(kEvent, 1);
  ASSERT_TRUE(active);
  EXPECT_FALSE(*active);
  EXPECT_EQ(scalar("SELECT undo_reason = 'wrong guest' FROM checkins WHERE id = 'local-1'"), 1);
}

TEST_F(SyncStoreTest, OutboxWindowIsInOrderAndSkipsKindsThisBuildCannotSend) {
  ASSERT_TRUE(
      store->upsertGuests(kEvent, {guest(1, "AAA-001", "A"), guest(2, "BBB-002", "B")}, kNow));
  store->database().exec(
      "INSERT INTO outbox (kind, ref_id, event_id, payload, created_at) VALUES "
      "('future_kind', 'x', 1, '{}', 0)");
  commitLocal(checkin("c-1", 1, "lobby-1", kNow));
  commitLocal(checkin("c-2", 2, "lobby-1", kNow));
  auto window = sync->outboxWindow(10);
  ASSERT_TRUE(window);
  ASSERT_EQ(window->size(), 2u);
  EXPECT_EQ((*window)[0].refId, "c-1");
  EXPECT_EQ((*window)[1].refId, "c-2");
  EXPECT_LT((*window)[0].seq, (*window)[1].seq);

  const std::int64_t first[] = {(*window)[0].seq};
  ASSERT_TRUE(sync->removeFromOutbox(first));
  ASSERT_TRUE(sync->noteFailedAttempt(std::vector<std::int64_t>{(*window)[1].seq}, "503", kNow));
  EXPECT_EQ(scalar("SELECT attempts FROM outbox WHERE ref_id = 'c-2'"), 1);

  const std::vector<OutboxRow> dead{(*window)[1]};
  ASSERT_TRUE(sync->moveToDeadLetters(dead, 400, "invalid", kNow));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'checkin'"), 0);
  EXPECT_EQ(scalar("SELECT http_status FROM outbox_dead WHERE ref_id = 'c-2'"), 400);
  // Retention: once the event's personal data is purged, so are its dead letters.
  EXPECT_EQ(*sync->purgeDeadLettersOfPurgedEvents(), 0u);
  store->database().exec("UPDATE events SET purged_at = 1");
  EXPECT_EQ(*sync->purgeDeadLettersOfPurgedEvents(), 1u);
}

TEST_F(SyncStoreTest, ARevokedDeviceForgetsPersonalDataButKeepsItsRecordsAndAudit) {
  ASSERT_TRUE(store->upsertGuests(kEvent, {guest(1, "AAA-001", "张伟")}, kNow));
  ASSERT_TRUE(store->saveSigningKey(generateSigningKey(kEvent, 1, kNow)));
  ASSERT_TRUE(store->saveStaff(StaffMember{"s07", "Li Na", "reception", "", "", true, ""}, kNow));
  commitLocal(checkin("c-1", 1, "lobby-1", kNow));
  const auto photo = dir.path() / "c-1.jpg";
  std::ofstream(photo) << "jpeg";
  store->database()
      .prepare(
          "INSERT INTO photos (checkin_id, event_id, guest_id, path, taken_at) VALUES ('c-1', "
          "?1, 1, ?2, 0)")
      .bind(1, kEvent)
      .bind(2, photo.string())
      .run();

  auto wiped = sync->wipeRevokedDevice(kNow, "lobby-1", "device revoked");
  ASSERT_TRUE(wiped) << wiped.error().message;
  EXPECT_EQ(wiped->guests, 1u);
  EXPECT_EQ(wiped->photos, 1u);
  EXPECT_EQ(wiped->outboxDropped, 1u);
  EXPECT_FALSE(std::filesystem::exists(photo));
  for (const char* table : {"guests", "guest_search", "photos", "signing_keys", "staff", "outbox",
                            "revocations", "badge_templates"}) {
    EXPECT_EQ(scalar(std::string("SELECT COUNT(*) FROM ") + table), 0) << table;
  }
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM checkins WHERE confirmed_needs = '{}'"), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM events WHERE wifi_password = ''"), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM audit WHERE action = 'device_wiped'"), 1);
  auto id = sync->identity();
  ASSERT_TRUE(id);
  EXPECT_FALSE(*id);
  auto revoked = sync->revokedAt();
  ASSERT_TRUE(revoked && *revoked);
}

TEST_F(SyncStoreTest, NestedTransactionsRollBackToTheirSavepointOnly) {
  auto& db = store->database();
  db.transaction([&] {
    db.exec("INSERT INTO settings (key, value) VALUES ('outer', '1')");
    EXPECT_THROW(db.transaction([&] {
      db.exec("INSERT INTO settings (key, value) VALUES ('inner', '1')");
      throw std::runtime_error("inner fails");
    }),
                 std::runtime_error);
    EXPECT_TRUE(db.inTransaction());
  });
  EXPECT_FALSE(db.inTransaction());
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM settings WHERE key = 'outer'"), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM settings WHERE key = 'inner'"), 0);
}

}  // namespace
}  // namespace kiosk::cache
