// kiosk-central's database on a real SQLite file: enrollment and tokens, the change feed
// and its cursor, idempotent pushes, second admissions flagged (never refused), undos
// that arrive before their check-in, walk-ins.
#include "central/central_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "central/rate_limiter.h"
#include "kiosk/core/ids.h"
#include "support/central_test_store.h"
#include "support/temp_dir.h"

namespace kiosk::central {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const TimePoint kNow = fromUnixSeconds(1'795'000'000);

class CentralStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db = testing::centralTestDatabase(dir.path());
    auto opened = CentralStore::open(db);
    ASSERT_TRUE(opened) << opened.error().message;
    store = std::move(*opened);
    event.id = 0x0c0ffee1;
    event.name = "Central Forum";
    event.startsAt = kNow - hours(1);
    event.endsAt = kNow + hours(30);
    ASSERT_TRUE(store->createEvent(event, generateSigningKey(event.id, 1, kNow), "", kNow));
    std::vector<Guest> guests;
    for (int i = 1; i <= 5; ++i) {
      Guest g;
      g.bookingCode = "G-" + std::to_string(i);
      g.name = "Guest " + std::to_string(i);
      if (i == 1) {
        g.host = "Host";
        g.hostContact = "host@example.org";
      }
      guests.push_back(g);
    }
    ASSERT_TRUE(store->upsertGuests(event.id, guests, kNow));
    device = enrollDevice("lobby-1");
    ASSERT_TRUE(store->saveStaff(StaffMember{"s07", "Li Na", "reception", "", "", true, ""}, kNow,
                                 event.id));
  }

  Device enrollDevice(const std::string& terminal) {
    auto code = store->devices().createEnrollmentCode(terminal, event.id, hours(1), kNow);
    EXPECT_TRUE(code) << code.error().message;
    auto e = store->devices().enroll(code->code, "test", hours(24), kNow);
    EXPECT_TRUE(e) << e.error().message;
    auto auth = store->devices().authenticate(e->token, kNow);
    EXPECT_TRUE(auth);
    return std::get<Device>(*auth);
  }

  Json checkinJson(const std::string& id, GuestId guest, TimePoint at,
                   const std::string& terminal = "lobby-1") {
    CheckinRecord r;
    r.id = uid(id);
    r.eventId = event.id;
    r.guestId = guest;
    r.terminal = terminal;
    r.scannedAt = at;
    return cache::toJson(r);
  }

  // A terminal record id (a UUID) per label, the same for the whole test.
  std::string uid(const std::string& label) {
    auto [it, added] = ids.try_emplace(label);
    if (added) {
      it->second = newRecordId(kNow);
    }
    return it->second;
  }
  std::string q(const std::string& label) { return "'" + uid(label) + "'"; }

  PushSummary push(std::string_view kind, Json items) {
    auto summary = store->records().push(device, *api::pushRouteForKind(kind), items, kNow);
    EXPECT_TRUE(summary) << summary.error().message;
    return summary ? *summary : PushSummary{};
  }

  api::ChangesPage pull(const std::string& cursor, std::size_t limit = 1000) {
    auto body = store->feed().page(device.eventId, cursor, limit, kNow);
    EXPECT_TRUE(body) << body.error().message;
    return api::parseChangesPage(*body);
  }

  // Undoes schema steps 7 (guest edits) and 6: check-ins and the records naming them keyed
  // by id alone, and check-ins fed under their bare id, as a version 5 central left them.
  // Version 9's to 13's objects (the console's tables, terminal settings, OS updates) go when a
  // test rewinds before them.
  void dropVersion9() {
    store->database().exec("DROP TABLE os_updates; DROP TABLE terminal_settings");
    store->database().exec(
        "DROP TABLE console_flag_resolutions; DROP INDEX checkins_flagged; DROP INDEX "
        "checkins_skewed;");
    store->database().exec(
        "DROP TABLE console_feedback; DROP INDEX feedback_by_event; DROP TABLE console_audit; "
        "DROP TABLE console_sessions; DROP TABLE console_accounts");
  }

