#include "central/central_server.h"

#include <httplib.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stop_token>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "central/central_log.h"
#include "central/central_store.h"
#include "central/client_address.h"
#include "central/console/console_routes.h"
#include "central/os_update.h"
#include "central/rate_limiter.h"
#include "central/record_checks.h"
#include "central/terminal_settings.h"
#include "central/webhook_notifier.h"
#include "offline-cache/postgres_database.h"

namespace kiosk::central {

namespace {

// Drops every brotli token ("br", "br;q=1") from the request's Accept-Encoding.
void withoutBrotli(httplib::Request& req) {
  auto it = req.headers.find("Accept-Encoding");
  if (it == req.headers.end() || it->second.find("br") == std::string::npos) {
    return;
  }
  std::string kept;
  std::size_t start = 0;
  while (start <= it->second.size()) {
    auto end = it->second.find(',', start);
    if (end == std::string::npos) {
      end = it->second.size();
    }
    auto token = it->second.substr(start, end - start);
    token.erase(0, token.find_first_not_of(' '));
    if (!token.empty() && token.find("br") == std::string::npos) {
      kept += (kept.empty() ? "" : ", ") + token;
    }
    start = end + 1;
  }
  it->second = kept;
}

using cache::Json;
using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kMaxBody = 16 * 1024 * 1024;
constexpr int kKeepAliveSeconds = 5;

// One database connection per request thread at a time, reused across requests.
class StorePool {
 public:
  explicit StorePool(std::string path) : path_(std::move(path)) {}

  class Lease {
   public:
    Lease(StorePool* pool, std::unique_ptr<CentralStore> store)
        : pool_(pool), store_(std::move(store)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease() {
      if (store_) {
        pool_->giveBack(std::move(store_));
      }
    }
    CentralStore& operator*() { return *store_; }
    CentralStore* operator->() { return store_.get(); }

   private:
    StorePool* pool_;
    std::unique_ptr<CentralStore> store_;
  };

  Result<Lease> acquire() {
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        auto store = std::move(free_.back());
        free_.pop_back();
        return Lease(this, std::move(store));
      }
    }
    cache::OpenOptions o;
    o.checkIntegrity = false;  // checked once at start
    // Request threads only read (their writes go to the Writer); this wait is for the
    // writers of the file (the Writer, the webhook notifier, admin commands).
    o.busyTimeout = std::chrono::seconds(30);
    auto store = CentralStore::open(path_, o);
    if (!store) {
      return store.error();
    }
    return Lease(this, std::move(*store));
  }

 private:
  void giveBack(std::unique_ptr<CentralStore> store) {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(store));
  }

  std::string path_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<CentralStore>> free_;
};

// The one writer of central's database among the request threads. A request hands its
// write over and waits; the writer thread takes every write waiting at that moment and
// applies them in one transaction and one commit (each in a savepoint of its own, so a
// write that fails rolls back alone). Before, request threads took turns on a mutex: under
// load every hand-over waited for the next thread to be scheduled, and each turn paid a
// commit of its own. A request is answered only after the commit that holds its write, so
// an accepted record is on disk.
class Writer {
 public:
  explicit Writer(std::string path) : path_(std::move(path)) {}
  ~Writer() { stop(); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void start() {
    thread_ = std::jthread([this](const std::stop_token& stop) { loop(stop); });
  }
  // Applies what is queued, then ends the thread; later writes fail as transient.
  void stop() {
    if (thread_.joinable()) {
      thread_.request_stop();
      {
        std::lock_guard lock(mutex_);  // the writer is waiting or will see the request
      }
      wake_.notify_all();
      thread_.join();
    }
  }

  // Runs `write` on the writer's connection and returns once its batch is committed, or
  // with the error that kept the batch from committing. An exception `write` throws comes
  // back out of here.
  Status run(const std::function<void(CentralStore&)>& write) {
    Job job;
    job.write = &write;
    std::unique_lock lock(mutex_);
    if (stopped_) {
      return makeError(ErrorKind::kTransient, "central is stopping");
    }
    queue_.push_back(&job);
    wake_.notify_one();
    done_.wait(lock, [&] { return job.done; });
    if (job.exception) {
      std::rethrow_exception(job.exception);
    }
    return job.status;
  }

 private:
  struct Job {
    const std::function<void(CentralStore&)>* write = nullptr;
    bool done = false;
    Status status = okStatus();
    std::exception_ptr exception;
  };
  static constexpr std::size_t kMaxBatch = 64;

  void loop(const std::stop_token& stop) {
    std::unique_ptr<CentralStore> store;
    for (;;) {
      std::vector<Job*> batch;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stop.stop_requested() || !queue_.empty(); });
        if (queue_.empty()) {
          stopped_ = true;
          return;
        }
        const auto n = std::min(queue_.size(), kMaxBatch);
        batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      }
      const auto committed = apply(store, batch);
      {
        std::lock_guard lock(mutex_);
        for (auto* job : batch) {
          job->status = committed;
          job->done = true;
        }
      }
      done_.notify_all();
    }
  }

  Status apply(std::unique_ptr<CentralStore>& store, const std::vector<Job*>& batch) {
    if (!store) {
      cache::OpenOptions o;
      o.checkIntegrity = false;  // checked once at start
      // For the other writers of the file: the webhook notifier, admin commands.
      o.busyTimeout = std::chrono::seconds(30);
      auto opened = CentralStore::open(path_, o);
      if (!opened) {
        return opened.error();
      }
      store = std::move(*opened);
    }
    auto& db = store->database();
    try {
      // On PostgreSQL a batch that collides with another instance's writes (a
      // serialization failure) is run again as a whole: every job's effect is re-made.
      db.transaction([&] {
        for (auto* job : batch) {
          job->exception = nullptr;
          db.exec("SAVEPOINT write_job");
          try {
            (*job->write)(*store);
            db.exec("RELEASE write_job");
          } catch (const cache::DatabaseError&) {
            throw;  // the transaction may be gone: the whole batch fails
          } catch (...) {
            job->exception = std::current_exception();
            db.exec("ROLLBACK TO write_job");
            db.exec("RELEASE write_job");
          }
        }
      });
      return okStatus();
    } catch (const cache::DatabaseError& e) {
      if (db.inTransaction()) {
        store.reset();  // opened afresh for the next batch
      }
      return makeError(e.kind(), std::string("committing writes: ") + e.what());
    }
  }

  std::string path_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::deque<Job*> queue_;
  bool stopped_ = false;
  std::jthread thread_;
};

