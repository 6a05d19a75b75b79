// SyncEngine: the terminal's link to central (docs/api/openapi.yaml). On its own
// std::jthread it drains the outbox (check-ins, refusals, undos, walk-ins, feedback,
// arrival notices), pulls roster changes - other terminals' check-ins included - sends a
// heartbeat with device health and uploads photos when asked to.
//
// Timing (defaults in SyncOptions): a push starts as soon as wake() is called (the app
// calls it after every commit), otherwise every poll interval; a pull every poll interval
// (5 s) while online; a heartbeat every 60 s. When central answers badly (5xx, timeouts,
// garbage) the engine backs off exponentially with jitter (1 s .. 30 s); when nobody
// answers at all (refused, unreachable) it probes about every second instead. wake()
// skips a backoff wait - a check-in is worth a try - but never a 429's Retry-After, which
// is always honoured.
//
// Outbox rules: a row leaves the outbox when central accepted it or refused it for good
// (an item answered "rejected", or a whole request answered 4xx other than 401/408/429 -
// such rows are kept in outbox_dead). Timeouts, 408, 429, 5xx, malformed or truncated
// responses and TLS failures keep every row, to be retried in order. The cursor is the
// server's; a page and its cursor are applied in one transaction.
//
// Device revoked (401 with type device-revoked): the guest data is wiped (see
// sync_store.h for exactly what), the status says deviceRevoked and the engine makes no
// further requests until the terminal is enrolled again. An expired or unknown token
// (other 401s) keeps the data and sets needsEnrollment.
//
// Ownership and threads: the engine owns its worker thread, its own SQLite connection
// (opened on the worker on options.databasePath) and its HTTP client. start(), stop(),
// wake() and status() may be called from any thread and never block on the network
// (stop() waits for the worker, which aborts a request in flight). runOnce() runs one
// round on the caller's thread, for `kiosk sync --once`; do not call it while started.
// The destructor stops the engine. Log lines carry ids and counts only, never guest data.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "kiosk/core/result.h"
#include "kiosk/core/time.h"
#include "offline-cache/http_client.h"
#include "offline-cache/local_store.h"
#include "offline-cache/sync_protocol.h"
#include "offline-cache/sync_store.h"

