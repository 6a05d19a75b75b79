// StoreWorker: the terminal's database and badge-rendering thread.
//
// Owns one std::jthread with its own LocalStore connection (one SQLite connection per
// thread), the CheckinService over it and the BadgeRenderer. The UI thread posts tasks
// (closures over values) and drains their results once per frame; it never waits for
// SQLite, Argon2 PIN checks or Cairo.
//
// Threads: construct, start(), post(), drain() and destroy on the UI thread; tasks run in
// order on the worker. A task's results are queued after it returns (no lock is held
// while it runs). Failures: start() returns the store's error (missing or damaged
// database, no event); an exception escaping a task is caught and logged as a result.
#pragma once

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

#include "devices/printing/badge_data.h"
#include "devices/printing/badge_renderer.h"
#include "devices/printing/image_codec.h"
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

// A line for the log (stderr / journald).
struct WorkerLog {
  std::string message;
};

using WorkerResult = std::variant<FlowEvent, RenderedBadge, BadgeFailed, StoreStats, WorkerLog>;

// What a task sees on the worker thread.
struct WorkerContext {
  cache::LocalStore& store;
  CheckinService& service;
  const devices::BadgeRenderer& renderer;
  const Clock& clock;
  const WorkerSettings& settings;
  const Event& event;
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

 private:
  void run(std::stop_token stop);

  WorkerSettings settings_;
  const Clock& clock_;
  devices::BadgeRenderer renderer_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::deque<Task> tasks_;
  std::vector<WorkerResult> results_;
  std::size_t running_ = 0;
  std::optional<Result<Event>> started_;
  std::condition_variable startedCv_;
  std::jthread thread_;  // last: joined before the members above go away
};

// Free disk space of the file system holding `path`, in bytes.
std::optional<std::uint64_t> freeDiskBytes(const std::string& path);

}  // namespace kiosk::app
