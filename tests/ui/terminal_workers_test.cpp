// The terminal's worker threads on their own: the store worker (database and badges) and
// the photo worker (face guidance on camera frames). The UI thread's side is this test's
// main thread, posting, polling and draining while the workers run; the ThreadSanitizer
// run of the suite (`make test-tsan`) checks the hand-offs.
#include <gtest/gtest.h>

// GCC's -O2 flow analysis reports the WorkerResult variant's inactive members as "maybe
// uninitialized" when a WorkerLog is moved into it inside these test lambdas (a known
// false positive of std::variant moves; the members have default initializers).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "devices/camera/scan_pipeline.h"
#include "devices/camera/synthetic_source.h"
#include "kiosk/app/terminal_photo.h"
#include "kiosk/app/terminal_worker.h"
#include "offline-cache/local_store.h"
#include "support/temp_dir.h"

namespace kiosk::app {
namespace {

using std::chrono::hours;
namespace fs = std::filesystem;

const TimePoint kNow = fromUnixSeconds(1'795'000'000);
constexpr EventId kEvent = 0x5eed0002;

Event makeEvent() {
  Event e;
  e.id = kEvent;
  e.name = "Lakeside Forum 2026";
  e.startsAt = kNow - hours(24);
  e.endsAt = kNow + hours(48);
  return e;
}

void createEventDatabase(const std::string& path, int guests, Event event = makeEvent()) {
  auto store = cache::LocalStore::open(path);
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->saveEvent(event));
  std::vector<Guest> list;
  for (int i = 0; i < guests; ++i) {
    Guest g;
    g.bookingCode = "WRK-" + std::to_string(1000 + i);
    g.name = "Guest " + std::to_string(i);
    list.push_back(g);
  }
  ASSERT_TRUE((*store)->upsertGuests(kEvent, list, kNow));
}

std::int64_t countRows(const std::string& database, const std::string& table) {
  auto store = cache::LocalStore::open(database);
  if (!store) {
    return -1;
  }
  auto s = (*store)->database().prepare("SELECT COUNT(*) FROM " + table);
  return s.step() ? s.columnInt(0) : -1;
}

WorkerSettings settingsIn(const testing::TempDir& dir) {
  WorkerSettings settings;
  settings.database = dir.file("event.db");
  settings.dataDir = dir.path().string();
  settings.terminal = "lobby-1";
  return settings;
}

// A task that keeps the worker busy, as a slow write does, until the worker is told to
// stop: what is posted after it is still queued when the terminal shuts down.
StoreWorker::Task busyUntilStopping(std::atomic<bool>& running) {
  return [&running](WorkerContext& c, std::vector<WorkerResult>&) {
    running = true;
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait_for(lock, c.stopping, std::chrono::seconds(30), [] { return false; });
  };
}

std::vector<std::string> logLines(std::vector<WorkerResult> results) {
  std::vector<std::string> out;
  for (auto& r : results) {
    if (auto* l = std::get_if<WorkerLog>(&r)) {
      out.push_back(l->message);
    }
  }
  return out;
}

template <class Pred>
bool waitUntil(Pred pred, std::chrono::seconds limit = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

TEST(StoreWorker, StartsAgainOnceTheDatabaseIsThere) {
  testing::TempDir dir;
  ManualClock clock{kNow};
  WorkerSettings settings;
  settings.database = dir.file("missing/event.db");
  settings.dataDir = dir.path().string();
  settings.terminal = "lobby-1";
  auto badgeTemplate = devices::defaultBadgeTemplate();
  ASSERT_TRUE(badgeTemplate) << badgeTemplate.error().message;
  StoreWorker worker(settings, clock, std::move(*badgeTemplate));
  auto first = worker.start();
  ASSERT_FALSE(first);
  EXPECT_NE(first.error().message.find("missing/event.db"), std::string::npos)
      << first.error().message;

  std::filesystem::create_directories(dir.file("missing"));
  createEventDatabase(settings.database, 1);
  auto second = worker.start();
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->id, kEvent);
  auto third = worker.start();  // started: the same event, no second thread
  ASSERT_TRUE(third);
  EXPECT_EQ(third->id, kEvent);
}

// Check-ins posted from the UI thread while it drains results: every one is answered,
// in order, and stands in the database exactly once.
TEST(StoreWorker, TasksPostedWhileDrainingAreEachAnsweredInOrder) {
  testing::TempDir dir;
  constexpr int kGuests = 60;
  WorkerSettings settings;
  settings.database = dir.file("event.db");
  settings.dataDir = dir.path().string();
  settings.terminal = "lobby-1";
  createEventDatabase(settings.database, kGuests);
  ManualClock clock{kNow};
  auto badgeTemplate = devices::defaultBadgeTemplate();
  ASSERT_TRUE(badgeTemplate);
  StoreWorker worker(settings, clock, std::move(*badgeTemplate));
  ASSERT_TRUE(worker.start());

  std::vector<std::string> answered;
  for (int i = 0; i < kGuests; ++i) {
    const std::string code = "WRK-" + std::to_string(1000 + i);
    worker.post([code](WorkerContext& c, std::vector<WorkerResult>& out) {
      auto d = c.service.checkInNow(code, ScanSource::kTyped);
      out.push_back(WorkerLog{code + (d && d->accepted() ? " accepted" : " failed")});
    });
    for (auto& r : worker.drain()) {
      answered.push_back(std::get<WorkerLog>(r).message);
    }
  }
  ASSERT_TRUE(waitUntil([&] {
    for (auto& r : worker.drain()) {
      answered.push_back(std::get<WorkerLog>(r).message);
    }
    return worker.pending() == 0 && answered.size() == kGuests;
  })) << answered.size()
      << " of " << kGuests;
  for (int i = 0; i < kGuests; ++i) {
    EXPECT_EQ(answered[static_cast<std::size_t>(i)],
              "WRK-" + std::to_string(1000 + i) + " accepted");
  }
  auto store = cache::LocalStore::open(settings.database);
  ASSERT_TRUE(store);
  auto count = (*store)->database().prepare("SELECT COUNT(*) FROM checkins");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.columnInt(0), kGuests);
}

// Shutdown (SIGTERM from systemd): check-ins queued behind a busy worker are committed
// by finish(), each exactly once, and their results are handed back.
TEST(StoreWorker, FinishCommitsWhatIsStillQueued) {
  testing::TempDir dir;
  const auto settings = settingsIn(dir);
  createEventDatabase(settings.database, 5);
  ManualClock clock{kNow};
  auto badgeTemplate = devices::defaultBadgeTemplate();
  ASSERT_TRUE(badgeTemplate);
  StoreWorker worker(settings, clock, std::move(*badgeTemplate));
  ASSERT_TRUE(worker.start());
  std::atomic<bool> busy{false};
  worker.post(busyUntilStopping(busy));
  ASSERT_TRUE(waitUntil([&] { return busy.load(); }));
  for (int i = 0; i < 5; ++i) {
    const std::string code = "WRK-" + std::to_string(1000 + i);
    worker.post([code](WorkerContext& c, std::vector<WorkerResult>& out) {
      auto d = c.service.checkInNow(code, ScanSource::kTyped);
      out.push_back(WorkerLog{code + (d && d->accepted() ? " accepted" : " failed")});
    });
  }
  EXPECT_EQ(worker.pending(), 6u);
  const auto report = worker.finish(std::chrono::seconds(10));
  EXPECT_EQ(report.ran, 5u);
  EXPECT_EQ(report.abandoned, 0u);
  EXPECT_FALSE(report.boundReached);
  const auto lines = logLines(report.results);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines.front(), "WRK-1000 accepted");
  EXPECT_EQ(lines.back(), "WRK-1004 accepted");
  EXPECT_EQ(countRows(settings.database, "checkins"), 5);