void sendJson(httplib::Response& res, int status, std::string body) {
  res.status = status;
  res.set_content(std::move(body), "application/json");
}

// `now` is central's clock, sent as `server_time` like in every other answer: a terminal
// that is refused still learns how far off its clock is.
void sendProblem(httplib::Response& res, TimePoint now, int status, std::string_view type,
                 std::string title, std::string detail = {}) {
  res.status = status;
  api::Problem p{std::string(type), std::move(title), status, std::move(detail), now};
  res.set_content(api::problemBody(p), std::string(api::kProblemContentType));
  if (status == 401) {
    res.set_header("WWW-Authenticate", "Bearer");
  }
}

void sendTooMany(httplib::Response& res, TimePoint now, Millis wait) {
  const auto seconds = std::max<std::int64_t>(1, (wait.count() + 999) / 1000);
  res.set_header("Retry-After", std::to_string(seconds));
  sendProblem(res, now, 429, api::kProblemRateLimited, "Too many requests",
              "try again in " + std::to_string(seconds) + " s");
}

void sendStoreError(httplib::Response& res, TimePoint now, const Error& e) {
  switch (e.kind) {
    case ErrorKind::kTransient:
      res.set_header("Retry-After", "1");
      sendProblem(res, now, 503, api::kProblemInternal, "Central is busy", "try again shortly");
      return;
    case ErrorKind::kInvalidInput:
      sendProblem(res, now, 400, api::kProblemInvalidRequest, "Invalid request");
      return;
    case ErrorKind::kNotFound:
      sendProblem(res, now, 404, api::kProblemNotFound, "Not found");
      return;
    default:
      sendProblem(res, now, 500, api::kProblemInternal, "Internal error");
      return;
  }
}

std::string lowerAscii(std::string_view text) {
  std::string out(text);
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// "Authorization: Bearer <token>"; the scheme name is case-insensitive (RFC 7235).
std::string bearerToken(const httplib::Request& req) {
  const auto value = req.get_header_value("Authorization");
  const auto space = value.find(' ');
  if (space == std::string::npos || lowerAscii(value.substr(0, space)) != "bearer") {
    return {};
  }
  const auto start = value.find_first_not_of(' ', space);
  return start == std::string::npos ? std::string() : value.substr(start);
}

// TLS 1.2 suites with forward secrecy and AEAD only (TLS 1.3 suites are all AEAD).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// The socket of the connection this pool thread serves (cpp-httplib runs one connection
// at a time per thread and does not hand its socket to handlers); set when its TLS
// handshake starts.
thread_local int tlsConnectionSocket = -1;
// Which connection that is: a socket number is used again as soon as it is closed, which
// cpp-httplib does before this thread's task is over.
thread_local std::uint64_t tlsConnectionSerial = 0;

std::string peerOf(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(&addr), len);
}

// The client's address without its port (the bytes of its IPv4 or IPv6 address).
std::string addressOf(const std::string& peer) {
  if (peer.size() >= sizeof(sockaddr_in6) &&
      reinterpret_cast<const sockaddr*>(peer.data())->sa_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(peer.data());
    return std::string(reinterpret_cast<const char*>(&a->sin6_addr), sizeof a->sin6_addr);
  }
  if (peer.size() >= sizeof(sockaddr_in) &&
      reinterpret_cast<const sockaddr*>(peer.data())->sa_family == AF_INET) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(peer.data());
    return std::string(reinterpret_cast<const char*>(&a->sin_addr), sizeof a->sin_addr);
  }
  return peer;
}

// Bounds the time a connection may take to deliver a request's headers (its TLS handshake
// included). cpp-httplib 0.11 bounds each read, not the whole: a client sending a header
// line every few seconds would hold a pool thread for as long as it likes, and 64 of them
// held every thread. While a request is being served there is no deadline (its body is
// read only after authentication); after an answer the next request has the keep-alive
// wait plus the header time. A watchdog thread shuts late connections down, which makes
// the pool thread's read fail and frees it.
//
// It also caps the connections one client address holds at once (each holds a pool
// thread): beyond the cap a connection is shut as soon as it reaches a thread, before its
// TLS handshake, so that one address cannot take every thread while its connections
// trickle within the time limits. 0 = no cap.
class ConnectionWatch {
 public:
  ConnectionWatch(Millis headerTimeout, Millis keepAlive, std::size_t maxPerAddress)
      : headerTimeout_(headerTimeout), keepAlive_(keepAlive), maxPerAddress_(maxPerAddress) {}