  void rewindToVersion5() {
    dropVersion9();
    store->database().exec(R"sql(
      CREATE TABLE v5_checkins (
        id TEXT PRIMARY KEY, event_id INTEGER NOT NULL, guest_id INTEGER NOT NULL,
        terminal TEXT NOT NULL, device_id TEXT NOT NULL, scanned_at INTEGER NOT NULL,
        method TEXT NOT NULL, doc TEXT NOT NULL, undone_at INTEGER,
        flagged INTEGER NOT NULL DEFAULT 0, unknown_guest INTEGER NOT NULL DEFAULT 0,
        received_at INTEGER NOT NULL, order_at INTEGER, skewed INTEGER NOT NULL DEFAULT 0,
        sent_doc TEXT) WITHOUT ROWID;
      INSERT INTO v5_checkins SELECT id, event_id, guest_id, terminal, device_id, scanned_at,
        method, doc, undone_at, flagged, unknown_guest, received_at, order_at, skewed, sent_doc
        FROM checkins;
      DROP TABLE checkins;
      ALTER TABLE v5_checkins RENAME TO checkins;
      CREATE INDEX checkins_by_guest ON checkins(event_id, guest_id, order_at);
      CREATE TABLE v5_undos (
        checkin_id TEXT PRIMARY KEY, event_id INTEGER NOT NULL, doc TEXT NOT NULL,
        device_id TEXT NOT NULL, received_at INTEGER NOT NULL,
        applied INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
      INSERT INTO v5_undos SELECT checkin_id, event_id, doc, device_id, received_at, applied
        FROM undos;
      DROP TABLE undos;
      ALTER TABLE v5_undos RENAME TO undos;
      CREATE TABLE v5_walk_ins (
        checkin_id TEXT PRIMARY KEY, event_id INTEGER NOT NULL, guest_id INTEGER NOT NULL,
        device_id TEXT NOT NULL, guest_created INTEGER NOT NULL,
        received_at INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO v5_walk_ins SELECT checkin_id, event_id, guest_id, device_id, guest_created,
        received_at FROM walk_ins;
      DROP TABLE walk_ins;
      ALTER TABLE v5_walk_ins RENAME TO walk_ins;
      CREATE TABLE v5_photos (
        checkin_id TEXT PRIMARY KEY, event_id INTEGER NOT NULL, device_id TEXT NOT NULL,
        content_type TEXT NOT NULL, data BLOB NOT NULL,
        received_at INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO v5_photos SELECT checkin_id, event_id, device_id, content_type, data,
        received_at FROM photos;
      DROP TABLE photos;
      ALTER TABLE v5_photos RENAME TO photos;
      UPDATE feed SET key = substr(key, instr(key, ':') + 1) WHERE kind = 'checkins';
      DROP TABLE guest_edits;
      PRAGMA user_version = 5;
    )sql");
  }

  void reopen() {
    store.reset();
    auto reopened = CentralStore::open(db);
    ASSERT_TRUE(reopened) << reopened.error().message;
    store = std::move(*reopened);
  }

  std::int64_t scalar(const std::string& sql) {
    auto s = store->database().prepare(sql);
    return s.step() ? s.columnInt(0) : -1;
  }

  testing::TempDir dir;
  std::string db;
  std::unique_ptr<CentralStore> store;
  Event event;
  std::map<std::string, std::string> ids;
  Device device;
};

TEST_F(CentralStoreTest, EnrollmentCodesWorkOnceAndExpire) {
  auto code = store->devices().createEnrollmentCode("lobby-9", event.id, hours(1), kNow);
  ASSERT_TRUE(code);
  EXPECT_EQ(code->code.size(), 14u);  // XXXX-XXXX-XXXX
  // Typed in lower case without dashes, it still works - once.
  std::string typed;
  for (char c : code->code) {
    if (c != '-') {
      typed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  auto e = store->devices().enroll(typed, "1.0", hours(24), kNow);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->terminal, "lobby-9");
  EXPECT_EQ(e->event.id, event.id);
  EXPECT_GE(e->token.size(), 40u);
  auto again = store->devices().enroll(code->code, "1.0", hours(24), kNow);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::kUnauthorized);

  auto late = store->devices().createEnrollmentCode("lobby-10", event.id, hours(1), kNow);
  auto expired = store->devices().enroll(late->code, "1.0", hours(24), kNow + hours(2));
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().kind, ErrorKind::kUnauthorized);
  // Only the token's hash is stored.
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM devices WHERE token_hash = '" + e->token + "'"), 0);
}

TEST_F(CentralStoreTest, TokensExpireAndRevokedDevicesAreToldSo) {
  auto code = store->devices().createEnrollmentCode("lobby-2", event.id, hours(1), kNow);
  auto e = store->devices().enroll(code->code, "1.0", hours(24), kNow);
  ASSERT_TRUE(e);
  auto ok = store->devices().authenticate(e->token, kNow + hours(23));
  ASSERT_TRUE(ok);
  EXPECT_TRUE(std::holds_alternative<Device>(*ok));
  EXPECT_EQ(std::get<AuthFailure>(*store->devices().authenticate(e->token, kNow + hours(25))),
            AuthFailure::kExpired);
  EXPECT_EQ(std::get<AuthFailure>(*store->devices().authenticate("nope", kNow)),
            AuthFailure::kUnknown);
  EXPECT_EQ(std::get<AuthFailure>(*store->devices().authenticate("", kNow)), AuthFailure::kMissing);
  EXPECT_EQ(*store->devices().revoke("lobby-2", "stolen", kNow), 1u);
  EXPECT_EQ(std::get<AuthFailure>(*store->devices().authenticate(e->token, kNow)),
            AuthFailure::kRevoked);
  EXPECT_EQ(*store->devices().revoke("lobby-2", "again", kNow), 0u);
}

TEST_F(CentralStoreTest, TheFeedPagesWithAServerCursorAndResendsOnlyWhatChanged) {
  auto first = pull("", 3);
  EXPECT_TRUE(first.hasMore);
  EXPECT_EQ(first.size(), 3u);
  std::size_t guests = first.guests.size();
  std::string cursor = first.cursor;
  for (int i = 0; i < 10; ++i) {
    auto page = pull(cursor, 3);
    guests += page.guests.size();
    cursor = page.cursor;
    if (!page.hasMore) {
      break;
    }
  }
  EXPECT_EQ(guests, 5u);
  EXPECT_EQ(pull(cursor).size(), 0u);

  // Re-importing an unchanged list feeds nothing; a changed guest comes back alone.
  auto all = store->listGuests(event.id);
  ASSERT_TRUE(store->upsertGuests(event.id, *all, kNow + minutes(1)));
  EXPECT_EQ(pull(cursor).size(), 0u);
  auto changed = (*all)[2];
  changed.lodging.room = "1808";
  ASSERT_TRUE(store->upsertGuests(event.id, {changed}, kNow + minutes(2)));
  auto page = pull(cursor);
  ASSERT_EQ(page.guests.size(), 1u);
  EXPECT_EQ(page.guests[0].lodging.room, "1808");
  EXPECT_FALSE(page.hasMore);

  // A cursor of another database (central was replaced) starts over.
  EXPECT_GE(pull("OTHERDB:999999").guests.size(), 5u);
  EXPECT_GE(pull("garbage").guests.size(), 5u);
}

// The change feed misses nothing while several connections write at once (the several
// instances of central on one PostgreSQL database): rows that take their sequence number
// early but commit late must still reach a reader whose cursor has passed rows that
// committed first. Writers push check-ins (each re-feeds the guest's other check-ins when
// the flags change) and edit guests in many small transactions while readers page from
// their cursors the whole time; at the end each reader holds every object's latest version.
TEST_F(CentralStoreTest, ConcurrentWritersNeverMakeAReaderSkipAFeedRow) {
  constexpr int kWriters = 6;
  constexpr int kPushesPerWriter = 60;
  constexpr int kCheckinsPerPush = 3;
  constexpr int kReaders = 2;
  std::vector<Device> devices;
  for (int w = 0; w < kWriters; ++w) {
    devices.push_back(enrollDevice("lobby-w" + std::to_string(w)));
  }
  const auto roster = store->listGuests(event.id);
  ASSERT_TRUE(roster);
  ASSERT_EQ(roster->size(), 5u);

  // Feed objects by kind and id: their latest doc.
  using Seen = std::map<std::string, std::string>;
  auto remember = [](Seen& seen, const std::string& kind, const Json& item, std::string doc) {
    seen[kind + ":" +
         (item.at("id").is_string() ? item.at("id").get<std::string>()
                                    : std::to_string(item.at("id").get<GuestId>()))] =
        std::move(doc);
  };
  std::atomic<bool> writing{true};
  std::atomic<int> failures{0};
  std::mutex errorMutex;
  std::string firstError;
  auto fail = [&](const std::string& why) {
    ++failures;
    const std::scoped_lock lock(errorMutex);
    if (firstError.empty()) {
      firstError = why;
    }
  };
  // A write that central gave up on after its own reruns (kTransient: a terminal is answered
  // 503 and pushes again): pushed again, as the terminal would.
  std::atomic<int> retries{0};
  auto retried = [&](auto write) {
    auto result = write();
    for (int attempt = 0; !result && result.error().kind == ErrorKind::kTransient && attempt < 20;
         ++attempt) {
      ++retries;
      result = write();
    }
    return result;
  };
  std::vector<Seen> seen(kReaders);
  std::vector<int> pages(kReaders, 0);
  std::vector<std::jthread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      auto opened = CentralStore::open(db);
      if (!opened) {
        ++failures;
        return;
      }
      std::string cursor;
      for (;;) {
        const bool last = !writing.load();  // every write has committed: drain and stop
        auto body = (*opened)->feed().page(event.id, cursor, 25, kNow);
        if (!body) {
          fail(body.error().message);
          return;
        }
        ++pages[r];
        const auto page = Json::parse(*body);
        for (const auto* kind : {"checkins", "guests"}) {
          if (page.contains(kind)) {
            for (const auto& item : page.at(kind)) {
              remember(seen[r], kind, item, item.dump());
            }
          }
        }
        cursor = page.at("cursor").get<std::string>();
        if (last && !page.at("has_more").get<bool>()) {
          return;
        }
      }
    });
  }
  {
    std::vector<std::jthread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        auto opened = CentralStore::open(db);
        if (!opened) {
          ++failures;
          return;
        }
        auto& mine = **opened;
        for (int i = 0; i < kPushesPerWriter; ++i) {
          const auto& guest = (*roster)[static_cast<std::size_t>(i + w) % roster->size()];
          if (i % 4 == 3) {
            auto edited = guest;
            edited.lodging.room = std::to_string(w) + "-" + std::to_string(i);
            if (auto saved = retried(
                    [&] { return mine.upsertGuests(event.id, {edited}, kNow + minutes(1)); });
                !saved) {
              fail(saved.error().message);
            }
            continue;
          }
          // A few check-ins a transaction: a row fed early in it commits only at its end.
          Json batch = Json::array();
          for (int k = 0; k < kCheckinsPerPush; ++k) {
            CheckinRecord c;
            c.id = newRecordId(kNow);
            c.eventId = event.id;
            c.guestId = (*roster)[static_cast<std::size_t>(i + w + k) % roster->size()].id;
            c.terminal = devices[static_cast<std::size_t>(w)].terminal;
            // Scan times interleave across writers, so later pushes move flags back and forth.
            c.scannedAt = kNow + std::chrono::milliseconds((i * 7 + w * 13 + k * 29) % 97);
            batch.push_back(cache::toJson(c));
          }
          auto pushed = retried([&] {
            return mine.records().push(devices[static_cast<std::size_t>(w)],
                                       *api::pushRouteForKind("checkin"), batch, kNow);
          });
          if (!pushed) {
            fail(pushed.error().message);
          } else if (pushed->accepted != kCheckinsPerPush) {
            fail("a check-in was not accepted");
          }
        }
      });
    }
  }
  writing = false;
  readers.clear();
  ASSERT_EQ(failures.load(), 0) << firstError;
  std::cout << "writes pushed again after central gave up: " << retries.load() << "\n";

  Seen stored;
  auto s = store->database().prepare(
      "SELECT kind, doc FROM feed WHERE kind IN ('checkins', 'guests') AND event_id IN (0, ?1)");
  s.bind(1, event.id);
  while (s.step()) {
    const auto doc = s.columnText(1);
    remember(stored, s.columnText(0), Json::parse(doc), Json::parse(doc).dump());
  }
  EXPECT_EQ(stored.size(),
            5u + kWriters * kCheckinsPerPush * (kPushesPerWriter - kPushesPerWriter / 4));
  for (int r = 0; r < kReaders; ++r) {
    EXPECT_GT(pages[r], 10) << "reader " << r << " did not page while the writers wrote";
    std::vector<std::string> missing;
    std::vector<std::string> stale;
    for (const auto& [key, doc] : stored) {
      const auto it = seen[r].find(key);
      if (it == seen[r].end()) {
        missing.push_back(key);
      } else if (it->second != doc) {
        stale.push_back(key);
      }
    }
    EXPECT_TRUE(missing.empty()) << "reader " << r << " never saw " << missing.size()
                                 << " objects, e.g. " << (missing.empty() ? "" : missing[0]);
    EXPECT_TRUE(stale.empty()) << "reader " << r << " holds an old version of " << stale.size()
                               << " objects, e.g. " << (stale.empty() ? "" : stale[0]);
    EXPECT_EQ(seen[r].size(), stored.size());
  }
}

