// kiosk-central under a bounded write load: 20 terminals pushing at once over loopback
// HTTPS into the real server (in-process), each sending 100 requests of 10 check-ins of a
// small set of guests (so that most check-ins are second admissions and flags change).
// Prints throughput, latency percentiles, errors (503 "database is locked" among them) and
// the process's peak RSS (server and clients together).
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "bench_table.h"
#include "central/central_server.h"
#include "central/central_store.h"
#include "kiosk/core/ids.h"
#include "offline-cache/http_client.h"
#include "offline-cache/json_codec.h"

namespace {

namespace fs = std::filesystem;
using kiosk::bench::row;
using kiosk::bench::Samples;
using Steady = std::chrono::steady_clock;

constexpr int kTerminals = 20;
constexpr int kRequests = 100;  // per terminal
constexpr int kBatch = 10;      // check-ins per request
constexpr int kGuests = 200;    // guests the check-ins fall on

void sh(const std::string& command) {
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "central_load_bench: failed: %s\n", command.c_str());
  }
}

long peakRssKb() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stol(line.substr(6));
    }
  }
  return -1;
}

}  // namespace

int main() {
  spdlog::set_level(spdlog::level::warn);
  const auto dir = fs::temp_directory_path() / ("kiosk-load-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto d = dir.string();
  std::ofstream(dir / "san.cnf") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
  sh("cd '" + d +
     "' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
     "-subj '/CN=Bench CA' -keyout ca.key -out ca.pem 2>/dev/null && openssl req -newkey ec "
     "-pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=localhost' -keyout server.key -out "
     "server.csr 2>/dev/null && openssl x509 -req -days 2 -in server.csr -CA ca.pem -CAkey "
     "ca.key -CAcreateserial -extfile san.cnf -out server.pem 2>/dev/null");

  const auto now = kiosk::SystemClock().now();
  kiosk::SystemClock clock;
  const auto db = (dir / "central.db").string();
  kiosk::Event event;
  event.id = kiosk::randomNonZeroU32();
  event.name = "Load Forum";
  event.startsAt = now - std::chrono::hours(1);
  event.endsAt = now + std::chrono::hours(24);
  std::vector<kiosk::Guest> guests;
  {
    auto store = std::move(*kiosk::central::CentralStore::open(db));
    (void)store->createEvent(event, kiosk::generateSigningKey(event.id, 1, now), "", now);
    std::vector<kiosk::Guest> draft(kGuests);
    for (int i = 0; i < kGuests; ++i) {
      draft[static_cast<std::size_t>(i)].bookingCode = "LOAD-" + std::to_string(1000 + i);
      draft[static_cast<std::size_t>(i)].name = "Guest " + std::to_string(i);
    }
    guests = std::move(*store->upsertGuests(event.id, draft, now));
  }

  kiosk::central::ServerOptions o;
  o.databasePath = db;
  o.port = 0;
  o.certFile = (dir / "server.pem").string();
  o.keyFile = (dir / "server.key").string();
  o.deviceRatePerSecond = 0;       // measuring the server, not its limiter
  o.maxConnectionsPerAddress = 0;  // its 20 terminals share one address
  kiosk::central::CentralServer server(o, clock);
  if (!server.start()) {
    std::fprintf(stderr, "central_load_bench: the server did not start\n");
    return 1;
  }
  kiosk::cache::HttpOptions http;
  http.baseUrl = "https://127.0.0.1:" + std::to_string(server.port());
  http.caFile = (dir / "ca.pem").string();
  http.requestTimeout = std::chrono::seconds(30);

  std::vector<std::string> tokens;
  {
    auto admin = std::move(*kiosk::central::CentralStore::open(db));
    for (int t = 0; t < kTerminals; ++t) {
      auto code = admin->devices().createEnrollmentCode("load-" + std::to_string(t), event.id,
                                              std::chrono::hours(1), now);
      auto r = kiosk::cache::HttpClient(http).request("POST", "/v1/enroll",
                                                      nlohmann::json{{"code", code->code}}.dump());
      tokens.push_back(nlohmann::json::parse(r->body)["token"].get<std::string>());
    }
  }

  Samples latency;
  std::mutex mutex;
  std::atomic<int> errors{0};
  std::atomic<int> busy{0};
  const auto start = Steady::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kTerminals; ++t) {
    threads.emplace_back([&, t] {
      kiosk::cache::HttpClient client(http);
      std::vector<double> mine;
      for (int n = 0; n < kRequests; ++n) {
        nlohmann::json items = nlohmann::json::array();
        for (int k = 0; k < kBatch; ++k) {
          kiosk::CheckinRecord r;
          r.scannedAt = kiosk::SystemClock().now();
          r.id = kiosk::newRecordId(r.scannedAt);
          r.eventId = event.id;
          r.guestId = guests[static_cast<std::size_t>((t * 7 + n * kBatch + k) % kGuests)].id;
          items.push_back(kiosk::cache::toJson(r));
        }
        const auto body = nlohmann::json{{"checkins", items}}.dump();
        const auto at = Steady::now();
        auto r = client.request("POST", "/v1/checkins", body, "application/json",
                                tokens[static_cast<std::size_t>(t)]);
        mine.push_back(std::chrono::duration<double, std::milli>(Steady::now() - at).count());
        if (!r || r->status != 200) {
          ++errors;
          if (r && r->status == 503) {
            ++busy;
          }
        }
      }
      std::lock_guard lock(mutex);
      for (double m : mine) {
        latency.add(m);
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  const double seconds = std::chrono::duration<double>(Steady::now() - start).count();
  server.stop();
  server.wait();

  row("central", "20 terminals x 100 pushes of 10 check-ins: check-ins/s",
      kTerminals * kRequests * kBatch / seconds, "ci/s");
  row("central", "  requests/s", kTerminals * kRequests / seconds, "req/s");
  row("central", "  push latency p50", latency.percentile(50), "ms");
  row("central", "  push latency p95", latency.percentile(95), "ms");
  row("central", "  push latency p99", latency.percentile(99), "ms", 100);
  row("central", "  failed pushes (503 busy among them)", errors.load(), "", 0);
  row("central", "  503 database busy", busy.load(), "", 0);
  row("central", "  peak RSS, server and clients", static_cast<double>(peakRssKb()) / 1024, "MB");
  std::error_code ec;
  fs::remove_all(dir, ec);
  return errors.load() == 0 ? 0 : 1;
}
