// Test support for the sync and central tests: a test PKI made at run time with the
// openssl CLI, a central server (in-process or as the real kiosk-central child process)
// with an event and guests, terminals with their own database files and sync engines, and
// bounded waiting for conditions (no fixed sleeps).
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "central/central_server.h"
#include "central/central_store.h"
#include "kiosk/core/checkin_service.h"
#include "kiosk/core/ids.h"
#include "offline-cache/local_store.h"
#include "offline-cache/sync_engine.h"
#include "support/central_test_store.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace kiosk::testing {

// Polls `condition` every 10 ms until it holds or `timeout` passes.
template <typename F>
bool waitFor(F&& condition, Millis timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

// The system clock shifted by an offset that tests may change while servers run.
class AdjustableClock final : public Clock {
 public:
  TimePoint now() const override {
    return SystemClock().now() + Millis(offsetMs_.load(std::memory_order_relaxed));
  }
  void shift(Millis by) { offsetMs_ += by.count(); }

 private:
  std::atomic<std::int64_t> offsetMs_{0};
};

// A test CA with a server certificate for 127.0.0.1/localhost, and a second, unrelated CA
// with its own server certificate (the "wrong certificate").
struct Pki {
  std::string caFile;
  std::string certFile;
  std::string keyFile;
  std::string pin;  // "sha256//..." of the server key
  std::string otherCaFile;
  std::string otherCertFile;
  std::string otherKeyFile;
  std::string otherPin;
};

inline std::string sh(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return out;
  }
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    out.append(buffer, n);
  }
  ::pclose(pipe);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) {
    out.pop_back();
  }
  return out;
}

inline Pki makePki(const std::filesystem::path& dir) {
  auto q = [](const std::filesystem::path& p) { return shellQuote(p.string()); };
  auto makeCa = [&](const std::string& name) {
    sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3 -subj "
       "'/CN=" +
       name + "' -keyout " + q(dir / (name + "-ca.key")) + " -out " + q(dir / (name + "-ca.pem")) +
       " 2>/dev/null");
  };
  auto makeServer = [&](const std::string& name) {
    const auto ext = dir / "san.cnf";
    std::ofstream(ext) << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
    sh("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=localhost' "
       "-keyout " +
       q(dir / (name + "-server.key")) + " -out " + q(dir / (name + "-server.csr")) +
       " 2>/dev/null");
    sh("openssl x509 -req -days 3 -in " + q(dir / (name + "-server.csr")) + " -CA " +
       q(dir / (name + "-ca.pem")) + " -CAkey " + q(dir / (name + "-ca.key")) +
       " -CAcreateserial -extfile " + q(ext) + " -out " + q(dir / (name + "-server.pem")) +
       " 2>/dev/null");
    return "sha256//" + sh("openssl x509 -in " + q(dir / (name + "-server.pem")) +
                           " -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst "
                           "-sha256 -binary | openssl base64 -A");
  };
  makeCa("test");
  makeCa("other");
  Pki pki;
  pki.pin = makeServer("test");
  pki.otherPin = makeServer("other");
  pki.caFile = (dir / "test-ca.pem").string();
  pki.certFile = (dir / "test-server.pem").string();
  pki.keyFile = (dir / "test-server.key").string();
  pki.otherCaFile = (dir / "other-ca.pem").string();
  pki.otherCertFile = (dir / "other-server.pem").string();
  pki.otherKeyFile = (dir / "other-server.key").string();
  return pki;
}

// Guests with predictable fields; guest i has booking code "GST-<i>".
inline std::vector<Guest> makeGuests(int count, int withHostEvery = 0) {
  std::vector<Guest> guests;
  for (int i = 1; i <= count; ++i) {
    Guest g;
    g.bookingCode = "GST-" + std::to_string(1000 + i);
    g.name = "Guest " + std::to_string(i);
    g.company = "Company " + std::to_string(i % 17);
    g.phone = "1380000" + std::to_string(1000 + i);
    g.category = i % 10 == 0 ? GuestCategory::kVip : GuestCategory::kBusiness;
    g.lodging.hotel = "Lakeside";
    g.lodging.room = std::to_string(100 + i % 800);
    if (withHostEvery > 0 && i % withHostEvery == 0) {
      g.host = "Host " + std::to_string(i);
      g.hostContact = "host" + std::to_string(i) + "@example.org";
    }
    guests.push_back(std::move(g));
  }
  return guests;
}