// Schema step 3: guests stored when unknown lodging dates were "" get null (the
// contract's form), in the feed too, and a re-import of the same list then feeds nothing.
TEST_F(CentralStoreTest, LodgingDatesStoredAsEmptyStringsBecomeNullOnce) {
  if (testing::centralTestsOnPostgres()) {
    GTEST_SKIP() << "a step of the SQLite schema's history; PostgreSQL starts at today's schema";
  }
  const auto cursor = pull("").cursor;
  const std::string asBefore =
      "SET doc = replace(replace(doc, '\"checkin_date\":null', '\"checkin_date\":\"\"'), "
      "'\"checkout_date\":null', '\"checkout_date\":\"\"')";
  store->database().exec("UPDATE guests " + asBefore);
  store->database().exec("UPDATE feed " + asBefore + " WHERE kind = 'guests'");
  // Back to version 2: the later steps' objects go too.
  rewindToVersion5();
  store->database().exec(
      "ALTER TABLE revocations DROP COLUMN guest_id; ALTER TABLE signing_keys DROP COLUMN "
      "retired_at; DROP TABLE audit; PRAGMA user_version = 2");
  const std::string emptyDates =
      " WHERE instr(doc, '\"checkin_date\":\"\"') > 0 OR instr(doc, '\"checkout_date\":\"\"') > 0";
  ASSERT_EQ(scalar("SELECT COUNT(*) FROM guests" + emptyDates), 5);
  ASSERT_EQ(scalar("SELECT COUNT(*) FROM feed" + emptyDates), 5);
  store.reset();
  auto reopened = CentralStore::open(db);
  ASSERT_TRUE(reopened) << reopened.error().message;
  store = std::move(*reopened);
  EXPECT_EQ(scalar("PRAGMA user_version"), 13);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM guests" + emptyDates), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM feed" + emptyDates), 0);
  auto all = store->listGuests(event.id);
  ASSERT_TRUE(all);
  ASSERT_TRUE(store->upsertGuests(event.id, *all, kNow + minutes(1)));
  EXPECT_EQ(pull(cursor).size(), 0u);
}