namespace kiosk::cache {

struct SyncOptions {
  std::string databasePath;  // the terminal database ([terminal] database)
  HttpOptions http;          // server URL, CA file, pin, timeouts
  Millis pollInterval{2000};
  Millis heartbeatInterval{60000};
  Millis retryBase{1000};
  Millis retryMax{30000};
  // While central cannot be reached at all (connection refused, no route, no DNS), try
  // again about this often instead of backing off: a refused connection costs central
  // nothing, and a restarted central gets the queued records within a second or two.
  Millis probeInterval{1000};
  std::size_t batchSize = 200;  // outbox rows per request (at most api::kMaxBatchItems)
  std::size_t pageSize = api::kDefaultPageSize;
  bool uploadPhotos = false;
  std::string version;  // reported in the heartbeat
  // Central settings (api::TerminalSettings): the version this start runs with and the last
  // one it gave up on, both reported in the heartbeat. `onSettings` is given another
  // version when a heartbeat's answer offers one (on the sync thread; null = ignored).
  std::int64_t settingsVersion = 0;
  std::int64_t settingsFailedVersion = 0;
  std::function<void(const api::TerminalSettings&)> onSettings;
  // OS updates: the OS version the terminal runs and where its update stands (asked at each
  // heartbeat, on the sync thread; must not block), both reported in the heartbeat;
  // `onUpdate` is given the update a heartbeat's answer offers (on the sync thread).
  std::string osVersion;
  std::function<api::UpdateState()> updateState;
  std::function<void(const api::OsUpdate&)> onUpdate;
};

struct DeviceHealth {
  api::DeviceState camera;
  api::DeviceState printer;
};

// Port: where the heartbeat's camera and printer states come from. Called on the sync
// thread; must be cheap and must not block (return the last known state).
class DeviceHealthSource {
 public:
  virtual ~DeviceHealthSource() = default;
  virtual DeviceHealth deviceHealth() = 0;
};

enum class SyncState {
  kStarting,       // no round finished yet
  kNotEnrolled,    // no device token: run `kiosk enroll`
  kOnline,         // the last round reached central and central answered
  kOffline,        // central unreachable, failing (5xx) or limiting (429); retrying
  kUnauthorized,   // token expired or unknown: enroll again (data kept)
  kDeviceRevoked,  // central revoked this terminal: guest data wiped, staff needed
};
const char* toString(SyncState state);

// Why the last round failed, as a code the terminal shows in the staff's language
// (lastError keeps the technical English text for logs and IT).
enum class SyncProblem {
  kNone,
  kUnreachable,   // no connection to central (refused, no route, unknown name)
  kTimeout,       // connected, but central did not answer in time
  kCertificate,   // central's certificate did not verify or is not the pinned one
  kAddress,       // the configured server address is unusable
  kNetwork,       // the connection broke off
  kServerError,   // central answered with an error (5xx, an unexpected 4xx)
  kBusy,          // central asked the terminal to wait (429)
  kBadAnswer,     // central's answer could not be read
  kUnauthorized,  // central no longer accepts this terminal's token: enroll again
  kRevoked,       // central revoked this terminal
  kNotEnrolled,   // no device token yet
  kLocalData,     // the terminal's own database failed
  kStopped,       // the sync worker stopped (a bug; the terminal runs on without sync)
};
// "none", "unreachable", "timeout", "certificate", "address", "network", "server_error",
// "busy", "bad_answer", "unauthorized", "revoked", "not_enrolled", "local_data", "stopped"
const char* toString(SyncProblem problem);

struct SyncStatus {
  SyncState state = SyncState::kStarting;
  bool online() const { return state == SyncState::kOnline; }
  bool deviceRevoked() const { return state == SyncState::kDeviceRevoked; }
  bool needsEnrollment() const {
    return state == SyncState::kNotEnrolled || state == SyncState::kUnauthorized;
  }
  std::optional<TimePoint> lastSuccessAt;  // terminal clock, end of the last good round
  std::size_t outboxDepth = 0;
  std::optional<TimePoint> oldestQueuedAt;
  std::string lastError;                     // empty after a good round; no personal data
  SyncProblem problem = SyncProblem::kNone;  // kNone after a good round
  // Central's clock minus the terminal's, from the last response (guest-code validity is
  // judged by the terminal's clock, so staff should see when it is off).
  std::optional<Millis> serverClockOffset;
  std::uint64_t rounds = 0;
  std::uint64_t pushedTotal = 0;  // outbox rows accepted by central since start
  std::uint64_t pulledTotal = 0;  // records applied from pulls since start
};

struct SyncRoundReport {
  bool reachedServer = false;  // some request got an HTTP answer
  std::size_t pushed = 0;      // outbox rows accepted
  std::size_t refused = 0;     // outbox rows central refused for good (kept in outbox_dead)
  std::size_t flagged = 0;     // pushed check-ins central flagged as second admissions
  PageApplied pulled;
  std::size_t pages = 0;
  std::size_t photosUploaded = 0;
  bool heartbeatSent = false;
  std::size_t outboxLeft = 0;
  std::optional<Error> error;  // why the round stopped early
  SyncProblem problem = SyncProblem::kNone;
  std::uint64_t bytesSent = 0;
  std::uint64_t bytesReceived = 0;
  Millis elapsed{0};
};

class SyncEngine {
 public:
  // `clock` and `health` (may be null) must outlive the engine.
  SyncEngine(SyncOptions options, const Clock& clock, DeviceHealthSource* health = nullptr);
  ~SyncEngine();
  SyncEngine(const SyncEngine&) = delete;
  SyncEngine& operator=(const SyncEngine&) = delete;

  void start();
  void stop();
  // Something was committed: push now rather than at the next poll.
  void wake();
  SyncStatus status() const;

  // One round on the calling thread: push everything, pull every page, heartbeat and
  // photos. An error when the database cannot be opened; everything else - network
  // trouble, refusals, a database error half-way - is in the report (reachedServer,
  // error) and in status().
  Result<SyncRoundReport> runOnce();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Enrolls the terminal with a one-time code: POST /v1/enroll, then the device token and
// the event are saved in `store` (SyncStore::saveEnrollment). Errors: kUnauthorized for a
// code central does not accept, kTransient when central cannot be reached or asks to wait,
// kPermanent for TLS trouble or an unexpected answer.
Result<api::Enrollment> enrollTerminal(LocalStore& store, const HttpOptions& http,
                                       std::string_view code, std::string_view version);

}  // namespace kiosk::cache