  // Once finished, nothing more runs (nobody would see it) and nothing hangs.
  worker.post(
      [](WorkerContext&, std::vector<WorkerResult>& out) { out.push_back(WorkerLog{"late"}); });
  EXPECT_EQ(worker.finish(std::chrono::seconds(1)).abandoned, 1u);
}

// The drain is bounded (systemd kills the terminal TimeoutStopSec after SIGTERM): tasks
// still queued when the bound is reached are abandoned and counted; none is cut short.
TEST(StoreWorker, FinishStopsAtItsBound) {
  testing::TempDir dir;
  const auto settings = settingsIn(dir);
  createEventDatabase(settings.database, 1);
  ManualClock clock{kNow};
  auto badgeTemplate = devices::defaultBadgeTemplate();
  ASSERT_TRUE(badgeTemplate);
  StoreWorker worker(settings, clock, std::move(*badgeTemplate));
  ASSERT_TRUE(worker.start());
  std::atomic<int> started{0};
  std::atomic<int> completed{0};
  for (int i = 0; i < 20; ++i) {
    worker.post([&started, &completed](WorkerContext&, std::vector<WorkerResult>&) {
      ++started;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      ++completed;
    });
  }
  ASSERT_TRUE(waitUntil([&] { return started.load() > 0; }));
  const auto began = std::chrono::steady_clock::now();
  const auto report = worker.finish(std::chrono::milliseconds(350));
  const auto took = std::chrono::steady_clock::now() - began;
  EXPECT_TRUE(report.boundReached);
  EXPECT_GT(report.abandoned, 0u);
  EXPECT_GE(report.ran, 1u) << "the bound leaves time for a few";
  EXPECT_EQ(started.load(), 20 - static_cast<int>(report.abandoned));
  EXPECT_EQ(completed.load(), started.load()) << "none is cut short";
  EXPECT_LT(took, std::chrono::seconds(2));
}