// Central's database with one event, its key and guests; optionally an in-process server.
class CentralFixture {
 public:
  // `database` is central's --db value (default: central.db in `dir`).
  CentralFixture(const std::filesystem::path& dir, const Pki& pki, int guestCount,
                 int withHostEvery = 0, const std::string& database = {})
      : dir_(dir), pki_(pki), db_(database.empty() ? testing::centralTestDatabase(dir) : database) {
    auto store = open();
    const auto now = SystemClock().now();
    event_.id = randomNonZeroU32();
    event_.name = "Sync Test Forum";
    event_.startsAt = now - std::chrono::hours(2);
    event_.endsAt = now + std::chrono::hours(48);
    key_ = generateSigningKey(event_.id, 1, now);
    EXPECT_TRUE(store->createEvent(event_, key_, "", now));
    auto saved = store->upsertGuests(event_.id, makeGuests(guestCount, withHostEvery), now);
    EXPECT_TRUE(saved) << saved.error().message;
    if (saved) {
      guests_ = *saved;
    }
  }
  ~CentralFixture() { stop(); }

  // Another connection to central's database (no integrity check: tests that want one
  // open the file themselves).
  std::unique_ptr<central::CentralStore> open() const {
    cache::OpenOptions options;
    options.checkIntegrity = false;
    auto store = central::CentralStore::open(db_, options);
    EXPECT_TRUE(store) << store.error().message;
    return store ? std::move(*store) : nullptr;
  }

  void start(central::ServerOptions options = {}) {
    options.databasePath = db_;
    options.host = "127.0.0.1";
    if (port_ != 0 && options.port == 8443) {
      options.port = port_;  // a restart keeps its address
    } else if (options.port == 8443) {
      options.port = 0;
    }
    if (options.certFile.empty()) {
      options.certFile = pki_.certFile;
      options.keyFile = pki_.keyFile;
    }
    options.faults = &faults;
    server_ = std::make_unique<central::CentralServer>(options, clock);
    auto started = server_->start();
    ASSERT_TRUE(started) << started.error().message;
    port_ = server_->port();
  }
  void stop() {
    if (server_) {
      server_->stop();
      server_->wait();
      server_.reset();
    }
  }

  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  void setPort(int port) { port_ = port; }
  const std::string& database() const { return db_; }
  const Event& event() const { return event_; }
  const std::vector<Guest>& guests() const { return guests_; }

  std::string enrollmentCode(const std::string& terminal) {
    auto code = open()->devices().createEnrollmentCode(terminal, event_.id, std::chrono::hours(1),
                                                       clock.now());
    EXPECT_TRUE(code) << code.error().message;
    return code ? code->code : std::string();
  }

  std::string tokenFor(GuestId guestId) const {
    TokenClaims claims;
    claims.keyId = key_.id;
    claims.eventId = event_.id;
    claims.guestId = guestId;
    claims.notBefore = event_.startsAt - std::chrono::days(1);
    claims.notAfter = event_.endsAt + std::chrono::days(1);
    return issueToken(claims, key_);
  }

  std::size_t count(std::string_view table) const {
    auto n = open()->records().countRows(table);
    return n ? *n : 0;
  }

  AdjustableClock clock;
  central::FaultInjector faults;

 private:
  std::filesystem::path dir_;
  Pki pki_;
  std::string db_;
  Event event_;
  SigningKey key_;
  std::vector<Guest> guests_;
  std::unique_ptr<central::CentralServer> server_;
  int port_ = 0;
};

// A terminal: its database file, its store (for the test thread) and its sync engine.
class TestTerminal {
 public:
  TestTerminal(const std::filesystem::path& dir, std::string name, const std::string& url,
               const Pki& pki)
      : name_(std::move(name)), db_((dir / (name_ + ".db")).string()) {
    auto store = cache::LocalStore::open(db_);
    EXPECT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    options.databasePath = db_;
    options.http.baseUrl = url;
    options.http.caFile = pki.caFile;
    options.http.connectTimeout = std::chrono::seconds(2);
    options.http.requestTimeout = std::chrono::seconds(5);
    options.pollInterval = std::chrono::milliseconds(300);
    options.heartbeatInterval = std::chrono::seconds(2);
    options.retryBase = std::chrono::milliseconds(50);
    options.retryMax = std::chrono::milliseconds(400);
    options.version = "test";
  }
  ~TestTerminal() {
    if (engine_) {
      engine_->stop();
    }
  }

  Result<cache::api::Enrollment> enroll(const std::string& code) {
    return cache::enrollTerminal(*store_, options.http, code, "test");
  }
  void enrollOrFail(CentralFixture& central) {
    auto e = enroll(central.enrollmentCode(name_));
    ASSERT_TRUE(e) << e.error().message;
  }