  // On the pool thread serving the connection.
  void opened(int fd) {
    std::lock_guard lock(mutex_);
    if (tlsConnectionSocket == fd) {
      const auto it = entries_.find(fd);
      if (it != entries_.end() && it->second.serial == tlsConnectionSerial) {
        return;  // a renegotiation of this thread's connection, counted already
      }
    }
    // A new connection. An entry left under its socket number is of a connection that
    // another thread closed but has not yet reported closed: it is replaced, not taken
    // for this one (which would then escape the cap).
    tlsConnectionSocket = fd;
    tlsConnectionSerial = ++serials_;
    auto& e = entries_[fd];
    e = Entry{};
    e.peer = peerOf(fd);
    e.address = addressOf(e.peer);
    e.deadline = SteadyClock::now() + headerTimeout_;
    e.serial = tlsConnectionSerial;
    if (maxPerAddress_ == 0) {
      return;
    }
    std::size_t held = 0;
    for (const auto& [otherFd, other] : entries_) {
      held += otherFd != fd && !other.shut && other.address == e.address ? 1 : 0;
    }
    if (held >= maxPerAddress_) {
      ::shutdown(fd, SHUT_RDWR);
      e.shut = true;
      ++refused_;
    }
  }
  void serving() { update(false); }
  void answered() { update(true); }
  // Bytes of a TLS record that arrived for this thread's connection. Between requests
  // (handshake, request line, headers) at most kMaxIdleBytes: cpp-httplib 0.11 bounds the
  // length of a header line but not their number.
  void received(std::size_t bytes) {
    if (tlsConnectionSocket < 0) {
      return;
    }
    std::lock_guard lock(mutex_);
    auto it = entries_.find(tlsConnectionSocket);
    if (it == entries_.end() || it->second.busy || it->second.shut) {
      return;
    }
    it->second.idleBytes += bytes;
    if (it->second.idleBytes > kMaxIdleBytes) {
      ::shutdown(tlsConnectionSocket, SHUT_RDWR);
      it->second.shut = true;
      ++shut_;
    }
  }
  static constexpr std::size_t kMaxIdleBytes = 64 * 1024;
  void closed() {
    if (tlsConnectionSocket < 0) {
      return;
    }
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(tlsConnectionSocket);
    if (it != entries_.end() && it->second.serial == tlsConnectionSerial) {
      entries_.erase(it);  // not a newer connection that got the same socket number
    }
    tlsConnectionSocket = -1;
    tlsConnectionSerial = 0;
  }

  // The watchdog: until `stop` is requested, every 100 ms; refusals are logged at most
  // once a second.
  void run(const std::stop_token& stop) {
    auto logged = SteadyClock::now();
    while (!stop.stop_requested()) {
      if (SteadyClock::now() - logged >= std::chrono::seconds(1)) {
        logged = SteadyClock::now();
        if (const auto refused = takeRefused(); refused > 0) {
          centralLog().warn("central: refused {} connection(s) of addresses holding {} already",
                            refused, maxPerAddress_);
        }
      }
      {
        std::lock_guard lock(mutex_);
        const auto now = SteadyClock::now();
        for (auto& [fd, e] : entries_) {
          // The peer check keeps a socket number that was closed and reused by a new
          // connection from being shut.
          if (!e.busy && !e.shut && e.deadline < now && peerOf(fd) == e.peer) {
            ::shutdown(fd, SHUT_RDWR);
            e.shut = true;
            ++shut_;
          }
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  // Connections refused for the per-address cap since the last call (for the log).
  std::size_t takeRefused() {
    std::lock_guard lock(mutex_);
    return std::exchange(refused_, 0);
  }

 private:
  struct Entry {
    std::string peer;  // sockaddr bytes, port included
    SteadyClock::time_point deadline;
    bool busy = false;
    bool shut = false;
    std::size_t idleBytes = 0;
    std::string address;  // the peer without its port
    std::uint64_t serial = 0;
  };
  void update(bool idle) {
    if (tlsConnectionSocket < 0) {
      return;
    }
    std::lock_guard lock(mutex_);
    auto it = entries_.find(tlsConnectionSocket);
    if (it != entries_.end()) {
      it->second.busy = !idle;
      it->second.deadline = SteadyClock::now() + keepAlive_ + headerTimeout_;
      it->second.idleBytes = 0;
    }
  }

  Millis headerTimeout_;
  Millis keepAlive_;
  std::size_t maxPerAddress_;
  std::mutex mutex_;
  std::map<int, Entry> entries_;
  std::size_t shut_ = 0;
  std::size_t refused_ = 0;
  std::uint64_t serials_ = 0;
};

// The SSL_CTX's app data is the server's ConnectionWatch.
void noteConnectionSocket(const SSL* ssl, int where, int /*ret*/) {
  if ((where & SSL_CB_HANDSHAKE_START) != 0) {
    if (auto* watch = static_cast<ConnectionWatch*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)))) {
      watch->opened(SSL_get_fd(ssl));
    }
  }
}

// Every TLS record read: its 5-byte header carries the record's length.
void noteRecord(int writeP, int /*version*/, int contentType, const void* buf, std::size_t len,
                SSL* ssl, void* /*arg*/) {
  if (writeP != 0 || contentType != SSL3_RT_HEADER || len < 5) {
    return;
  }
  const auto* h = static_cast<const unsigned char*>(buf);
  if (auto* watch = static_cast<ConnectionWatch*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)))) {
    watch->received((static_cast<std::size_t>(h[3]) << 8) | h[4]);
  }
}

