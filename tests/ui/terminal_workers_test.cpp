// The terminal's worker threads on their own: the store worker (database and badges) and
// the photo worker (face guidance on camera frames). The UI thread's side is this test's
// main thread, posting, polling and draining while the workers run; the ThreadSanitizer
// run of the suite (`make test-tsan`) checks the hand-offs.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
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

void createEventDatabase(const std::string& path, int guests) {
  auto store = cache::LocalStore::open(path);
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->saveEvent(makeEvent()));
  std::vector<Guest> list;
  for (int i = 0; i < guests; ++i) {
    Guest g;
    g.bookingCode = "WRK-" + std::to_string(1000 + i);
    g.name = "Guest " + std::to_string(i);
    list.push_back(g);
  }
  ASSERT_TRUE((*store)->upsertGuests(kEvent, list, kNow));
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

}  // namespace
}  // namespace kiosk::app