// Retention runs by itself: an event whose retention period ended while the terminal
// was off is purged when the worker starts (nobody calls purgeExpired), with its guests'
// photo and badge files in data_dir.
TEST(StoreWorker, PurgesEndedEventsAtStartWithoutBeingAsked) {
  testing::TempDir dir;
  const auto settings = settingsIn(dir);
  Event ended = makeEvent();
  ended.startsAt = kNow - hours(24 * 45);
  ended.endsAt = kNow - hours(24 * 42);  // retention 30 days: due
  createEventDatabase(settings.database, 3, ended);
  fs::create_directories(dir.path() / "photos");
  fs::create_directories(dir.path() / "badges");
  std::string checkinId;
  {
    auto store = cache::LocalStore::open(settings.database);
    ASSERT_TRUE(store);
    ManualClock then{ended.startsAt + hours(1)};
    CheckinService service(**store, **store, then, "lobby-1", kEvent);
    auto d = service.checkInNow("WRK-1000", ScanSource::kTyped);
    ASSERT_TRUE(d && d->checkin);
    checkinId = d->checkin->id;
  }
  std::ofstream(dir.path() / "photos" / (checkinId + ".jpg")) << "face";
  std::ofstream(dir.path() / "badges" / (checkinId + "-1.pdf")) << "name and face";

  ManualClock clock{kNow};
  auto badgeTemplate = devices::defaultBadgeTemplate();
  ASSERT_TRUE(badgeTemplate);
  StoreWorker worker(settings, clock, std::move(*badgeTemplate));
  ASSERT_TRUE(worker.start());
  std::vector<std::string> lines;
  ASSERT_TRUE(waitUntil([&] {
    for (auto& l : logLines(worker.drain())) {
      lines.push_back(l);
    }
    return !lines.empty();
  }));
  EXPECT_NE(lines.front().find("retention purge: personal data of 1 ended event(s) deleted: 3 "
                               "guests, 2 photo and badge files"),
            std::string::npos)
      << lines.front();
  EXPECT_EQ(countRows(settings.database, "guests"), 0);
  EXPECT_EQ(countRows(settings.database, "audit WHERE action = 'retention_purge'"), 1);
  EXPECT_FALSE(fs::exists(dir.path() / "photos" / (checkinId + ".jpg")));
  EXPECT_FALSE(fs::exists(dir.path() / "badges" / (checkinId + "-1.pdf")));
  EXPECT_EQ(countRows(settings.database, "checkins"), 1) << "the check-in itself is kept";
}

// And then daily on the terminal's clock, with the terminal's [privacy] retention_days
// (3 here) in place of the event's 30.
TEST(StoreWorker, PurgesAgainEachDayWithTheTerminalsRetention) {
  testing::TempDir dir;
  auto settings = settingsIn(dir);
  settings.retentionDays = 3;
  Event ended = makeEvent();
  ended.startsAt = kNow - hours(24 * 3);
  ended.endsAt = kNow - hours(24 * 2);
  createEventDatabase(settings.database, 2, ended);
  ManualClock clock{kNow};
  auto badgeTemplate = devices::defaultBadgeTemplate();
  ASSERT_TRUE(badgeTemplate);
  StoreWorker worker(settings, clock, std::move(*badgeTemplate));
  ASSERT_TRUE(worker.start());
  const auto roundTrip = [&] {  // a task through the worker: it has looked at the clock
    worker.post([](WorkerContext&, std::vector<WorkerResult>&) {});
    return waitUntil([&] { return worker.pending() == 0; });
  };
  ASSERT_TRUE(roundTrip());
  EXPECT_EQ(countRows(settings.database, "guests"), 2) << "ended 2 days ago: kept";

  clock.advance(hours(12));
  ASSERT_TRUE(roundTrip());
  EXPECT_EQ(countRows(settings.database, "guests"), 2) << "the next purge is a day after start";

  clock.advance(hours(13));  // a day after start, and 3 days after the event's end
  ASSERT_TRUE(roundTrip());
  ASSERT_TRUE(waitUntil([&] { return countRows(settings.database, "guests") == 0; }));
  EXPECT_EQ(countRows(settings.database, "audit WHERE action = 'retention_purge'"), 1);
}

