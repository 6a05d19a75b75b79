#include "kiosk/app/terminal_worker.h"

#include <sys/statvfs.h>

#include <exception>
#include <filesystem>

namespace kiosk::app {

StoreWorker::StoreWorker(WorkerSettings settings, const Clock& clock,
                         devices::BadgeTemplate badgeTemplate)
    : settings_(std::move(settings)), clock_(clock), renderer_(std::move(badgeTemplate)) {}

StoreWorker::~StoreWorker() {
  if (thread_.joinable()) {
    thread_.request_stop();
    wake_.notify_all();
  }
}

Result<Event> StoreWorker::start() {
  {
    std::lock_guard lock(mutex_);
    if (started_ && *started_) {
      return *started_;
    }
    started_.reset();
  }
  if (thread_.joinable()) {
    thread_.join();  // an earlier start that failed: its thread has ended
  }
  thread_ = std::jthread([this](std::stop_token stop) { run(std::move(stop)); });
  std::unique_lock lock(mutex_);
  startedCv_.wait(lock, [&] { return started_.has_value(); });
  return *started_;
}

void StoreWorker::post(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (finishing_) {
      ++drained_.abandoned;  // the terminal is shutting down: nobody would see the result
      return;
    }
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

DrainReport StoreWorker::finish(Millis bound) {
  {
    std::lock_guard lock(mutex_);
    finishing_ = true;
    drainDeadline_ = std::chrono::steady_clock::now() + bound;
  }
  if (thread_.joinable()) {
    thread_.request_stop();
    wake_.notify_all();
    thread_.join();
  }
  std::lock_guard lock(mutex_);
  DrainReport report = std::move(drained_);
  drained_ = DrainReport{};
  report.abandoned += tasks_.size();  // no thread to run them (the store never opened)
  tasks_.clear();
  report.results.swap(results_);
  return report;
}

std::vector<WorkerResult> StoreWorker::drain() {
  std::lock_guard lock(mutex_);
  std::vector<WorkerResult> out;
  out.swap(results_);
  return out;
}

std::size_t StoreWorker::pending() const {
  std::lock_guard lock(mutex_);
  return tasks_.size() + running_;
}

void StoreWorker::run(std::stop_token stop) {
  auto opened = cache::LocalStore::open(settings_.database);
  std::unique_ptr<cache::LocalStore> store;
  std::optional<Event> event;
  if (opened) {
    store = std::move(*opened);
    auto resolved = store->resolveEvent(settings_.event);
    if (resolved) {
      event = *resolved;
    }
    std::lock_guard lock(mutex_);
    started_ = resolved ? Result<Event>(*resolved) : Result<Event>(resolved.error());
  } else {
    std::lock_guard lock(mutex_);
    started_ = Result<Event>(opened.error());
  }
  startedCv_.notify_all();
  if (!store || !event) {
    return;
  }
  CheckinService service(*store, *store, clock_, settings_.terminal, event->id, settings_.policy);
  WorkerContext context{*store, service, renderer_, clock_, settings_, *event, stop};

  // Retention runs once the store is open, before the first task: a terminal that was off
  // when an event's period ran out purges as it starts.
  TimePoint nextPurge = purge(context);
  // A terminal idle for hours still purges on time (the UI's stats requests wake the
  // worker every few seconds anyway).
  constexpr auto kMaintenanceCheck = std::chrono::minutes(1);

  while (true) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, stop, kMaintenanceCheck, [&] { return !tasks_.empty(); });
      if (stop.stop_requested()) {
        // Shutting down. finish(): what is queued still runs, in order, within the
        // bound; a plain destruction (or the bound reached) abandons it.
        if (tasks_.empty()) {
          return;
        }
        if (!finishing_ || std::chrono::steady_clock::now() >= drainDeadline_) {
          drained_.abandoned += tasks_.size();
          drained_.boundReached = finishing_;
          tasks_.clear();
          return;
        }
        ++drained_.ran;
      } else if (tasks_.empty()) {
        lock.unlock();
        if (clock_.now() >= nextPurge) {
          nextPurge = purge(context);
        }
        continue;
      }
      task = std::move(tasks_.front());
      tasks_.pop_front();
      ++running_;
    }
    std::vector<WorkerResult> out;
    try {
      task(context, out);
    } catch (const std::exception& e) {
      out.push_back(WorkerLog{std::string("worker task failed: ") + e.what()});
    } catch (...) {
      out.push_back(WorkerLog{"worker task failed"});
    }
    {
      std::lock_guard lock(mutex_);
      --running_;
      for (auto& r : out) {
        results_.push_back(std::move(r));
      }
    }
    if (!stop.stop_requested() && clock_.now() >= nextPurge) {
      nextPurge = purge(context);
    }
  }
}

TimePoint StoreWorker::purge(WorkerContext& context) {
  namespace fs = std::filesystem;
  const TimePoint now = clock_.now();
  cache::PurgeOptions options;
  options.retentionDays = settings_.retentionDays;
  if (!settings_.dataDir.empty()) {
    // Where the terminal keeps files of a guest: photos (savePhoto) and badge PDFs (the
    // PDF printer); each named after the check-in.
    options.fileFolders = {(fs::path(settings_.dataDir) / "photos").string(),
                           (fs::path(settings_.dataDir) / "badges").string()};
  }
  std::optional<WorkerLog> line;
  TimePoint next = now + settings_.purgeInterval;
  try {
    auto stats = context.store.purgeExpired(now, settings_.terminal, options);
    if (!stats) {
      constexpr auto kRetry = std::chrono::hours(1);
      next = now + std::min<Millis>(settings_.purgeInterval, kRetry);
      line = WorkerLog{"retention purge failed (tried again within the hour): " +
                       stats.error().message};
    } else if (stats->events > 0 || stats->photos > 0 || stats->files > 0) {
      line = WorkerLog{"retention purge: personal data of " + std::to_string(stats->events) +
                       " ended event(s) deleted: " + std::to_string(stats->guests) + " guests, " +
                       std::to_string(stats->photos + stats->files) + " photo and badge files, " +
                       std::to_string(stats->outboxDropped) + " unsent records"};
    }
  } catch (const std::exception& e) {
    line = WorkerLog{std::string("retention purge failed: ") + e.what()};
  }
  if (line) {
    std::lock_guard lock(mutex_);
    results_.push_back(std::move(*line));
  }
  return next;
}

std::optional<std::uint64_t> freeDiskBytes(const std::string& path) {
  struct statvfs st {};
  if (statvfs(path.c_str(), &st) != 0) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(st.f_bavail) * static_cast<std::uint64_t>(st.f_frsize);
}

}  // namespace kiosk::app
