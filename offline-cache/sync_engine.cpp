#include "offline-cache/sync_engine.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <stop_token>
#include <thread>

#include "offline-cache/sync_backoff.h"

namespace kiosk::cache {

const char* toString(SyncState state) {
  switch (state) {
    case SyncState::kStarting:
      return "starting";
    case SyncState::kNotEnrolled:
      return "not_enrolled";
    case SyncState::kOnline:
      return "online";
    case SyncState::kOffline:
      return "offline";
    case SyncState::kUnauthorized:
      return "unauthorized";
    case SyncState::kDeviceRevoked:
      return "device_revoked";
  }
  return "unknown";
}

const char* toString(SyncProblem problem) {
  switch (problem) {
    case SyncProblem::kNone:
      return "none";
    case SyncProblem::kUnreachable:
      return "unreachable";
    case SyncProblem::kTimeout:
      return "timeout";
    case SyncProblem::kCertificate:
      return "certificate";
    case SyncProblem::kAddress:
      return "address";
    case SyncProblem::kNetwork:
      return "network";
    case SyncProblem::kServerError:
      return "server_error";
    case SyncProblem::kBusy:
      return "busy";
    case SyncProblem::kBadAnswer:
      return "bad_answer";
    case SyncProblem::kUnauthorized:
      return "unauthorized";
    case SyncProblem::kRevoked:
      return "revoked";
    case SyncProblem::kNotEnrolled:
      return "not_enrolled";
    case SyncProblem::kLocalData:
      return "local_data";
    case SyncProblem::kStopped:
      return "stopped";
  }
  return "stopped";
}

namespace {

using SteadyClock = std::chrono::steady_clock;

// The engine's own logger, on stderr whatever the application does with stdout (scripted
// runs print JSON lines there).
spdlog::logger& syncLog() {
  static const std::shared_ptr<spdlog::logger> logger = [] {
    if (auto existing = spdlog::get("sync")) {
      return existing;
    }
    return spdlog::stderr_color_mt("sync");
  }();
  return *logger;
}

// How one exchange with central ended, as far as the round is concerned.
enum class Outcome {
  kOk,
  kTransient,     // keep everything, back off, retry
  kRetryAfter,    // 429: keep everything, wait at least retryAfter
  kUnauthorized,  // token expired/unknown
  kRevoked,       // device revoked: wipe
};

struct Failure {
  Outcome outcome = Outcome::kTransient;
  std::string message;
  std::optional<Millis> retryAfter;
  bool reachedServer = false;
  bool unreachable = false;  // no connection at all: probe, do not back off
  // The failures built without one are the terminal's own database's.
  SyncProblem problem = SyncProblem::kLocalData;
};

SyncProblem syncProblem(TransportFailure failure) {
  switch (failure) {
    case TransportFailure::kUnreachable:
      return SyncProblem::kUnreachable;
    case TransportFailure::kTimeout:
      return SyncProblem::kTimeout;
    case TransportFailure::kCertificate:
      return SyncProblem::kCertificate;
    case TransportFailure::kAddress:
      return SyncProblem::kAddress;
    case TransportFailure::kNone:
    case TransportFailure::kAborted:
    case TransportFailure::kNetwork:
      break;
  }
  return SyncProblem::kNetwork;
}

std::string describeStatus(const HttpResponse& r) {
  std::string text = "central answered " + std::to_string(r.status);
  if (auto problem = api::parseProblem(r.body)) {
    if (!problem->title.empty()) {
      text += " (" + problem->title;
      if (!problem->detail.empty()) {
        text += ": " + problem->detail;
      }
      text += ")";
    }
  }
  return text;
}

std::optional<std::uint64_t> diskFree(const std::string& databasePath) {
  auto dir = std::filesystem::path(databasePath).parent_path();
  if (dir.empty()) {
    dir = ".";
  }
  struct statvfs st {};
  if (::statvfs(dir.c_str(), &st) != 0) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(st.f_bavail) * static_cast<std::uint64_t>(st.f_frsize);
}

std::string contentTypeFor(const std::string& path) {
  auto ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".png" ? "image/png" : "image/jpeg";
}

// The state that lives on the thread doing the work (the worker, or runOnce's caller).
class Worker {
 public:
  Worker(const SyncOptions& options, const Clock& clock, DeviceHealthSource* health,
         std::unique_ptr<LocalStore> store, const std::atomic<bool>* abort)
      : options_(options),
        clock_(clock),
        health_(health),
        store_(std::move(store)),
        sync_(*store_),
        client_(options.http) {
    client_.setAbortFlag(abort);
    // A first pull writes the whole roster and its search index: with SQLite's default 2 MB
    // page cache most of that time goes to re-reading pages through read(2). This is the
    // sync thread's own connection; the UI's connection keeps its settings.
    try {
      store_->database().exec("PRAGMA cache_size = -16384");
      store_->database().exec("PRAGMA mmap_size = 268435456");
    } catch (const DatabaseError& e) {
      syncLog().warn("sync: cannot enlarge the page cache: {}", e.what());
    }
  }