// The guided photo against the synthetic camera: guidance is published while the UI
// thread polls, the countdown runs on the terminal's clock, the photo is taken.
TEST(PhotoWorker, GuidesAndTakesThePhotoWhileTheUiPolls) {
  SystemClock camClock;
  devices::SyntheticSourceOptions options;
  options.scene.width = 640;
  options.scene.height = 480;
  auto source = std::make_unique<devices::SyntheticSource>(options, camClock);
  auto* synthetic = source.get();
  devices::ScanPipeline pipeline(std::move(source));
  pipeline.start();
  synthetic->presentFace(devices::FacePlacement{0.5f, 0.44f, 0.22f});

  ManualClock clock{kNow};
  PhotoWorker photo(&pipeline, clock, devices::PhotoGuideOptions{});
  photo.command(PhotoCommand::kStart);
  PhotoSnapshot last;
  const bool taken = waitUntil([&] {
    last = photo.snapshot();
    if (!last.available) {
      return true;
    }
    clock.advance(std::chrono::milliseconds(100));
    return last.captured;
  });
  pipeline.stop();
  if (!last.available) {
    GTEST_SKIP() << "no face cascade here (Debian package opencv-data): " << last.error;
  }
  ASSERT_TRUE(taken) << "hint " << last.hint << ", countdown " << last.countdown;
  ASSERT_TRUE(last.jpeg);
  EXPECT_GT(last.jpeg->size(), 1000u);
  ASSERT_TRUE(last.preview);
  EXPECT_GT(last.preview->width, 0);
  photo.clear();
  EXPECT_FALSE(photo.snapshot().captured);
}

// When the journey ends (the controller's ReleasePersonalData: done, idle reset, cancel,
// staff takeover) the photo worker drops the guest's photo everywhere it had it: in what
// it published and in its face guide (the photo and its copy of the last frame).
TEST(PhotoWorker, HoldsNoImageOfTheGuestAfterTheJourneyEnds) {
  SystemClock camClock;
  devices::SyntheticSourceOptions options;
  options.scene.width = 640;
  options.scene.height = 480;
  auto source = std::make_unique<devices::SyntheticSource>(options, camClock);
  auto* synthetic = source.get();
  devices::ScanPipeline pipeline(std::move(source));
  pipeline.start();
  synthetic->presentFace(devices::FacePlacement{0.5f, 0.44f, 0.22f});

  ManualClock clock{kNow};
  PhotoWorker photo(&pipeline, clock, devices::PhotoGuideOptions{});
  EXPECT_FALSE(photo.holdsGuestImage());
  photo.command(PhotoCommand::kStart);
  PhotoSnapshot last;
  const bool taken = waitUntil([&] {
    last = photo.snapshot();
    if (!last.available) {
      return true;
    }
    clock.advance(std::chrono::milliseconds(100));
    return last.captured;
  });
  if (!last.available) {
    pipeline.stop();
    GTEST_SKIP() << "no face cascade here (Debian package opencv-data): " << last.error;
  }
  ASSERT_TRUE(taken);
  photo.command(PhotoCommand::kStop);  // accepted: guidance stops, the photo stays for now
  EXPECT_TRUE(photo.holdsGuestImage());
  // The next guest walks up: the camera keeps running, the photo worker is idle.
  synthetic->clear();
  photo.clear();
  EXPECT_FALSE(photo.snapshot().jpeg);
  EXPECT_FALSE(photo.snapshot().preview);
  EXPECT_TRUE(waitUntil([&] { return !photo.holdsGuestImage(); }, std::chrono::seconds(5)))
      << "the face guide still holds the last guest's photo";
  pipeline.stop();
}

}  // namespace
}  // namespace kiosk::app