// Schema step 6: check-ins (and the undos, walk-ins and photos that name them) are keyed
// by event and id. What a version 5 central held survives the step, and the same id is
// then free in another event.
TEST_F(CentralStoreTest, CheckinIdsBecomePerEventAndKeepWhatWasStored) {
  if (testing::centralTestsOnPostgres()) {
    GTEST_SKIP() << "a step of the SQLite schema's history; PostgreSQL starts at today's schema";
  }
  push("checkin",
       Json::array({checkinJson("m-1", 1, kNow), checkinJson("m-2", 1, kNow + minutes(1))}));
  api::UndoRecord early{uid("m-3"), event.id, 2, kNow + minutes(2), "s07", "mistake", "lobby-1"};
  push("undo", Json::array({api::toJson(early)}));
  const std::string jpeg("\xff\xd8\xff\xe0 jpeg");
  ASSERT_TRUE(store->records().putPhoto(device, uid("m-1"), "image/jpeg", jpeg, kNow));
  rewindToVersion5();
  ASSERT_EQ(scalar("SELECT COUNT(*) FROM feed WHERE kind = 'checkins' AND key = " + q("m-1")), 1);
  reopen();
  EXPECT_EQ(scalar("PRAGMA user_version"), 13);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM checkins"), 2);
  EXPECT_EQ(scalar("SELECT flagged FROM checkins WHERE id = " + q("m-2")), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM feed WHERE kind = 'checkins' AND key = '" +
                   std::to_string(event.id) + ":" + uid("m-1") + "'"),
            1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM feed WHERE kind = 'checkins'"), 2);
  auto type = store->records().photoContentType(event.id, uid("m-1"));
  ASSERT_TRUE(type);
  EXPECT_EQ(*type, "image/jpeg");
  // The undo that waited still waits, and is applied when its check-in comes.
  push("checkin", Json::array({checkinJson("m-3", 2, kNow)}));
  EXPECT_EQ(scalar("SELECT undone_at IS NOT NULL FROM checkins WHERE id = " + q("m-3")), 1);
  // A repeat is still a repeat; a flag change still reaches the feed under the new key.
  const auto seq = scalar("SELECT MAX(seq) FROM feed");
  auto again = push("checkin", Json::array({checkinJson("m-2", 1, kNow + minutes(1))}));
  EXPECT_TRUE(again.results[0].flagged);
  EXPECT_EQ(scalar("SELECT MAX(seq) FROM feed"), seq);
  api::UndoRecord undo{uid("m-1"), event.id, 1, kNow + minutes(3), "s07", "wrong guest", "lobby-1"};
  push("undo", Json::array({api::toJson(undo)}));
  EXPECT_EQ(scalar("SELECT flagged FROM checkins WHERE id = " + q("m-2")), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM feed WHERE kind = 'checkins'"), 3);

  // Another event's terminal uses the same id: its own check-in, beside this event's.
  Event other = event;
  other.id = event.id + 1;
  ASSERT_TRUE(store->createEvent(other, generateSigningKey(other.id, 1, kNow), "", kNow));
  auto code = store->devices().createEnrollmentCode("other-1", other.id, hours(1), kNow);
  ASSERT_TRUE(code);
  auto enrolled = store->devices().enroll(code->code, "test", hours(24), kNow);
  ASSERT_TRUE(enrolled);
  const auto otherDevice = std::get<Device>(*store->devices().authenticate(enrolled->token, kNow));
  Json theirs = checkinJson("m-1", 1, kNow);
  theirs["event_id"] = other.id;
  auto s = store->records().push(otherDevice, *api::pushRouteForKind("checkin"),
                                 Json::array({theirs}), kNow);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->results[0].status, api::ItemStatus::kAccepted) << s->results[0].detail;
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM checkins WHERE id = " + q("m-1")), 2);
  EXPECT_EQ(scalar("SELECT undone_at IS NOT NULL FROM checkins WHERE id = " + q("m-1") +
                   " AND event_id = " + std::to_string(event.id)),
            1);
  EXPECT_EQ(scalar("SELECT undone_at IS NULL FROM checkins WHERE id = " + q("m-1") +
                   " AND event_id = " + std::to_string(other.id)),
            1);
}