  struct RoundPlan {
    bool pull = true;
    bool heartbeat = true;
  };

  // One round. Returns the report; `failure` tells the caller how to continue.
  SyncRoundReport round(const RoundPlan& plan, std::optional<Failure>& failure,
                        std::optional<SyncState>& state) {
    const auto start = SteadyClock::now();
    SyncRoundReport report;
    failure.reset();
    state.reset();
    auto identity = sync_.identity();
    auto revoked = sync_.revokedAt();
    if (!identity || !revoked) {
      report.error = !identity ? identity.error() : revoked.error();
      report.problem = SyncProblem::kLocalData;
      failure = Failure{Outcome::kTransient, report.error->message, std::nullopt, false};
      return finish(report, start);
    }
    if (*revoked && !*identity) {
      state = SyncState::kDeviceRevoked;
      report.problem = SyncProblem::kRevoked;
      report.error = makeError(ErrorKind::kUnauthorized, "this terminal was revoked at central");
      return finish(report, start);
    }
    if (!*identity) {
      state = SyncState::kNotEnrolled;
      report.problem = SyncProblem::kNotEnrolled;
      report.error = makeError(ErrorKind::kUnauthorized, "not enrolled (run kiosk enroll)");
      return finish(report, start);
    }
    identity_ = **identity;
    failure = push(report);
    if (!failure && plan.pull) {
      failure = pull(report);
    }
    if (!failure && plan.heartbeat) {
      failure = heartbeat(report);
    }
    if (!failure && options_.uploadPhotos) {
      failure = uploadPhotos(report);
    }
    if (auto purged = sync_.purgeDeadLettersOfPurgedEvents(); purged && *purged > 0) {
      syncLog().info("sync: dropped {} refused records of events past retention", *purged);
    }
    if (failure) {
      report.reachedServer = report.reachedServer || failure->reachedServer;
      report.problem = failure->problem;
      report.error = makeError(
          failure->outcome == Outcome::kTransient || failure->outcome == Outcome::kRetryAfter
              ? ErrorKind::kTransient
              : ErrorKind::kUnauthorized,
          failure->message);
      if (failure->outcome == Outcome::kRevoked) {
        wipe(failure->message);
        state = SyncState::kDeviceRevoked;
      } else if (failure->outcome == Outcome::kUnauthorized) {
        state = SyncState::kUnauthorized;
      } else {
        state = SyncState::kOffline;
      }
    } else {
      state = SyncState::kOnline;
    }
    return finish(report, start);
  }

  std::optional<Millis> serverClockOffset() const { return clockOffset_; }
  Result<OutboxCounts> outboxCounts() { return sync_.outboxCounts(); }
  void setLastSync(TimePoint t) { lastSyncAt_ = t; }

 private:
  SyncRoundReport& finish(SyncRoundReport& report, SteadyClock::time_point start) {
    if (auto counts = sync_.outboxCounts()) {
      report.outboxLeft = counts->total;
    }
    report.elapsed = std::chrono::duration_cast<Millis>(SteadyClock::now() - start);
    return report;
  }

