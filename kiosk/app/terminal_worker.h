// StoreWorker: the terminal's database and badge-rendering thread.
//
// Owns one std::jthread with its own LocalStore connection (one SQLite connection per
// thread), the CheckinService over it and the BadgeRenderer. The UI thread posts tasks
// (closures over values) and drains their results once per frame; it never waits for
// SQLite, Argon2 PIN checks or Cairo.
//
// Retention: the worker purges the personal data of ended events (LocalStore::
// purgeExpired, with the photo and badge files in data_dir) once it has opened the store,
// then every purgeInterval on the terminal's clock (checked between tasks and at least
// every minute), between the UI's tasks and never on the UI thread.
//
// Shutdown: finish() runs what is still queued (a check-in the guest confirmed in the
// last frame before SIGTERM), within a bound, before the terminal tears down.
//
// Threads: construct, start(), post(), drain(), finish() and destroy on the UI thread;
// tasks run in order on the worker. A task's results are queued after it returns (no
// lock is held while it runs). Failures: start() returns the store's error (missing or
// damaged database, no event); an exception escaping a task is caught and logged as a
// result.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "devices/printing/badge_renderer.h"
#include "documents/badge_data.h"
#include "documents/image_codec.h"
#include "kiosk/core/checkin_service.h"
#include "kiosk/core/flow.h"
#include "offline-cache/local_store.h"

namespace kiosk::app {

struct WorkerSettings {
  std::string database;
  std::string dataDir;
  std::string terminal;
  std::optional<EventId> event;  // nullopt: the only event in the database
  CheckinPolicy policy;
  devices::BadgeSize badgeSize = devices::BadgeSize::kCr80;
  // [privacy] retention_days: overrides each event's own retention period when set.
  std::optional<int> retentionDays;
  Millis purgeInterval = std::chrono::hours(24);
};

// A badge rendered for printing (PDF) and for the screen (preview).
struct RenderedBadge {
  std::string badgeId;  // the check-in id: the print-once key
  GuestId guestId = 0;
  bool reprint = false;
  std::string actor;
  std::string reason;
  std::string title;  // spooler job name: booking code only (privacy)
  std::vector<std::uint8_t> pdf;
  std::shared_ptr<const devices::RgbaImage> preview;
};

struct BadgeFailed {
  GuestId guestId = 0;
  std::string detail;
};

struct StoreStats {
  std::size_t outboxDepth = 0;
  std::optional<TimePoint> oldestQueued;
  std::uint64_t guests = 0;
  std::optional<std::uint64_t> diskFree;
};

// A sample badge (no guest's data) on the terminal's stock, for the staff device page.
struct StockPreview {
  std::shared_ptr<const devices::RgbaImage> image;
};

// A test page was handed to `printer` (as job `badgeId`), or could not be (`error`).
struct TestPageSent {
  std::string printer;
  std::string badgeId;
  std::string error;
};

// A line for the log (stderr / journald).
struct WorkerLog {
  std::string message;
};

using WorkerResult = std::variant<FlowEvent, RenderedBadge, BadgeFailed, StoreStats, StockPreview,
                                  TestPageSent, WorkerLog>;

// What a task sees on the worker thread.
struct WorkerContext {
  cache::LocalStore& store;
  CheckinService& service;
  const devices::BadgeRenderer& renderer;
  const Clock& clock;
  const WorkerSettings& settings;
  const Event& event;
  std::stop_token stopping;  // requested once the terminal is shutting down
};

// What StoreWorker::finish did with the work still queued when the terminal stopped.
struct DrainReport {
  std::size_t ran = 0;        // queued tasks run after the stop
  std::size_t abandoned = 0;  // queued tasks dropped: the bound was reached first
  bool boundReached = false;
  std::vector<WorkerResult> results;  // results nobody drained, in order
};

class StoreWorker {
 public:
  using Task = std::function<void(WorkerContext&, std::vector<WorkerResult>&)>;

  StoreWorker(WorkerSettings settings, const Clock& clock, devices::BadgeTemplate badgeTemplate);
  ~StoreWorker();
  StoreWorker(const StoreWorker&) = delete;
  StoreWorker& operator=(const StoreWorker&) = delete;

  // Starts the thread, opens the store there and resolves the event; waits for that
  // (startup only) and returns the event or the error. After an error it may be called
  // again (the database repaired); after success it returns the same event.
  Result<Event> start();
  void post(Task task);
  std::vector<WorkerResult> drain();
  std::size_t pending() const;

  // Shutdown, before the objects tasks use (printer, devices) go away: the tasks still
  // queued run, in order, until none is left or `bound` has passed (a task that is
  // running always completes: none is cut short, so a bound plus the longest task must
  // stay under systemd's stop timeout); the rest are abandoned. Then the thread ends.
  // Tasks posted afterwards are dropped. Destroying a worker that was not finished
  // abandons its queue.
  DrainReport finish(Millis bound);

 private:
  void run(std::stop_token stop);
  // Runs the retention purge now; returns when the next one is due.
  TimePoint purge(WorkerContext& context);

  WorkerSettings settings_;
  const Clock& clock_;
  devices::BadgeRenderer renderer_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<Task> tasks_;
  std::vector<WorkerResult> results_;
  std::size_t running_ = 0;
  bool finishing_ = false;
  std::chrono::steady_clock::time_point drainDeadline_{};
  DrainReport drained_;
  std::optional<Result<Event>> started_;
  std::condition_variable startedCv_;
  std::jthread thread_;  // last: joined before the members above go away
};

// Free disk space of the file system holding `path`, in bytes.
std::optional<std::uint64_t> freeDiskBytes(const std::string& path);

}  // namespace kiosk::app