// Schema step 8: staff documents saved before staff had a language gain an empty one, in
// the feed too; a member saved with a language keeps it.
TEST_F(CentralStoreTest, StaffStoredBeforeLanguagesGainAnEmptyOne) {
  if (testing::centralTestsOnPostgres()) {
    GTEST_SKIP() << "a step of the SQLite schema's history; PostgreSQL starts at today's schema";
  }
  ASSERT_TRUE(store->saveStaff(StaffMember{"s-old", "Wang", "it", "", "", true, ""}, kNow));
  ASSERT_TRUE(store->saveStaff(StaffMember{"s-ja", "Sato", "reception", "", "", true, "ja"}, kNow));
  // As a version 7 central wrote them: no language in the stored documents.
  dropVersion9();
  store->database().exec(
      "UPDATE staff SET doc = json_remove(doc, '$.language') WHERE staff_id <> 's-ja'; "
      "UPDATE feed SET doc = json_remove(doc, '$.language') WHERE kind = 'staff' AND "
      "key <> 's-ja'; PRAGMA user_version = 7");
  const std::string without = " WHERE json_type(doc, '$.language') IS NULL";
  ASSERT_EQ(scalar("SELECT COUNT(*) FROM staff" + without), 2);  // s07 and s-old
  ASSERT_EQ(scalar("SELECT COUNT(*) FROM feed WHERE kind = 'staff' AND" + without.substr(6)), 2);
  reopen();
  EXPECT_EQ(scalar("PRAGMA user_version"), 13);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM staff" + without), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM feed WHERE kind = 'staff' AND" + without.substr(6)), 0);
  std::map<std::string, std::string> languages;
  for (const auto& m : pull("").staff) {
    languages[m.id] = m.language;
  }
  EXPECT_EQ(languages,
            (std::map<std::string, std::string>{{"s-ja", "ja"}, {"s-old", ""}, {"s07", ""}}));
}