  // Sends one request and sorts out everything but a 2xx. On success returns the response
  // in `out` and nullopt. `noteTime` = false when called off the worker's own thread (the
  // page prefetch), which must not touch the worker's state.
  std::optional<Failure> exchange(SyncRoundReport& report, std::string_view method,
                                  const std::string& path, std::string_view body,
                                  std::string_view contentType, HttpResponse& out,
                                  bool noteTime = true) {
    auto r = client_.request(method, path, body, contentType, identity_.token);
    if (!r) {
      Failure f{Outcome::kTransient, r.error().message, std::nullopt, false};
      f.unreachable = client_.lastFailureUnreachable();
      f.problem = syncProblem(client_.lastFailure());
      return f;
    }
    report.bytesSent += r->bytesSent;
    report.bytesReceived += r->bytesReceived;
    if (noteTime) {
      noteServerTime(*r);
    }
    if (r->status >= 200 && r->status < 300) {
      out = std::move(*r);
      return std::nullopt;
    }
    Failure f;
    f.reachedServer = true;
    f.message = describeStatus(*r);
    f.problem = SyncProblem::kServerError;
    if (r->status == 401) {
      const auto problem = api::parseProblem(r->body);
      f.outcome = problem && problem->type == api::kProblemDeviceRevoked ? Outcome::kRevoked
                                                                         : Outcome::kUnauthorized;
      f.problem =
          f.outcome == Outcome::kRevoked ? SyncProblem::kRevoked : SyncProblem::kUnauthorized;
      return f;
    }
    if (r->status == 429) {
      f.problem = SyncProblem::kBusy;
      f.outcome = Outcome::kRetryAfter;
      f.retryAfter =
          parseRetryAfter(r->retryAfter.value_or(""), clock_.now()).value_or(options_.retryBase);
      return f;
    }
    f.outcome = Outcome::kTransient;
    out = std::move(*r);  // the caller decides whether a 4xx is permanent
    return f;
  }

  void noteServerTime(const HttpResponse& r) {
    // Small answers only; a page of changes brings its server_time when it is parsed.
    if (r.body.size() > 4096 || r.body.empty() || r.body.front() != '{') {
      return;
    }
    try {
      if (auto t = api::serverTimeOf(parseJson(r.body))) {
        clockOffset_ = std::chrono::duration_cast<Millis>(*t - clock_.now());
      }
    } catch (const std::exception&) {
    }
  }

  static bool isPermanentRejection(long status) {
    return status >= 400 && status < 500 && status != 401 && status != 408 && status != 429;
  }