// cpp-httplib's pool, telling the watch when a connection's task is over.
class WatchedPool final : public httplib::TaskQueue {
 public:
  WatchedPool(std::size_t threads, ConnectionWatch& watch) : pool_(threads), watch_(watch) {}
  void enqueue(std::function<void()> fn) override {
    pool_.enqueue([this, fn = std::move(fn)] {
      fn();
      watch_.closed();
    });
  }
  void shutdown() override { pool_.shutdown(); }

 private:
  httplib::ThreadPool pool_;
  ConnectionWatch& watch_;
};

// Called once an answer is written. An answer marked "Connection: close" was given before
// the body was read; cpp-httplib would parse that body as the next request, so the
// connection's sending side is shut: the client sees the end after the answer, and the
// server's next write fails, which ends the connection. (Shutting the reading side, or
// closing, would reset the connection with the unread body and could destroy the answer
// before the client read it.)
void endRefusedConnection(const httplib::Response& res) {
  if (tlsConnectionSocket >= 0 && res.get_header_value("Connection") == "close") {
    ::shutdown(tlsConnectionSocket, SHUT_WR);
  }
}

// Failed token checks per client address: a guesser gets a few 401s, then 429s.
constexpr double kAuthFailuresPerSecond = 1;
constexpr double kAuthFailureBurst = 10;

cache::Dialect dialectOf(const std::string& databasePath) {
  return cache::isPostgresUrl(databasePath) ? cache::Dialect::kPostgres : cache::Dialect::kSqlite;
}

std::string_view pathOnly(const std::string& path) {
  return std::string_view(path).substr(0, path.find('?'));
}

}  // namespace

struct CentralServer::Impl {
  Impl(ServerOptions o, const Clock& c)
      : options(std::move(o)),
        clock(c),
        pool(options.databasePath),
        deviceLimiter(makeRateLimiter(dialectOf(options.databasePath), "device",
                                      options.deviceRatePerSecond, options.deviceBurst,
                                      limiterClock)),
        addressLimiter(makeRateLimiter(dialectOf(options.databasePath), "address",
                                       options.addressRatePerSecond, options.addressBurst,
                                       limiterClock)),
        authFailures(makeRateLimiter(dialectOf(options.databasePath), "auth",
                                     kAuthFailuresPerSecond, kAuthFailureBurst, limiterClock)),
        watch(options.headerTimeout, std::chrono::seconds(kKeepAliveSeconds),
              options.maxConnectionsPerAddress),
        writer(options.databasePath),
        notifier(
            [this] {
              WebhookOptions w;
              w.databasePath = options.databasePath;
              w.caFile = options.webhookCaFile;
              w.pollInterval = options.webhookPoll;
              w.retryBase = options.webhookRetryBase;
              return w;
            }(),
            c) {}

  struct Context {
    const httplib::Request& req;
    httplib::Response& res;
    CentralStore& store;
    Device device;
    TimePoint now;
    std::string note;  // counts for the log line
    Writer& writer;
    // Runs `write` (a CentralStore call returning a Result) on the writer and returns its
    // result once committed, or the commit's error. Request threads never write through
    // `store`: they would meet the writer in SQLite's busy handler.
    template <typename F>
    auto write(F&& write) -> decltype(write(std::declval<CentralStore&>())) {
      std::optional<decltype(write(std::declval<CentralStore&>()))> out;
      auto committed = writer.run([&](CentralStore& s) { out.emplace(write(s)); });
      if (!committed) {
        return committed.error();
      }
      return std::move(*out);
    }
  };
  using Handler = std::function<void(Context&)>;

  void serve(const httplib::Request& req, httplib::Response& res, bool authenticated,
             const Handler& handler);
  bool admit(const httplib::Request& req, httplib::Response& res);
  void sendAuthFailure(httplib::Response& res, TimePoint now, AuthFailure failure);
  void routes();
  std::string clientOf(const httplib::Request& req) const;
  void applyFaultAfter(const Fault& fault, httplib::Response& res);

  ServerOptions options;
  const Clock& clock;
  StorePool pool;
  // The limiters measure real time whatever clock central's answers use (tests move that
  // one; the in-memory buckets always counted steady time).
  SystemClock limiterClock;
  // On PostgreSQL shared by every instance on the database (rate_limiter.h).
  std::unique_ptr<RateLimiter> deviceLimiter;
  std::unique_ptr<RateLimiter> addressLimiter;
  std::unique_ptr<RateLimiter> authFailures;
  TrustedProxies proxies;  // set by start()
  ConnectionWatch watch;
  std::jthread watchdog;
  Writer writer;
  WebhookNotifier notifier;
  std::unique_ptr<httplib::SSLServer> server;
  int boundPort = 0;
  std::jthread listener;
  std::mutex stopMutex;
  bool stopped = false;
};