TEST_F(CentralStoreTest, OtherEventsStayOutOfTheFeedButSiteWideDataIsIn) {
  Event other = event;
  other.id = event.id + 1;
  other.name = "Other";
  ASSERT_TRUE(store->createEvent(other, generateSigningKey(other.id, 1, kNow), "", kNow));
  Guest g;
  g.bookingCode = "OTHER-1";
  g.name = "Elsewhere";
  ASSERT_TRUE(store->upsertGuests(other.id, {g}, kNow));
  ASSERT_TRUE(store->saveStaff(StaffMember{"s1", "Wang", "it", "", "", true, ""}, kNow));
  // Another event's staff (and their PIN hashes) never reach this event's terminals.
  ASSERT_TRUE(store->saveStaff(StaffMember{"s-other", "Zhao", "reception", "", "", true, ""}, kNow,
                               other.id));
  auto page = pull("");
  for (const auto& guest : page.guests) {
    EXPECT_EQ(guest.eventId, event.id);
  }
  for (const auto& e : page.events) {
    EXPECT_EQ(e.id, event.id);
  }
  std::vector<std::string> staffIds;
  for (const auto& m : page.staff) {
    staffIds.push_back(m.id);
  }
  std::sort(staffIds.begin(), staffIds.end());
  EXPECT_EQ(staffIds, (std::vector<std::string>{"s07", "s1"}));
  EXPECT_EQ(page.signingKeys.size(), 1u);
  EXPECT_TRUE(page.signingKeys[0].secretKey == std::nullopt);
}

TEST_F(CentralStoreTest, TheSameBatchTwiceChangesNothingAndAnswersTheSame) {
  Json batch = Json::array({checkinJson("c-1", 1, kNow), checkinJson("c-2", 2, kNow)});
  const auto first = push("checkin", batch);
  const auto seq = scalar("SELECT MAX(seq) FROM feed");
  const auto second = push("checkin", batch);
  EXPECT_EQ(first.results, second.results);
  EXPECT_EQ(first.accepted, 2u);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM checkins"), 2);
  EXPECT_EQ(scalar("SELECT MAX(seq) FROM feed"), seq);
}

TEST_F(CentralStoreTest, ASecondAdmissionIsRecordedAndFlaggedNeverRefused) {
  // Terminal B was offline: its earlier scan arrives after A's later one.
  push("checkin", Json::array({checkinJson("a-1", 3, kNow + minutes(3), "lobby-A")}));
  auto late = push("checkin", Json::array({checkinJson("b-1", 3, kNow, "lobby-B")}));
  ASSERT_EQ(late.results.size(), 1u);
  EXPECT_EQ(late.results[0].status, api::ItemStatus::kAccepted);
  EXPECT_FALSE(late.results[0].flagged);  // the earliest scan is the admission
  EXPECT_EQ(scalar("SELECT flagged FROM checkins WHERE id = " + q("a-1")), 1);
  auto dups = store->records().listDuplicates(std::nullopt);
  ASSERT_TRUE(dups);
  ASSERT_EQ(dups->size(), 1u);
  EXPECT_EQ(dups->front().record.id, uid("a-1"));
  EXPECT_EQ(dups->front().admissionId, uid("b-1"));
  // Terminals learn the flag from the feed.
  bool sawFlag = false;
  for (const auto& c : pull("").checkins) {
    if (c.record.id == uid("a-1")) {
      sawFlag = c.flagged;
    }
  }
  EXPECT_TRUE(sawFlag);
}