  cache::SyncEngine& engine(cache::DeviceHealthSource* health = nullptr) {
    if (!engine_) {
      engine_ = std::make_unique<cache::SyncEngine>(options, clock_, health);
    }
    return *engine_;
  }
  void start(cache::DeviceHealthSource* health = nullptr) { engine(health).start(); }
  void stop() {
    if (engine_) {
      engine_->stop();
    }
  }

  CheckinService service(EventId eventId) {
    return CheckinService(*store_, *store_, clock_, name_, eventId);
  }
  // Checks the guest in through the real check-in path and wakes the engine.
  Result<ScanDecision> checkIn(EventId eventId, const std::string& code) {
    auto s = service(eventId);
    auto d = s.checkInNow(code, ScanSource::kCommandLine);
    if (engine_) {
      engine_->wake();
    }
    return d;
  }

  cache::LocalStore& store() { return *store_; }
  // This terminal's own clock (real time unless a test shifts it).
  AdjustableClock& clock() { return clock_; }
  const std::string& name() const { return name_; }
  const std::string& database() const { return db_; }
  std::size_t outbox() {
    auto c = store_->outboxCounts();
    return c ? c->total : 999999;
  }
  std::int64_t scalar(const std::string& sql) {
    auto s = store_->database().prepare(sql);
    return s.step() ? s.columnInt(0) : -1;
  }

  cache::SyncOptions options;

 private:
  std::string name_;
  std::string db_;
  AdjustableClock clock_;
  std::unique_ptr<cache::LocalStore> store_;
  std::unique_ptr<cache::SyncEngine> engine_;
};

// A server as a child process that prints a JSON line with its "port" when it listens
// (kiosk-central, the contract test's proxy). Its stderr goes to `errorFile` (empty: kept).
// The port is 0 when it never said so; the caller then stops it.
struct Spawned {
  pid_t pid = -1;
  int port = 0;
};
inline Spawned spawnListening(std::vector<std::string> args, const std::string& errorFile) {
  Spawned child;
  int out[2];
  if (::pipe(out) != 0) {
    return child;
  }
  child.pid = ::fork();
  if (child.pid == 0) {
    ::dup2(out[1], 1);
    ::close(out[0]);
    ::close(out[1]);
    if (!errorFile.empty()) {
      const int err = ::open(errorFile.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (err >= 0) {
        ::dup2(err, 2);
        ::close(err);
      }
    }
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  std::string line;
  char c = 0;
  while (::read(out[0], &c, 1) == 1 && c != '\n') {
    line += c;
  }
  ::close(out[0]);
  try {
    child.port = nlohmann::json::parse(line).at("port").get<int>();
  } catch (const std::exception&) {
    child.port = 0;
  }
  return child;
}

// The real build/kiosk-central as a child process (so that it can be SIGKILLed).
class ChildServer {
 public:
  ~ChildServer() { kill(SIGKILL); }

  // Starts `kiosk-central serve` and waits for its "listening" line; false on failure.
  bool start(const std::string& db, const Pki& pki, int port,
             const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{std::string(KIOSK_BINARY_DIR) + "/kiosk-central",
                                  "serve",
                                  "--db",
                                  db,
                                  "--listen",
                                  "127.0.0.1:" + std::to_string(port),
                                  "--cert",
                                  pki.certFile,
                                  "--key",
                                  pki.keyFile,
                                  "--log-level",
                                  "warn"};
    args.insert(args.end(), extra.begin(), extra.end());
    // The server's own words (a port in use, a bad certificate) go to a file that
    // error() reads back when it did not start.
    errorFile_ = db + ".central-stderr";
    const auto child = spawnListening(args, errorFile_);
    pid_ = child.pid;
    port_ = child.port;
    if (port_ == 0) {
      kill(SIGKILL);
      return false;
    }
    return true;
  }

  void kill(int signal) {
    if (pid_ > 0) {
      ::kill(pid_, signal);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      lastStatus_ = status;
      pid_ = -1;
    }
  }
  int port() const { return port_; }
  int lastStatus() const { return lastStatus_; }
  // What kiosk-central wrote to stderr (why it did not start).
  std::string error() const {
    std::ifstream in(errorFile_);
    std::stringstream text;
    text << in.rdbuf();
    return "kiosk-central: " + text.str();
  }

 private:
  std::string errorFile_;
  pid_t pid_ = -1;
  int port_ = 0;
  int lastStatus_ = 0;
};

}  // namespace kiosk::testing