  std::optional<Failure> push(SyncRoundReport& report) {
    std::size_t batch = std::clamp<std::size_t>(options_.batchSize, 1, api::kMaxBatchItems);
    for (;;) {
      auto window = sync_.outboxWindow(batch);
      if (!window) {
        return Failure{Outcome::kTransient, window.error().message, std::nullopt, false};
      }
      if (window->empty()) {
        return std::nullopt;
      }
      std::size_t progressed = 0;
      bool shrink = false;
      for (const auto& route : api::pushRoutes()) {
        std::vector<OutboxRow> rows;
        for (const auto& row : *window) {
          if (row.kind == route.kind) {
            rows.push_back(row);
          }
        }
        if (rows.empty()) {
          continue;
        }
        std::string body = "{\"";
        body += route.field;
        body += "\":[";
        for (std::size_t i = 0; i < rows.size(); ++i) {
          body += (i == 0 ? "" : ",") + rows[i].payload;
        }
        body += "]}";
        HttpResponse response;
        if (auto f = exchange(report, "POST", std::string(route.path), body, "application/json",
                              response)) {
          report.reachedServer = report.reachedServer || f->reachedServer;
          if (f->outcome == Outcome::kTransient && response.status == 413 && rows.size() > 1) {
            shrink = true;  // a proxy's body limit: smaller batches
            break;
          }
          if (f->outcome == Outcome::kTransient && isPermanentRejection(response.status)) {
            if (auto s = sync_.moveToDeadLetters(rows, response.status, f->message, clock_.now());
                !s) {
              return Failure{Outcome::kTransient, s.error().message, std::nullopt, true};
            }
            syncLog().warn("sync: central refused {} {} records for good: {}", rows.size(),
                           route.kind, f->message);
            report.refused += rows.size();
            progressed += rows.size();
            continue;
          }
          std::vector<std::int64_t> seqs;
          for (const auto& r : rows) {
            seqs.push_back(r.seq);
          }
          (void)sync_.noteFailedAttempt(seqs, f->message, clock_.now());
          return f;
        }
        report.reachedServer = true;
        std::vector<api::ItemResult> results;
        try {
          results = api::parsePushResults(response.body);
        } catch (const std::exception&) {
          return Failure{Outcome::kTransient,
                         "malformed answer from central to " + std::string(route.path),
                         std::nullopt,
                         true,
                         false,
                         SyncProblem::kBadAnswer};
        }
        // Results come in request order (the contract); ids confirm the pairing and take
        // over when a server answers in another order or leaves items out.
        std::map<std::string, const api::ItemResult*, std::less<>> byId;
        for (const auto& r : results) {
          byId.emplace(r.id, &r);
        }
        const bool positional = results.size() == rows.size();
        std::vector<std::int64_t> accepted;
        std::vector<OutboxRow> refused;
        std::string refusal;
        for (std::size_t i = 0; i < rows.size(); ++i) {
          const auto& row = rows[i];
          const api::ItemResult* result = nullptr;
          if (positional && (results[i].id.empty() || results[i].id == row.refId)) {
            result = &results[i];
          } else if (auto it = byId.find(row.refId); it != byId.end()) {
            result = it->second;
          }
          if (result == nullptr) {
            continue;  // not answered: stays, retried next time
          }
          if (result->status == api::ItemStatus::kAccepted) {
            accepted.push_back(row.seq);
            if (result->flagged) {
              ++report.flagged;
            }
          } else {
            refused.push_back(row);
            refusal = result->detail;
          }
        }
        if (auto s = sync_.removeFromOutbox(accepted); !s) {
          return Failure{Outcome::kTransient, s.error().message, std::nullopt, true};
        }
        if (!refused.empty()) {
          if (auto s = sync_.moveToDeadLetters(refused, response.status, refusal, clock_.now());
              !s) {
            return Failure{Outcome::kTransient, s.error().message, std::nullopt, true};
          }
          syncLog().warn("sync: central refused {} {} records: {}", refused.size(), route.kind,
                         refusal);
        }
        report.pushed += accepted.size();
        report.refused += refused.size();
        progressed += accepted.size() + refused.size();
        syncLog().debug("sync: pushed {} {} records ({} refused) in {} ms", accepted.size(),
                        route.kind, refused.size(), response.elapsed.count());
      }
      if (shrink) {
        batch = std::max<std::size_t>(1, batch / 2);
        continue;
      }
      if (progressed == 0) {
        // Rows of kinds this build cannot send (a newer build's outbox) must not spin.
        return std::nullopt;
      }
    }
  }

  // One fetched and parsed page (or why not), produced off the worker's thread.
  struct FetchedPage {
    std::optional<Failure> failure;
    api::ChangesPage page;
    SyncRoundReport traffic;  // bytes only
    Millis fetchTime{0};
    Millis parseTime{0};
  };

  FetchedPage fetchPage(const std::string& cursor, std::size_t limit) {
    FetchedPage out;
    std::string path = std::string(api::kChangesPath) + "?limit=" + std::to_string(limit);
    if (!cursor.empty()) {
      path += "&cursor=" + urlEncode(cursor);
    }
    HttpResponse response;
    if (auto f = exchange(out.traffic, "GET", path, {}, {}, response, false)) {
      out.failure = f;
      return out;
    }
    out.fetchTime = response.elapsed;
    const auto parseStart = SteadyClock::now();
    try {
      out.page = api::parseChangesPage(response.body);
    } catch (const std::exception&) {
      out.failure = Failure{
          Outcome::kTransient,    "malformed changes page from central", std::nullopt, true, false,
          SyncProblem::kBadAnswer};
    }
    out.parseTime = std::chrono::duration_cast<Millis>(SteadyClock::now() - parseStart);
    return out;
  }