std::string CentralServer::Impl::clientOf(const httplib::Request& req) const {
  std::vector<std::string> forwarded;
  const auto n = req.get_header_value_count("X-Forwarded-For");
  for (std::size_t i = 0; i < n; ++i) {
    forwarded.push_back(req.get_header_value("X-Forwarded-For", i));
  }
  return proxies.clientAddress(req.remote_addr, forwarded);
}

void CentralServer::Impl::applyFaultAfter(const Fault& fault, httplib::Response& res) {
  switch (fault.kind) {
    case FaultKind::kStallAfter:
      options.faults->stall(fault.delay);
      break;
    case FaultKind::kTruncatedBody:
      res.body = res.body.substr(0, res.body.size() / 2);
      break;
    case FaultKind::kMalformedBody:
      res.set_content("<html><body>502 Bad Gateway</body></html>", "application/json");
      break;
    case FaultKind::kCutConnection: {
      auto body = std::make_shared<std::string>(std::move(res.body));
      res.body.clear();
      const auto full = body->size();
      res.set_content_provider(full, "application/json",
                               [body](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                 if (offset == 0) {
                                   sink.write(body->data(), body->size() / 2);
                                 }
                                 return false;  // closes the connection mid-body
                               });
      break;
    }
    default:
      break;
  }
}

void CentralServer::Impl::sendAuthFailure(httplib::Response& res, TimePoint now,
                                          AuthFailure failure) {
  switch (failure) {
    case AuthFailure::kMissing:
      sendProblem(res, now, 401, api::kProblemUnauthorized, "Device token required");
      break;
    case AuthFailure::kUnknown:
      sendProblem(res, now, 401, api::kProblemUnauthorized, "Unknown device token");
      break;
    case AuthFailure::kExpired:
      sendProblem(res, now, 401, api::kProblemTokenExpired, "Device token expired",
                  "enroll the terminal again");
      break;
    case AuthFailure::kRevoked:
      sendProblem(res, now, 401, api::kProblemDeviceRevoked, "Device revoked",
                  "this terminal was withdrawn at central");
      break;
  }
}

// Runs after the request line and headers, before cpp-httplib reads a body: refuses
// bodies central will not read (compressed, chunked, too long) and requests without a
// valid device token, so that a stranger never makes central read, inflate or store a
// body. A refused request closes its connection (its body is never read).
bool CentralServer::Impl::admit(const httplib::Request& req, httplib::Response& res) {
  watch.serving();
  const auto started = SteadyClock::now();
  const auto now = clock.now();
  const auto path = pathOnly(req.path);
  auto refuse = [&](bool log) {
    res.set_header("Connection", "close");  // see endRefusedConnection
    if (log) {
      const auto ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started)
              .count();
      centralLog().info("{} {} {} device=- {}ms refused before the body", req.method, path,
                        res.status, ms);
    }
    return false;
  };
  const bool needsToken = path == api::kChangesPath || path == api::kHeartbeatPath ||
                          api::pushRouteForPath(path) != nullptr ||
                          path.substr(0, api::kPhotosPrefix.size()) == api::kPhotosPrefix;
  // What central will not read, refused from the headers alone.
  auto checkBody = [&] {
    if (req.has_header("Content-Encoding") &&
        lowerAscii(req.get_header_value("Content-Encoding")) != "identity") {
      sendProblem(res, now, 415, api::kProblemMediaType,
                  "Compressed request bodies are not accepted",
                  "send the body uncompressed (responses may still be gzip)");
      return refuse(true);
    }
    if (req.has_header("Transfer-Encoding")) {
      sendProblem(res, now, 411, api::kProblemInvalidRequest, "Content-Length required",
                  "chunked request bodies are not accepted");
      return refuse(true);
    }
    if (req.has_header("Content-Length")) {
      const auto text = req.get_header_value("Content-Length");
      std::size_t length = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
      if (ec != std::errc() || end != text.data() + text.size()) {
        sendProblem(res, now, 400, api::kProblemInvalidRequest, "Bad Content-Length");
        return refuse(true);
      }
      if (length > kMaxBody) {
        sendProblem(res, now, 413, api::kProblemTooLarge, "Request too large",
                    "at most " + std::to_string(kMaxBody) + " bytes");
        return refuse(true);
      }
    }
    return true;
  };
  if (!needsToken) {
    return checkBody();  // /v1/health, /v1/enroll (limited per address in serve), 404s
  }
  auto lease = pool.acquire();
  if (!lease) {
    sendStoreError(res, now, lease.error());
    return refuse(true);
  }
  auto auth = (*lease)->devices().authenticate(bearerToken(req), now);
  if (!auth) {
    sendStoreError(res, now, auth.error());
    return refuse(true);
  }
  if (const auto* failure = std::get_if<AuthFailure>(&*auth)) {
    // Failures are limited per address, successes never: a guesser behind the venue's NAT
    // does not lock out the terminals that share its address. Past the budget a guess
    // gets 429 and no log line.
    if (auto wait = authFailures->take((*lease)->database(), clientOf(req))) {
      sendTooMany(res, now, *wait);
      return refuse(false);
    }
    sendAuthFailure(res, now, *failure);
    return refuse(true);
  }
  return checkBody();  // the route authenticates again (one indexed lookup), reads the body
}

