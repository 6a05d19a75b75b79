#include "devices/printing/print_service.h"

#include <algorithm>
#include <utility>

#include "devices/printing/media_match.h"

namespace kiosk::devices {

struct PrintService::Record {
  PrintJob job;
  // Kept while the job may still be sent (queued, at a printer, waiting for one) and
  // dropped once it settled otherwise: a day of badges would otherwise stay in memory.
  std::shared_ptr<const std::vector<std::uint8_t>> pdf;
  std::string media;
  std::string title;
  std::string onlyPrinter;  // PrintRequest::printer
  // Changes whenever the job is restarted (reprint, retry): results of device calls
  // made for an older generation are dropped.
  std::uint64_t generation = 0;
  std::vector<bool> tried;  // per device, within this generation
  int deviceIndex = -1;
  std::optional<TimePoint> stuckSince;
  bool cancelRequested = false;
  std::vector<std::string> problems;  // why printers were skipped, for the final reason
};

struct PrintService::Action {
  enum class Kind { kSubmit, kPoll, kCancel } kind = Kind::kSubmit;
  std::string badgeId;
  std::uint64_t generation = 0;
  int attempt = 1;
  std::shared_ptr<const std::vector<std::uint8_t>> pdf;
  std::string media;
  std::string title;
  std::vector<bool> tried;
  int deviceIndex = -1;
  int deviceJobId = 0;
  std::optional<TimePoint> stuckSince;
  std::optional<TimePoint> acceptedAt;
};

PrintService::PrintService(std::unique_ptr<PrintDevice> primary,
                           std::unique_ptr<PrintDevice> fallback, const Clock& clock,
                           PrintServiceOptions options)
    : clock_(clock), options_(options) {
  devices_.push_back(std::move(primary));
  if (fallback) {
    devices_.push_back(std::move(fallback));
  }
  for (const auto& device : devices_) {
    PrinterStatus status;
    status.printer = device->name();
    status.reason = device->name() + ": not checked yet";
    statuses_.push_back(std::move(status));
  }
  worker_ = std::jthread([this](std::stop_token stop) { run(std::move(stop)); });
}

PrintService::~PrintService() {
  worker_.request_stop();
  wake_.notify_all();
}

std::vector<bool> PrintService::untried(const std::string& onlyPrinter) const {
  // By the names in statuses_ (fixed; no device call under the mutex).
  std::vector<bool> tried(devices_.size(), false);
  if (!onlyPrinter.empty()) {
    for (std::size_t i = 0; i < devices_.size(); ++i) {
      tried[i] = statuses_[i].printer != onlyPrinter;
    }
  }
  return tried;
}

void PrintService::touch(Record& record) {
  record.job.revision = ++revision_;
  changed_.notify_all();
}

PrintJob PrintService::enqueue(PrintRequest request, bool reprint) {
  std::lock_guard lock(mutex_);
  auto it = records_.find(request.badgeId);
  if (it != records_.end()) {
    Record& existing = *it->second;
    // Print-once: a second submit is a no-op. A reprint of a job still on its way is
    // one too: it will come out, and a second copy is not what staff asked for.
    if (!reprint || !isSettled(existing.job.state)) {
      return existing.job;
    }
  }
  auto record = std::make_unique<Record>();
  const int attempt = it != records_.end() ? it->second->job.attempt + 1 : 1;
  record->job.badgeId = request.badgeId;
  record->job.attempt = attempt;
  record->job.state = PrintJobState::kQueued;
  record->job.printer = request.printer.empty() ? statuses_.front().printer : request.printer;
  record->job.requestedAt = clock_.now();
  record->job.reason = "waiting for the print worker";
  record->pdf = std::make_shared<const std::vector<std::uint8_t>>(std::move(request.pdf));
  record->media = std::move(request.media);
  record->title = request.title.empty() ? "Badge " + request.badgeId : std::move(request.title);
  record->generation = nextGeneration_++;
  record->onlyPrinter = std::move(request.printer);
  record->tried = untried(record->onlyPrinter);
  if (it == records_.end()) {
    order_.push_back(request.badgeId);
    it = records_.emplace(request.badgeId, std::move(record)).first;
  } else {
    it->second = std::move(record);
  }
  touch(*it->second);
  workPending_ = true;
  wake_.notify_all();
  return it->second->job;
}

PrintJob PrintService::submit(PrintRequest request) {
  return enqueue(std::move(request), false);
}

PrintJob PrintService::reprint(PrintRequest request) {
  return enqueue(std::move(request), true);
}

std::optional<PrintJob> PrintService::retry(const std::string& badgeId) {
  std::lock_guard lock(mutex_);
  auto it = records_.find(badgeId);
  if (it == records_.end() || it->second->job.state != PrintJobState::kWaitingForPrinter) {
    return std::nullopt;
  }
  Record& r = *it->second;
  r.generation = nextGeneration_++;
  r.tried = untried(r.onlyPrinter);
  r.problems.clear();
  r.deviceIndex = -1;
  r.stuckSince.reset();
  r.job.state = PrintJobState::kQueued;
  r.job.reason = "retry: waiting for the print worker";
  r.job.deviceJobId = 0;
  r.job.acceptedAt.reset();
  r.job.finishedAt.reset();
  touch(r);
  workPending_ = true;
  wake_.notify_all();
  return r.job;
}

std::optional<PrintJob> PrintService::cancel(const std::string& badgeId) {
  std::lock_guard lock(mutex_);
  auto it = records_.find(badgeId);
  if (it == records_.end()) {
    return std::nullopt;
  }
  Record& r = *it->second;
  if (isSettled(r.job.state)) {
    return r.job;
  }
  r.cancelRequested = true;
  if (r.job.state == PrintJobState::kQueued) {
    r.job.state = PrintJobState::kCancelled;
    r.pdf.reset();
    r.job.reason = "cancelled before it was sent";
    r.job.finishedAt = clock_.now();
  }
  touch(r);
  workPending_ = true;
  wake_.notify_all();
  return r.job;
}

std::optional<PrintJob> PrintService::job(const std::string& badgeId) const {
  std::lock_guard lock(mutex_);
  auto it = records_.find(badgeId);
  if (it == records_.end()) {
    return std::nullopt;
  }
  return it->second->job;
}

std::vector<PrintJob> PrintService::jobs() const {
  std::lock_guard lock(mutex_);
  std::vector<PrintJob> out;
  out.reserve(order_.size());
  for (const auto& id : order_) {
    out.push_back(records_.at(id)->job);
  }
  return out;
}

PrinterStatus PrintService::printerStatus() const {
  std::lock_guard lock(mutex_);
  for (const auto& status : statuses_) {
    if (isUsable(status.state)) {
      return status;
    }
  }
  return statuses_.front();
}

std::vector<PrinterStatus> PrintService::printers() const {
  std::lock_guard lock(mutex_);
  return statuses_;
}

std::optional<PrintJob> PrintService::waitFor(const std::string& badgeId,
                                              const std::function<bool(const PrintJob&)>& done,
                                              Millis timeout) const {
  std::unique_lock lock(mutex_);
  std::optional<PrintJob> last;
  changed_.wait_for(lock, timeout, [&] {
    auto it = records_.find(badgeId);
    if (it == records_.end()) {
      return false;
    }
    last = it->second->job;
    return done(*last);
  });
  return last;
}

std::optional<PrintJob> PrintService::waitUntilSettled(const std::string& badgeId,
                                                       Millis timeout) const {
  return waitFor(
      badgeId, [](const PrintJob& j) { return isSettled(j.state); }, timeout);
}

void PrintService::run(std::stop_token stop) {
  TimePoint lastRefresh{};
  while (!stop.stop_requested()) {
    const bool active = runOnce();
    if (!active && clock_.now() - lastRefresh >= options_.idleStatusInterval) {
      for (std::size_t i = 0; i < devices_.size() && !stop.stop_requested(); ++i) {
        refreshStatus(i);
      }
      lastRefresh = clock_.now();
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, stop, active ? options_.pollInterval : options_.idleStatusInterval,
                   [this] { return workPending_; });
  }
}

bool PrintService::runOnce() {
  std::vector<Action> actions;
  {
    std::lock_guard lock(mutex_);
    workPending_ = false;
    for (const auto& id : order_) {
      Record& r = *records_.at(id);
      const PrintJobState state = r.job.state;
      if (isSettled(state) || state == PrintJobState::kSubmitting) {
        continue;
      }
      Action a;
      a.badgeId = id;
      a.generation = r.generation;
      a.attempt = r.job.attempt;
      a.tried = r.tried;
      a.deviceIndex = r.deviceIndex;
      a.deviceJobId = r.job.deviceJobId;
      a.stuckSince = r.stuckSince;
      a.acceptedAt = r.job.acceptedAt;
      if (r.cancelRequested) {
        a.kind = Action::Kind::kCancel;
      } else if (state == PrintJobState::kQueued) {
        a.kind = Action::Kind::kSubmit;
        a.pdf = r.pdf;
        a.media = r.media;
        a.title = r.title;
      } else {
        a.kind = Action::Kind::kPoll;
      }
      actions.push_back(std::move(a));
    }
  }
  for (const Action& a : actions) {
    switch (a.kind) {
      case Action::Kind::kSubmit:
        submitJob(a);
        break;
      case Action::Kind::kPoll:
        pollJob(a);
        break;
      case Action::Kind::kCancel:
        cancelJob(a);
        break;
    }
  }
  return !actions.empty();
}

PrinterStatus PrintService::refreshStatus(std::size_t device) {
  auto result = devices_[device]->queryStatus();
  PrinterStatus status;
  if (result) {
    status = std::move(*result);
  } else {
    status.printer = devices_[device]->name();
    status.state = result.error().kind == ErrorKind::kTransient ? PrinterState::kOffline
                                                                : PrinterState::kError;
    status.reason = devices_[device]->name() + ": " + result.error().message;
  }
  status.checkedAt = clock_.now();
  if (!options_.badgeMedia.empty()) {
    const MediaChoice choice =
        chooseMedia(options_.badgeMedia, status.mediaReady, status.mediaSupported);
    status.mediaFit = choice.fit;
    status.badgeMedia = choice.media;
  }
  std::lock_guard lock(mutex_);
  statuses_[device] = status;
  return status;
}

void PrintService::submitJob(const Action& action) {
  std::vector<std::string> problems;
  std::vector<bool> tried = action.tried;
  for (std::size_t i = 0; i < devices_.size(); ++i) {
    if (tried[i]) {
      continue;
    }
    tried[i] = true;
    const PrinterStatus status = refreshStatus(i);
    if (!isUsable(status.state)) {
      problems.push_back(status.reason);
      continue;
    }
    {
      std::lock_guard lock(mutex_);
      auto it = records_.find(action.badgeId);
      if (it == records_.end() || it->second->generation != action.generation ||
          it->second->cancelRequested) {
        return;
      }
      Record& r = *it->second;
      r.job.state = PrintJobState::kSubmitting;
      r.job.printer = status.printer;
      r.job.printerState = status.state;
      r.job.reason = "sending to " + status.printer;
      touch(r);
    }
    DeviceDocument doc;
    doc.badgeId = action.badgeId;
    doc.attempt = action.attempt;
    doc.title = action.title;
    // The printer's own name for the badge's size (media_match.h).
    doc.media = action.media.empty()
                    ? action.media
                    : chooseMedia(action.media, status.mediaReady, status.mediaSupported).media;
    doc.pdf = action.pdf.get();
    auto submitted = devices_[i]->submit(doc);
    std::lock_guard lock(mutex_);
    auto it = records_.find(action.badgeId);
    if (it == records_.end() || it->second->generation != action.generation) {
      return;
    }
    Record& r = *it->second;
    r.tried = tried;
    if (submitted) {
      r.deviceIndex = static_cast<int>(i);
      r.stuckSince.reset();
      r.job.state = PrintJobState::kAccepted;
      r.job.deviceJobId = *submitted;
      r.job.usedFallback = i > 0;
      r.job.acceptedAt = clock_.now();
      r.problems.insert(r.problems.end(), problems.begin(), problems.end());
      r.job.reason = "accepted by " + status.printer;
      if (!r.problems.empty()) {
        r.job.reason += " (" + r.problems.back() + ")";
      }
      touch(r);
      return;
    }
    problems.push_back(status.printer + ": " + submitted.error().message);
    r.job.state = PrintJobState::kQueued;  // back to the loop below for the next device
    touch(r);
  }
  std::lock_guard lock(mutex_);
  auto it = records_.find(action.badgeId);
  if (it == records_.end() || it->second->generation != action.generation) {
    return;
  }
  Record& r = *it->second;
  r.tried = tried;
  r.problems.insert(r.problems.end(), problems.begin(), problems.end());
  r.job.state = PrintJobState::kWaitingForPrinter;
  r.job.finishedAt = clock_.now();
  std::string reason = r.onlyPrinter.empty() ? "no usable printer" : r.onlyPrinter + " not usable";
  for (const auto& p : r.problems) {
    reason += "; " + p;
  }
  r.job.reason = reason;
  const auto only = std::find_if(statuses_.begin(), statuses_.end(), [&](const PrinterStatus& s) {
    return s.printer == r.onlyPrinter;
  });
  const PrinterStatus& last = only == statuses_.end() ? statuses_.front() : *only;
  r.job.printer = last.printer;
  r.job.printerState = last.state;
  touch(r);
}

void PrintService::moveOn(const Action& action, std::string reason) {
  std::lock_guard lock(mutex_);
  auto it = records_.find(action.badgeId);
  if (it == records_.end() || it->second->generation != action.generation) {
    return;
  }
  Record& r = *it->second;
  r.problems.push_back(std::move(reason));
  r.tried[static_cast<std::size_t>(action.deviceIndex)] = true;
  r.stuckSince.reset();
  r.job.state = PrintJobState::kQueued;
  r.job.deviceJobId = 0;
  r.job.acceptedAt.reset();
  r.job.reason = "moving on: " + r.problems.back();
  touch(r);
  workPending_ = true;
}

void PrintService::pollJob(const Action& action) {
  const auto device = static_cast<std::size_t>(action.deviceIndex);
  auto polled = devices_[device]->queryJob(action.deviceJobId);
  const PrinterStatus status = refreshStatus(device);
  const TimePoint now = clock_.now();
  if (polled && polled->state == DeviceJobState::kCompleted) {
    std::lock_guard lock(mutex_);
    auto it = records_.find(action.badgeId);
    if (it == records_.end() || it->second->generation != action.generation) {
      return;
    }
    Record& r = *it->second;
    r.job.state = PrintJobState::kCompleted;
    r.pdf.reset();
    r.job.finishedAt = now;
    r.job.printerState = status.state;
    r.job.reason = "printed on " + status.printer;
    if (!r.problems.empty()) {
      r.job.reason += " (" + r.problems.back() + ")";
    }
    touch(r);
    return;
  }
  if (polled && polled->state == DeviceJobState::kCancelled) {
    std::lock_guard lock(mutex_);
    auto it = records_.find(action.badgeId);
    if (it == records_.end() || it->second->generation != action.generation) {
      return;
    }
    Record& r = *it->second;
    r.job.state = PrintJobState::kCancelled;
    r.pdf.reset();
    r.job.finishedAt = now;
    r.job.reason = "cancelled at the spooler of " + status.printer;
    touch(r);
    return;
  }
  if (polled && polled->state == DeviceJobState::kAborted) {
    moveOn(action, status.printer + ": the printer aborted the job" +
                       (polled->message.empty() ? "" : " (" + polled->message + ")") + "; " +
                       status.reason);
    return;
  }
  // Still pending or printing. Decide whether it is stuck.
  const bool blocked = !polled || !isUsable(status.state);
  const std::optional<TimePoint> stuckSince =
      blocked ? std::optional<TimePoint>(action.stuckSince.value_or(now)) : std::nullopt;
  const bool stuckTooLong = stuckSince && now - *stuckSince >= options_.stuckGrace;
  const bool timedOut = action.acceptedAt && now - *action.acceptedAt >= options_.jobTimeout;
  if (stuckTooLong || timedOut) {
    // Best effort: if the spooler cannot be reached it cannot print the job either.
    (void)devices_[device]->cancel(action.deviceJobId);
    std::string why =
        timedOut ? status.printer + ": job not done in time; " + status.reason : status.reason;
    if (!polled) {
      why += "; " + polled.error().message;
    }
    moveOn(action, std::move(why));
    return;
  }
  std::lock_guard lock(mutex_);
  auto it = records_.find(action.badgeId);
  if (it == records_.end() || it->second->generation != action.generation) {
    return;
  }
  Record& r = *it->second;
  const PrintJobState next = polled && polled->state == DeviceJobState::kProcessing
                                 ? PrintJobState::kPrinting
                                 : PrintJobState::kAccepted;
  const std::string reason =
      blocked ? "waiting: " + status.reason
              : (next == PrintJobState::kPrinting ? "printing on " + status.printer
                                                  : "queued at " + status.printer);
  r.stuckSince = stuckSince;
  if (r.job.state != next || r.job.printerState != status.state || r.job.reason != reason) {
    r.job.state = next;
    r.job.printerState = status.state;
    r.job.reason = reason;
    touch(r);
  }
}

void PrintService::cancelJob(const Action& action) {
  Status cancelled = okStatus();
  if (action.deviceIndex >= 0 && action.deviceJobId > 0) {
    cancelled = devices_[static_cast<std::size_t>(action.deviceIndex)]->cancel(action.deviceJobId);
  }
  std::lock_guard lock(mutex_);
  auto it = records_.find(action.badgeId);
  if (it == records_.end() || it->second->generation != action.generation) {
    return;
  }
  Record& r = *it->second;
  r.job.state = PrintJobState::kCancelled;
  r.pdf.reset();
  r.job.finishedAt = clock_.now();
  r.job.reason =
      cancelled ? "cancelled by staff"
                : "cancelled by staff; the spooler did not confirm: " + cancelled.error().message;
  touch(r);
}

}  // namespace kiosk::devices