  // Pages are applied one transaction each, in order; while one is applied the next is
  // fetched and parsed on a helper thread (a first pull of a large roster is then bound by
  // the database, not by the network and the JSON parser). A page fetched ahead is dropped
  // when applying the one before it fails: the stored cursor still points before it.
  std::optional<Failure> pull(SyncRoundReport& report) {
    auto cursor = sync_.cursor();
    if (!cursor) {
      return Failure{Outcome::kTransient, cursor.error().message, std::nullopt, false};
    }
    std::string current = *cursor;
    const std::size_t limit = std::clamp<std::size_t>(options_.pageSize, 1, api::kMaxPageSize);
    auto fetchAhead = [this, limit](std::string from) {
      return std::async(std::launch::async,
                        [this, limit, from = std::move(from)] { return fetchPage(from, limit); });
    };
    auto next = fetchAhead(current);
    for (;;) {
      FetchedPage fetched = next.get();
      report.bytesSent += fetched.traffic.bytesSent;
      report.bytesReceived += fetched.traffic.bytesReceived;
      if (fetched.failure) {
        return fetched.failure;
      }
      report.reachedServer = true;
      const auto& page = fetched.page;
      if (page.serverTime) {
        clockOffset_ = std::chrono::duration_cast<Millis>(*page.serverTime - clock_.now());
      }
      if (page.hasMore && page.cursor == current) {
        return Failure{Outcome::kTransient,
                       "central sent more pages without moving the cursor",
                       std::nullopt,
                       true,
                       false,
                       SyncProblem::kBadAnswer};
      }
      if (page.hasMore) {
        next = fetchAhead(page.cursor);
      }
      const auto applyStart = SteadyClock::now();
      auto applied = sync_.applyPage(page, clock_.now(), identity_.terminal);
      if (!applied) {
        if (next.valid()) {
          next.wait();
        }
        return Failure{Outcome::kTransient, applied.error().message, std::nullopt, true};
      }
      report.pulled += *applied;
      ++report.pages;
      if (applied->total() > 0) {
        syncLog().debug(
            "sync: page of {} guests, {} check-ins, {} other: fetched in {} ms, parsed in {} ms, "
            "applied in {} ms",
            applied->guests, applied->checkins,
            applied->total() - applied->guests - applied->checkins, fetched.fetchTime.count(),
            fetched.parseTime.count(),
            std::chrono::duration_cast<Millis>(SteadyClock::now() - applyStart).count());
      }
      if (!page.hasMore) {
        return std::nullopt;
      }
      current = page.cursor;
    }
  }

  std::optional<Failure> heartbeat(SyncRoundReport& report) {
    api::Heartbeat hb;
    hb.version = options_.version;
    hb.terminalTime = clock_.now();
    if (health_ != nullptr) {
      const auto h = health_->deviceHealth();
      hb.camera = h.camera;
      hb.printer = h.printer;
    }
    if (auto counts = sync_.outboxCounts()) {
      hb.queueDepth = counts->total;
      hb.oldestQueuedAt = counts->oldest;
    }
    hb.diskFreeBytes = diskFree(options_.databasePath);
    hb.lastSyncAt = lastSyncAt_;
    hb.settingsVersion = options_.settingsVersion;
    hb.settingsFailedVersion = options_.settingsFailedVersion;
    hb.osVersion = options_.osVersion;
    if (options_.updateState) {
      hb.update = options_.updateState();
    }
    HttpResponse response;
    if (auto f = exchange(report, "POST", std::string(api::kHeartbeatPath), dump(toJson(hb)),
                          "application/json", response)) {
      // A heartbeat is not worth a retry of its own; a refused one is not an outage.
      if (f->outcome == Outcome::kTransient && isPermanentRejection(response.status)) {
        syncLog().warn("sync: heartbeat refused: {}", f->message);
        return std::nullopt;
      }
      return f;
    }
    report.reachedServer = true;
    report.heartbeatSent = true;
    takeSettings(response.body);
    return std::nullopt;
  }