TEST_F(CentralStoreTest, AnUndoThatArrivesFirstWaitsForItsCheckinAndFlagsFollow) {
  push("checkin", Json::array({checkinJson("x-1", 4, kNow)}));
  push("checkin", Json::array({checkinJson("x-2", 4, kNow + minutes(1))}));
  EXPECT_EQ(scalar("SELECT flagged FROM checkins WHERE id = " + q("x-2")), 1);
  // Undo x-1: x-2 becomes the admission.
  api::UndoRecord undo{uid("x-1"), event.id, 4, kNow + minutes(2), "s07", "wrong guest", "lobby-1"};
  push("undo", Json::array({api::toJson(undo)}));
  EXPECT_EQ(scalar("SELECT undone_at IS NOT NULL FROM checkins WHERE id = " + q("x-1")), 1);
  EXPECT_EQ(scalar("SELECT flagged FROM checkins WHERE id = " + q("x-2")), 0);

  // An undo of a check-in central has not seen yet is kept and applied on arrival.
  api::UndoRecord early{uid("y-1"), event.id, 5, kNow + minutes(5), "s07", "mistake", "lobby-1"};
  push("undo", Json::array({api::toJson(early)}));
  EXPECT_EQ(scalar("SELECT applied FROM undos WHERE checkin_id = " + q("y-1")), 0);
  push("checkin", Json::array({checkinJson("y-1", 5, kNow)}));
  EXPECT_EQ(scalar("SELECT undone_at IS NOT NULL FROM checkins WHERE id = " + q("y-1")), 1);
  EXPECT_EQ(scalar("SELECT applied FROM undos WHERE checkin_id = " + q("y-1")), 1);
}

TEST_F(CentralStoreTest, MalformedAndForeignItemsAreRejectedOneByOne) {
  Json other = checkinJson("o-1", 1, kNow);
  other["event_id"] = event.id + 7;
  auto s = push("checkin",
                Json::array({checkinJson("ok-1", 1, kNow), Json{{"id", uid("bad-1")}}, other, 42}));
  ASSERT_EQ(s.results.size(), 4u);
  EXPECT_EQ(s.results[0].status, api::ItemStatus::kAccepted);
  EXPECT_EQ(s.results[1].status, api::ItemStatus::kRejected);
  EXPECT_EQ(s.results[1].id, uid("bad-1"));
  EXPECT_EQ(s.results[2].status, api::ItemStatus::kRejected);
  EXPECT_NE(s.results[2].detail.find("event"), std::string::npos);
  EXPECT_EQ(s.results[3].status, api::ItemStatus::kRejected);
  EXPECT_EQ(s.accepted, 1u);
  EXPECT_EQ(s.rejected, 3u);
  // A check-in of a guest central does not know is still a fact.
  auto unknown = push("checkin", Json::array({checkinJson("u-1", 999, kNow)}));
  EXPECT_EQ(unknown.results[0].status, api::ItemStatus::kAccepted);
  EXPECT_EQ(scalar("SELECT unknown_guest FROM checkins WHERE id = " + q("u-1")), 1);
}

TEST_F(CentralStoreTest, WalkInsCreateTheGuestOnceAndReachTheFeed) {
  Guest walkIn;
  walkIn.eventId = event.id;
  walkIn.id = 0x80000001;
  walkIn.bookingCode = "WALK-ABCDEF";
  walkIn.name = "Walk In";
  Json checkin = checkinJson("w-1", walkIn.id, kNow);
  checkin["method"] = "walk_in";
  checkin["staff_id"] = "s07";
  Json item{{"guest", cache::toJson(walkIn)}, {"checkin", checkin}};
  auto s = push("walk_in", Json::array({item}));
  ASSERT_EQ(s.results.size(), 1u);
  EXPECT_EQ(s.results[0].id, uid("w-1"));
  EXPECT_EQ(s.results[0].status, api::ItemStatus::kAccepted);
  push("walk_in", Json::array({item}));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM guests WHERE guest_id = 2147483649"), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM checkins WHERE id = " + q("w-1")), 1);
  // Central keeps numbering its own guests below the walk-in range.
  Guest next;
  next.bookingCode = "G-6";
  next.name = "Next";
  auto saved = store->upsertGuests(event.id, {next}, kNow);
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->front().id, 6u);
  bool inFeed = false;
  for (const auto& g : pull("").guests) {
    inFeed = inFeed || g.bookingCode == "WALK-ABCDEF";
  }
  EXPECT_TRUE(inFeed);
}