void CentralServer::Impl::serve(const httplib::Request& req, httplib::Response& res,
                                bool authenticated, const Handler& handler) {
  const auto started = SteadyClock::now();
  std::string deviceId = "-";
  std::string note;
  [&] {
    const auto now = clock.now();
    auto lease = pool.acquire();
    if (!lease) {
      centralLog().error("central: {}", lease.error().message);
      sendStoreError(res, now, lease.error());
      return;
    }
    CentralStore& store = **lease;
    if (!authenticated) {
      if (auto wait = addressLimiter->take(store.database(), clientOf(req))) {
        sendTooMany(res, now, *wait);
        return;
      }
    }
    Device device;
    if (authenticated) {
      auto auth = store.devices().authenticate(bearerToken(req), now);
      if (!auth) {
        sendStoreError(res, now, auth.error());
        return;
      }
      if (const auto* failure = std::get_if<AuthFailure>(&*auth)) {
        sendAuthFailure(res, now, *failure);
        return;
      }
      device = std::get<Device>(*auth);
      deviceId = device.id;
      if (auto wait = deviceLimiter->take(store.database(), device.id)) {
        sendTooMany(res, now, *wait);
        return;
      }
    }
    std::optional<Fault> fault;
    if (options.faults != nullptr) {
      fault = options.faults->take(req.path);
    }
    if (fault && fault->kind == FaultKind::kStatus) {
      if (fault->status == 429) {
        sendTooMany(res, now, Millis(fault->retryAfterS * 1000));
      } else {
        sendProblem(res, now, fault->status, api::kProblemInternal, "Injected failure");
      }
      note = "fault";
      return;
    }
    if (fault && fault->kind == FaultKind::kStallBefore) {
      options.faults->stall(fault->delay);
    }
    Context ctx{req, res, store, std::move(device), now, {}, writer};
    try {
      handler(ctx);
    } catch (const nlohmann::json::exception&) {
      // The parser's message quotes the input, which may be personal data.
      sendProblem(res, now, 400, api::kProblemInvalidRequest, "Malformed JSON",
                  "the body is not the JSON this route takes");
    } catch (const std::invalid_argument& e) {
      sendProblem(res, now, 400, api::kProblemInvalidRequest, "Invalid request",
                  std::string(e.what()).substr(0, 120));
    }
    note = std::move(ctx.note);
    if (fault) {
      applyFaultAfter(*fault, res);
      note += " fault";
    }
  }();
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started).count();
  centralLog().info("{} {} {} device={} {}ms{}{}", req.method, pathOnly(req.path), res.status,
                    deviceId, ms, note.empty() ? "" : " ", note);
}