  // Settings and an OS update central offers in a heartbeat's answer; a malformed answer is logged
  // and changes nothing (the terminal runs on with what it has).
  void takeSettings(const std::string& body) {
    if (!options_.onSettings && !options_.onUpdate) {
      return;
    }
    std::optional<api::TerminalSettings> offered;
    try {
      auto answer = api::heartbeatAnswerFromJson(parseJson(body));
      offered = std::move(answer.settings);
      if (answer.update && options_.onUpdate) {
        options_.onUpdate(*answer.update);
      }
    } catch (const std::exception& e) {
      syncLog().warn("sync: central's settings in the heartbeat answer are unreadable: {}",
                     e.what());
      return;
    }
    if (!options_.onSettings) {
      return;
    }
    if (offered && offered->version != options_.settingsVersion &&
        offered->version != options_.settingsFailedVersion) {
      options_.onSettings(*offered);
    }
  }

  std::optional<Failure> uploadPhotos(SyncRoundReport& report) {
    auto photos = sync_.pendingPhotos(16);
    if (!photos) {
      return Failure{Outcome::kTransient, photos.error().message, std::nullopt, false};
    }
    for (const auto& p : *photos) {
      std::ifstream in(p.path, std::ios::binary);
      if (!in) {
        (void)sync_.markPhoto(p.checkinId, kPhotoFileMissing);
        continue;
      }
      std::ostringstream bytes;
      bytes << in.rdbuf();
      HttpResponse response;
      if (auto f = exchange(report, "PUT", std::string(api::kPhotosPrefix) + urlEncode(p.checkinId),
                            bytes.str(), contentTypeFor(p.path), response)) {
        if (f->outcome == Outcome::kTransient && isPermanentRejection(response.status)) {
          (void)sync_.markPhoto(p.checkinId, kPhotoFileMissing);
          continue;
        }
        return f;
      }
      (void)sync_.markPhoto(p.checkinId, kPhotoUploaded);
      ++report.photosUploaded;
    }
    return std::nullopt;
  }

  void wipe(const std::string& why) {
    auto wiped = sync_.wipeRevokedDevice(clock_.now(), identity_.terminal, why);
    if (wiped) {
      syncLog().error(
          "sync: central revoked this terminal; wiped {} guests, {} photos, {} unsent records",
          wiped->guests, wiped->photos, wiped->outboxDropped);
    } else {
      syncLog().error("sync: central revoked this terminal, and wiping failed: {}",
                      wiped.error().message);
    }
  }

  const SyncOptions& options_;
  const Clock& clock_;
  DeviceHealthSource* health_;
  std::unique_ptr<LocalStore> store_;
  SyncStore sync_;
  HttpClient client_;
  DeviceIdentity identity_;
  std::optional<Millis> clockOffset_;
  std::optional<TimePoint> lastSyncAt_;
};

}  // namespace

struct SyncEngine::Impl {
  Impl(SyncOptions o, const Clock& c, DeviceHealthSource* h)
      : options(std::move(o)), clock(c), health(h) {}

  void run(std::stop_token stop);
  void publish(const SyncRoundReport& report, const std::optional<SyncState>& state, Worker& w);

