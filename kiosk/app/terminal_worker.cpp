#include "kiosk/app/terminal_worker.h"

#include <sys/statvfs.h>

#include <exception>

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
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
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
  WorkerContext context{*store, service, renderer_, clock_, settings_, *event};

  while (!stop.stop_requested()) {
    Task task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, stop, [&] { return !tasks_.empty(); });
      if (stop.stop_requested()) {
        return;
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
    std::lock_guard lock(mutex_);
    --running_;
    for (auto& r : out) {
      results_.push_back(std::move(r));
    }
  }
}

std::optional<std::uint64_t> freeDiskBytes(const std::string& path) {
  struct statvfs st {};
  if (statvfs(path.c_str(), &st) != 0) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(st.f_bavail) * static_cast<std::uint64_t>(st.f_frsize);
}

}  // namespace kiosk::app