void CentralServer::Impl::routes() {
  auto& s = *server;
  s.set_logger([this](const httplib::Request&, const httplib::Response& res) {
    watch.answered();
    endRefusedConnection(res);
  });
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    // cpp-httplib 0.11 compresses with brotli at its slowest setting whenever a client accepts
    // it: a browser's arrivals board of 10,000 guests (880 KiB of HTML) cost central 6.5 s of
    // CPU before its first byte (gzip: 0.5 s). The library picks the encoding from the
    // request's header after routing, so the header of this server's own request object
    // (never const: the library made it) is trimmed to what the server will send.
    withoutBrotli(const_cast<httplib::Request&>(req));
    return admit(req, res) ? httplib::Server::HandlerResponse::Unhandled
                           : httplib::Server::HandlerResponse::Handled;
  });
  s.Get(std::string(api::kHealthPath), [this](const httplib::Request& req, httplib::Response& res) {
    serve(req, res, false, [](Context& c) {
      sendJson(c.res, 200,
               cache::dump(Json{{"status", "ok"},
                                {"api_version", std::string(api::kVersion)},
                                {"server_time", cache::toJson(c.now)}}));
    });
  });

  s.Post(std::string(api::kEnrollPath),
         [this](const httplib::Request& req, httplib::Response& res) {
           serve(req, res, false, [this](Context& c) {
             const auto body = cache::parseJson(c.req.body);
             const auto code = body.at("code").get<std::string>();
             const auto version = body.value("version", std::string());
             auto enrolled = c.write([&](CentralStore& writing) {
               return writing.devices().enroll(code, version, options.tokenLifetime, c.now);
             });
             if (!enrolled) {
               if (enrolled.error().kind == ErrorKind::kUnauthorized) {
                 sendProblem(c.res, c.now, 403, api::kProblemEnrollmentCode,
                             "Enrollment code not accepted",
                             "the code is unknown, already used or expired");
               } else {
                 sendStoreError(c.res, c.now, enrolled.error());
               }
               return;
             }
             c.note = "enrolled device=" + enrolled->deviceId;
             sendJson(c.res, 200, cache::dump(api::toJson(*enrolled)));
           });
         });

  s.Get(
      std::string(api::kChangesPath), [this](const httplib::Request& req, httplib::Response& res) {
        serve(req, res, true, [](Context& c) {
          std::size_t limit = api::kDefaultPageSize;
          if (c.req.has_param("limit")) {
            const auto text = c.req.get_param_value("limit");
            std::size_t value = 0;
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (ec != std::errc() || end != text.data() + text.size() || value == 0) {
              sendProblem(c.res, c.now, 400, api::kProblemInvalidRequest,
                          "limit must be a positive number");
              return;
            }
            limit = std::min(value, api::kMaxPageSize);
          }
          auto page =
              c.store.feed().page(c.device.eventId, c.req.get_param_value("cursor"), limit, c.now);
          if (!page) {
            sendStoreError(c.res, c.now, page.error());
            return;
          }
          c.note = "bytes=" + std::to_string(page->size());
          sendJson(c.res, 200, std::move(*page));
        });
      });

  for (const auto& route : api::pushRoutes()) {
    s.Post(std::string(route.path), [this, &route](const httplib::Request& req,
                                                   httplib::Response& res) {
      serve(req, res, true, [this, &route](Context& c) {
        const auto body = cache::parseJson(c.req.body);
        auto it = body.find(std::string(route.field));
        if (!body.is_object() || it == body.end() || !it->is_array()) {
          sendProblem(c.res, c.now, 400, api::kProblemInvalidRequest,
                      "expected {\"" + std::string(route.field) + "\": [...]}");
          return;
        }
        if (it->size() > api::kMaxBatchItems) {
          sendProblem(c.res, c.now, 413, api::kProblemTooLarge, "Batch too large",
                      "at most " + std::to_string(api::kMaxBatchItems) + " items per request");
          return;
        }
        auto summary = c.write([&](CentralStore& writing) {
          return writing.records().push(c.device, route, *it, c.now);
        });
        if (!summary) {
          centralLog().error("central: {}", summary.error().message);
          sendStoreError(c.res, c.now, summary.error());
          return;
        }
        if (summary->notices > 0) {
          notifier.wake();
        }
        Json results = Json::array();
        for (const auto& r : summary->results) {
          results.push_back(api::toJson(r));
        }
        c.note = "items=" + std::to_string(summary->results.size()) +
                 " accepted=" + std::to_string(summary->accepted) +
                 " rejected=" + std::to_string(summary->rejected) +
                 " flagged=" + std::to_string(summary->flagged);
        sendJson(c.res, 200,
                 cache::dump(Json{{"results", results}, {"server_time", cache::toJson(c.now)}}));
      });
    });
  }

  s.Put(std::string(api::kPhotosPrefix) + "([^/]{1,100})",
        [this](const httplib::Request& req, httplib::Response& res) {
          serve(req, res, true, [](Context& c) {
            const std::string checkinId = c.req.matches[1];
            const auto type = c.req.get_header_value("Content-Type");
            if (type != "image/jpeg" && type != "image/png") {
              sendProblem(c.res, c.now, 415, api::kProblemMediaType,
                          "Photos are image/jpeg or image/png");
              return;
            }
            if (c.req.body.size() > api::kMaxPhotoBytes || c.req.body.empty()) {
              sendProblem(c.res, c.now, 413, api::kProblemTooLarge, "Photo too large or empty",
                          "at most " + std::to_string(api::kMaxPhotoBytes) + " bytes");
              return;
            }
            if (checks::sniffImageType(c.req.body) != std::optional<std::string_view>(type)) {
              sendProblem(c.res, c.now, 415, api::kProblemMediaType,
                          "The body is not a " + type + " image",
                          "a JPEG starts with FF D8 FF, a PNG with its 8-byte signature");
              return;
            }
            auto stored = c.write([&](CentralStore& writing) {
              return writing.records().putPhoto(c.device, checkinId, type, c.req.body, c.now);
            });
            if (!stored) {
              if (stored.error().kind == ErrorKind::kNotFound) {
                sendProblem(c.res, c.now, 404, api::kProblemNotFound, "No such check-in",
                            "push the check-in before its photo; photos belong to this terminal's "
                            "check-ins");
                return;
              }
              sendStoreError(c.res, c.now, stored.error());
              return;
            }
            c.note = "bytes=" + std::to_string(c.req.body.size());
            sendJson(c.res, 200,
                     cache::dump(Json{{"checkin_id", checkinId},
                                      {"bytes", c.req.body.size()},
                                      {"server_time", cache::toJson(c.now)}}));
          });
        });

  s.Post(std::string(api::kHeartbeatPath),
         [this](const httplib::Request& req, httplib::Response& res) {
           serve(req, res, true, [this](Context& c) {
             const auto hb = api::heartbeatFromJson(cache::parseJson(c.req.body));
             const auto address = clientOf(c.req);
             auto st = c.write([&](CentralStore& writing) {
               return writing.devices().recordHeartbeat(c.device, hb, address, c.now);
             });
             if (!st) {
               if (st.error().kind == ErrorKind::kInvalidInput) {
                 // The message names the field and the limit, never the value.
                 const auto& m = st.error().message;
                 sendProblem(c.res, c.now, 400, api::kProblemInvalidRequest, "Invalid heartbeat",
                             m.substr(m.find(": ") == std::string::npos ? 0 : m.find(": ") + 2));
                 return;
               }
               sendStoreError(c.res, c.now, st.error());
               return;
             }
             c.note = "queue=" + std::to_string(hb.queueDepth);
             // The event's settings go along when the terminal runs another version (and
             // has not given up on this one). A failed read only leaves them out this time.
             api::HeartbeatAnswer answer;
             auto offered = TerminalSettingsStore(c.store.database()).current(c.device.eventId);
             if (!offered) {
               centralLog().error("heartbeat: {}", offered.error().message);
             } else if (*offered && (*offered)->version != hb.settingsVersion &&
                        (*offered)->version != hb.settingsFailedVersion) {
               answer.settings = **offered;
               c.note += " settings=" + std::to_string((*offered)->version);
             }
             // The event's OS update goes along when the terminal runs another OS.
             auto update = OsUpdateStore(c.store.database()).current(c.device.eventId);
             if (!update) {
               centralLog().error("heartbeat: {}", update.error().message);
             } else if ((answer.update = updateFor(*update, hb.osVersion))) {
               c.note += " update=" + answer.update->version;
             }
             sendJson(c.res, 200, cache::dump(api::toJson(answer, c.now)));
           });
         });

  console::ConsoleOptions consoleOptions;
  consoleOptions.mail = options.mail;
  console::addConsoleRoutes(s, options.databasePath, clock, std::move(consoleOptions));

  s.set_error_handler([this](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) {
      return;
    }
    const auto now = clock.now();
    switch (res.status) {
      case 404:
        sendProblem(res, now, 404, api::kProblemNotFound, "No such route");
        break;
      case 413:
        sendProblem(res, now, 413, api::kProblemTooLarge, "Request too large");
        break;
      case 414:  // cpp-httplib's limit on the request line, before any routing
        sendProblem(res, now, 414, api::kProblemInvalidRequest, "Request line too long");
        break;
      case 400:
        sendProblem(res, now, 400, api::kProblemInvalidRequest, "Bad request");
        break;
      default:
        sendProblem(res, now, res.status, api::kProblemInternal, "Request failed");
        break;
    }
  });
  s.set_exception_handler(
      [this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        centralLog().error("central: {} {} failed: {}", req.method, pathOnly(req.path), what);
        sendProblem(res, clock.now(), 500, api::kProblemInternal, "Internal error");
      });
}