  SyncOptions options;
  const Clock& clock;
  DeviceHealthSource* health;
  mutable std::mutex mutex;
  std::condition_variable_any cv;
  bool woken = false;
  SyncStatus status;
  std::atomic<bool> aborting{false};
  std::jthread thread;
};

void SyncEngine::Impl::publish(const SyncRoundReport& report, const std::optional<SyncState>& state,
                               Worker& w) {
  std::lock_guard lock(mutex);
  ++status.rounds;
  if (state) {
    status.state = *state;
  }
  status.lastError = report.error ? report.error->message : std::string();
  status.problem = report.error ? report.problem : SyncProblem::kNone;
  if (!report.error) {
    status.lastSuccessAt = clock.now();
    w.setLastSync(*status.lastSuccessAt);
  }
  status.serverClockOffset = w.serverClockOffset();
  status.pushedTotal += report.pushed;
  status.pulledTotal += report.pulled.total();
  if (auto counts = w.outboxCounts()) {
    status.outboxDepth = counts->total;
    status.oldestQueuedAt = counts->oldest;
  }
}

void SyncEngine::Impl::run(std::stop_token stop) {
  std::unique_ptr<Worker> worker;
  const auto seed = std::random_device{}();
  SyncBackoff backoff(options.retryBase, options.retryMax, seed);
  std::mt19937 jitter(seed + 1);
  std::string lastLogged;
  auto nextPull = SteadyClock::now();
  auto nextHeartbeat = SteadyClock::now();
  // While the last round failed: when to try again.
  bool failing = false;
  auto retryAt = SteadyClock::time_point::max();
  // A 429's Retry-After; min() when there is none.
  auto notBefore = SteadyClock::time_point::min();
  while (!stop.stop_requested()) {
    if (!worker) {
      // The application opened (and checked) the file at start; a second integrity check
      // of a large roster would only slow the terminal's start.
      OpenOptions openOptions;
      openOptions.checkIntegrity = false;
      auto store = LocalStore::open(options.databasePath, openOptions);
      if (!store) {
        {
          std::lock_guard lock(mutex);
          status.state = SyncState::kOffline;
          status.lastError = store.error().message;
          status.problem = SyncProblem::kLocalData;
        }
        std::unique_lock lock(mutex);
        cv.wait_for(lock, stop, options.retryMax, [] { return false; });
        continue;
      }
      worker = std::make_unique<Worker>(options, clock, health, std::move(*store), &aborting);
    }
    const auto now = SteadyClock::now();
    bool wokeNow = false;
    {
      std::lock_guard lock(mutex);
      wokeNow = woken;
      woken = false;
    }
    const bool due = now >= nextPull || now >= nextHeartbeat || (failing && now >= retryAt);
    const bool allowed = now >= notBefore;
    if ((due || wokeNow) && allowed) {
      Worker::RoundPlan plan;
      // A wake-up between polls pushes only; pulls keep their own rhythm.
      plan.pull = now >= nextPull || failing;
      plan.heartbeat = now >= nextHeartbeat;
      std::optional<Failure> failure;
      std::optional<SyncState> state;
      auto report = worker->round(plan, failure, state);
      publish(report, state, *worker);
      const auto after = SteadyClock::now();
      notBefore = SteadyClock::time_point::min();
      if (state == SyncState::kNotEnrolled || state == SyncState::kDeviceRevoked ||
          state == SyncState::kUnauthorized) {
        // Nothing to do until someone enrolls the terminal again; look now and then.
        failing = true;
        retryAt = after + options.retryMax;
        nextPull = retryAt;
        nextHeartbeat = std::max(nextHeartbeat, retryAt);
      } else if (failure) {
        Millis delay{0};
        if (failure->outcome == Outcome::kRetryAfter) {
          delay = backoff.nextDelayAtLeast(*failure->retryAfter);
        } else if (failure->unreachable) {
          const auto half = options.probeInterval.count() / 2;
          delay = Millis(options.probeInterval.count() - half +
                         std::uniform_int_distribution<std::int64_t>(0, half)(jitter));
        } else {
          delay = backoff.nextDelay();
        }
        failing = true;
        retryAt = after + delay;
        if (failure->outcome == Outcome::kRetryAfter) {
          notBefore = retryAt;
        }
        // One line per new problem, not one per probe.
        if (failure->message != lastLogged) {
          syncLog().warn("sync: {}; retrying (next in {} ms)", failure->message, delay.count());
          lastLogged = failure->message;
        } else {
          syncLog().debug("sync: {}; retry in {} ms", failure->message, delay.count());
        }
      } else {
        if (failing) {
          syncLog().info("sync: central reachable again");
        }
        lastLogged.clear();
        backoff.reset();
        failing = false;
        if (plan.pull) {
          nextPull = after + options.pollInterval;
        }
        if (plan.heartbeat) {
          nextHeartbeat = after + options.heartbeatInterval;
        }
        if (report.pushed > 0 || report.pulled.total() > 0) {
          syncLog().info("sync: pushed {} ({} flagged, {} refused), pulled {} in {} pages, {} ms",
                         report.pushed, report.flagged, report.refused, report.pulled.total(),
                         report.pages, report.elapsed.count());
        }
      }
    }
    auto deadline = failing ? retryAt : std::min(nextPull, nextHeartbeat);
    deadline = std::max(deadline, notBefore);
    std::unique_lock lock(mutex);
    cv.wait_until(lock, stop, deadline, [this] { return woken; });
  }
}

SyncEngine::SyncEngine(SyncOptions options, const Clock& clock, DeviceHealthSource* health)
    : impl_(std::make_unique<Impl>(std::move(options), clock, health)) {}

SyncEngine::~SyncEngine() {
  stop();
}

void SyncEngine::start() {
  if (impl_->thread.joinable()) {
    return;
  }
  impl_->aborting = false;
  impl_->thread = std::jthread([impl = impl_.get()](std::stop_token stop) {
    try {
      impl->run(stop);
    } catch (const std::exception& e) {
      // A bug, not a network problem: say so and keep the terminal running without sync.
      syncLog().critical("sync: worker stopped: {}", e.what());
      std::lock_guard lock(impl->mutex);
      impl->status.state = SyncState::kOffline;
      impl->status.lastError = std::string("sync stopped: ") + e.what();
      impl->status.problem = SyncProblem::kStopped;
    }
  });
}

void SyncEngine::stop() {
  if (!impl_->thread.joinable()) {
    return;
  }
  impl_->aborting = true;
  impl_->thread.request_stop();
  impl_->cv.notify_all();
  impl_->thread.join();
  impl_->thread = std::jthread();
}

void SyncEngine::wake() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->woken = true;
  }
  impl_->cv.notify_all();
}