TEST_F(CentralStoreTest, RejectionsFeedbackAndNoticesAreStoredOnce) {
  RejectedScan r;
  r.id = uid("r-1");
  r.eventId = event.id;
  r.terminal = "lobby-1";
  r.scannedAt = kNow;
  r.outcome = ScanOutcome::kExpired;
  r.scanHash = "abc";
  push("rejection", Json::array({cache::toJson(r), cache::toJson(r)}));
  Feedback f;
  f.id = uid("f-1");
  f.eventId = event.id;
  f.at = kNow;
  f.kind = FeedbackKind::kComplaint;
  f.category = "room";
  push("feedback", Json::array({api::toJson(f)}));
  push("checkin", Json::array({checkinJson("c-1", 1, kNow)}));
  api::ArrivalNotice n{uid("n-1"), uid("c-1"),         event.id,  1,
                       "Host",     "host@example.org", "lobby-1", kNow};
  auto s = push("arrival_notice", Json::array({api::toJson(n)}));
  EXPECT_EQ(s.notices, 1u);
  EXPECT_EQ(push("arrival_notice", Json::array({api::toJson(n)})).notices, 0u);
  EXPECT_EQ(*store->records().countRows("rejections"), 1u);
  EXPECT_EQ(*store->records().countRows("feedback"), 1u);
  auto due = store->notices().claimDue(kNow, 10, minutes(2));
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 1u);
  // Claimed: another deliverer on the same database does not take it meanwhile.
  EXPECT_TRUE(store->notices().claimDue(kNow, 10, minutes(2))->empty());
  // A deliverer that died leaves it to be taken again once the lease is over.
  EXPECT_EQ(store->notices().claimDue(kNow + minutes(3), 10, minutes(2))->size(), 1u);
  DeliveryRow d{uid("n-1"), "https://hooks.example/x", kNow, 500, "answered 500", 3};
  ASSERT_TRUE(store->notices().recordDelivery(d, false, kNow + minutes(1)));
  EXPECT_TRUE(store->notices().claimDue(kNow, 10, minutes(2))->empty());
  d.httpStatus = 200;
  d.error.clear();
  d.attemptedAt = kNow + minutes(1);
  ASSERT_TRUE(store->notices().recordDelivery(d, true, std::nullopt));
  auto notices = store->notices().list();
  ASSERT_EQ(notices->size(), 1u);
  EXPECT_TRUE(notices->front().deliveredAt);
  EXPECT_EQ(notices->front().attempts, 2);
  EXPECT_EQ(store->notices().deliveries(10)->size(), 2u);
}

TEST_F(CentralStoreTest, AStaffLockoutIsStoredOnceAndListedWithItsTerminal) {
  AuditEvent a;
  a.at = kNow;
  a.terminal = "lobby-9";  // central names the sending device's terminal instead
  a.actor = "staff";
  a.action = AuditAction::kStaffLockedOut;
  a.eventId = event.id;
  a.reason = "5 wrong PINs";
  const auto item = api::toJson(uid("a-1"), a);
  auto s = push("audit", Json::array({item, item}));
  ASSERT_EQ(s.results.size(), 2u);
  EXPECT_EQ(s.results[0].status, api::ItemStatus::kAccepted) << s.results[0].detail;
  EXPECT_EQ(s.results[1].status, api::ItemStatus::kAccepted) << "a repeat";
  EXPECT_EQ(*store->records().countRows("audit"), 1u);
  auto listed = store->records().listAudit(event.id);
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().action, AuditAction::kStaffLockedOut);
  EXPECT_EQ(listed->front().terminal, "lobby-1");
  EXPECT_EQ(listed->front().at, kNow);
  EXPECT_EQ(listed->front().reason, "5 wrong PINs");

  // Only the actions central takes from terminals: a terminal cannot write central's
  // audit trail with anything else.
  a.action = AuditAction::kRetentionPurge;
  auto other = push("audit", Json::array({api::toJson(uid("a-2"), a)}));
  ASSERT_EQ(other.results.size(), 1u);
  EXPECT_EQ(other.results[0].status, api::ItemStatus::kRejected);
  EXPECT_EQ(*store->records().countRows("audit"), 1u);
}

TEST(MemoryRateLimiter, AllowsTheBurstThenAsksToWait) {
  MemoryRateLimiter limiter(2.0, 3.0);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(limiter.take("a", t0));
  EXPECT_FALSE(limiter.take("a", t0));
  EXPECT_FALSE(limiter.take("a", t0));
  auto wait = limiter.take("a", t0);
  ASSERT_TRUE(wait);
  EXPECT_GE(wait->count(), 1000);       // Retry-After is whole seconds
  EXPECT_FALSE(limiter.take("b", t0));  // keys are independent
  EXPECT_FALSE(limiter.take("a", t0 + std::chrono::milliseconds(600)));
  EXPECT_FALSE(MemoryRateLimiter(0, 0).take("x", t0));  // 0 = unlimited
}

}  // namespace
}  // namespace kiosk::central