CentralServer::CentralServer(ServerOptions options, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), clock)) {}

CentralServer::~CentralServer() {
  stop();
  wait();
}

Status CentralServer::start() {
  auto& o = impl_->options;
  auto proxies = TrustedProxies::parse(o.trustedProxies);
  if (!proxies) {
    return proxies.error();
  }
  impl_->proxies = std::move(*proxies);
  {
    // Open once with the integrity check and migrations before taking requests.
    auto store = CentralStore::open(o.databasePath);
    if (!store) {
      return store.error();
    }
  }
  impl_->server = std::make_unique<httplib::SSLServer>(o.certFile.c_str(), o.keyFile.c_str());
  if (!impl_->server->is_valid()) {
    return makeError(ErrorKind::kInvalidInput, "cannot use the TLS certificate " + o.certFile +
                                                   " with the key " + o.keyFile +
                                                   " (missing, unreadable or not a pair)");
  }
  auto& s = *impl_->server;
  if (SSL_CTX* ctx = s.ssl_context(); ctx != nullptr) {
    SSL_CTX_set_app_data(ctx, &impl_->watch);
    SSL_CTX_set_info_callback(ctx, noteConnectionSocket);
    SSL_CTX_set_msg_callback(ctx, noteRecord);
  }
  if (SSL_CTX* ctx = s.ssl_context(); ctx == nullptr ||
                                      SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
                                      SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
    return makeError(ErrorKind::kPermanent, "cannot restrict TLS to AEAD cipher suites");
  }
  const auto threads = std::max<std::size_t>(o.threads, 2);
  s.new_task_queue = [threads, impl = impl_.get()] {
    return new WatchedPool(threads, impl->watch);
  };
  // Headers and body go out in separate writes: without this, Nagle and delayed ACKs
  // add 40 ms to every answer.
  s.set_tcp_nodelay(true);
  s.set_keep_alive_max_count(1000);
  s.set_keep_alive_timeout(kKeepAliveSeconds);
  s.set_read_timeout(5, 0);
  s.set_write_timeout(10, 0);
  s.set_payload_max_length(kMaxBody);
  impl_->routes();
  if (o.port == 0) {
    impl_->boundPort = s.bind_to_any_port(o.host);
    if (impl_->boundPort <= 0) {
      return makeError(ErrorKind::kPermanent, "cannot listen on " + o.host);
    }
  } else {
    if (!s.bind_to_port(o.host, o.port)) {
      return makeError(ErrorKind::kPermanent, "cannot listen on " + o.host + ":" +
                                                  std::to_string(o.port) +
                                                  " (in use, or a privileged port)");
    }
    impl_->boundPort = o.port;
  }
  impl_->writer.start();
  impl_->notifier.start();
  impl_->watchdog =
      std::jthread([impl = impl_.get()](const std::stop_token& stop) { impl->watch.run(stop); });
  impl_->listener = std::jthread([impl = impl_.get()] { impl->server->listen_after_bind(); });
  centralLog().info("central: serving https://{}:{} (database {})", o.host, impl_->boundPort,
                    o.databasePath);
  return okStatus();
}

int CentralServer::port() const {
  return impl_->boundPort;
}

void CentralServer::stop() {
  std::lock_guard lock(impl_->stopMutex);
  if (impl_->stopped || !impl_->server) {
    return;
  }
  impl_->stopped = true;
  if (impl_->options.faults != nullptr) {
    impl_->options.faults->release();
  }
  impl_->server->stop();
  impl_->notifier.stop();
  impl_->watchdog.request_stop();
}

void CentralServer::wait() {
  if (impl_->listener.joinable()) {
    impl_->listener.join();
  }
}

}  // namespace kiosk::central