SyncStatus SyncEngine::status() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->status;
}

Result<SyncRoundReport> SyncEngine::runOnce() {
  auto store = LocalStore::open(impl_->options.databasePath);
  if (!store) {
    return store.error();
  }
  std::atomic<bool> never{false};
  Worker worker(impl_->options, impl_->clock, impl_->health, std::move(*store), &never);
  std::optional<Failure> failure;
  std::optional<SyncState> state;
  auto report = worker.round(Worker::RoundPlan{}, failure, state);
  impl_->publish(report, state, worker);
  return report;
}

Result<api::Enrollment> enrollTerminal(LocalStore& store, const HttpOptions& http,
                                       std::string_view code, std::string_view version) {
  HttpClient client(http);
  const Json request{{"code", std::string(code)}, {"version", std::string(version)}};
  auto r = client.request("POST", std::string(api::kEnrollPath), dump(request), "application/json");
  if (!r) {
    return r.error();
  }
  if (r->status == 200) {
    api::Enrollment enrollment;
    try {
      enrollment = api::enrollmentFromJson(parseJson(r->body));
    } catch (const std::exception&) {
      return makeError(ErrorKind::kPermanent, "central's enrollment answer is malformed");
    }
    if (auto saved = SyncStore(store).saveEnrollment(enrollment); !saved) {
      return saved.error();
    }
    syncLog().info("sync: enrolled as device {} for event {}", enrollment.deviceId,
                   enrollment.event.id);
    return enrollment;
  }
  const std::string text = describeStatus(*r);
  if (r->status == 403 || r->status == 401) {
    return makeError(ErrorKind::kUnauthorized, text);
  }
  if (r->status == 429) {
    const auto wait = parseRetryAfter(r->retryAfter.value_or(""), SystemClock().now());
    return makeError(ErrorKind::kTransient,
                     text + (wait ? "; try again in " + std::to_string(wait->count() / 1000) + " s"
                                  : std::string()));
  }
  if (r->status >= 500 || r->status == 408) {
    return makeError(ErrorKind::kTransient, text);
  }
  return makeError(ErrorKind::kPermanent, text);
}

}  // namespace kiosk::cache
