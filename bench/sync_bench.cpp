// Sync over loopback HTTPS: the real kiosk-central server (in-process, TLS with a CA made at
// run time) and the terminal's real sync engine on real SQLite files.
//   - first pull of a 100,000-guest roster into an empty terminal
//   - 1,000 check-ins queued while central was down, drained after it comes back
//   - bytes per idle poll
//   - server throughput with 20 terminals pushing at once
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "bench_table.h"
#include "central/central_server.h"
#include "central/central_store.h"
#include "kiosk/core/checkin_service.h"
#include "kiosk/core/ids.h"
#include "offline-cache/http_client.h"
#include "offline-cache/local_store.h"
#include "offline-cache/sync_engine.h"

namespace {

namespace fs = std::filesystem;
using kiosk::bench::row;
using kiosk::bench::Samples;
using Steady = std::chrono::steady_clock;

constexpr int kGuests = 100'000;
constexpr int kQueued = 1'000;
constexpr int kTerminals = 20;

double msSince(Steady::time_point t) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t).count();
}

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  char buffer[512];
  std::size_t n = 0;
  while (pipe != nullptr && (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    out.append(buffer, n);
  }
  if (pipe != nullptr) {
    ::pclose(pipe);
  }
  return out;
}

struct Pki {
  std::string ca;
  std::string cert;
  std::string key;
};

Pki makePki(const fs::path& dir) {
  const auto d = dir.string();
  std::ofstream(dir / "san.cnf") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
  run("cd '" + d +
      "' && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
      "-subj '/CN=Bench CA' -keyout ca.key -out ca.pem 2>/dev/null && openssl req -newkey ec "
      "-pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=localhost' -keyout server.key -out "
      "server.csr 2>/dev/null && openssl x509 -req -days 2 -in server.csr -CA ca.pem -CAkey "
      "ca.key -CAcreateserial -extfile san.cnf -out server.pem 2>/dev/null");
  return {(dir / "ca.pem").string(), (dir / "server.pem").string(), (dir / "server.key").string()};
}

const char* const kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵",  "吴",
                                 "周", "徐", "孙", "马", "朱", "胡", "郭", "欧阳"};
const char* const kGiven[] = {"伟", "芳", "娜", "秀英", "敏", "静", "丽",   "强",
                              "磊", "军", "洋", "勇",   "艳", "杰", "建华", "晓明"};
const char* const kLatin[] = {"James Smith",  "María García",       "Ahmed Okafor", "Yuki Tanaka",
                              "Olga Ivanova", "Jean-Pierre Dubois", "Zoë Müller"};

std::vector<kiosk::Guest> makeGuests(int count, kiosk::TimePoint now) {
  std::mt19937 rng(2026);
  std::vector<kiosk::Guest> guests;
  guests.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    kiosk::Guest g;
    g.bookingCode = "G" + std::to_string(100000 + i);
    g.name = i % 4 == 3 ? kLatin[rng() % std::size(kLatin)]
                        : std::string(kSurnames[rng() % std::size(kSurnames)]) +
                              kGiven[rng() % std::size(kGiven)];
    g.company = "Company " + std::to_string(i % 500);
    g.category = i % 50 == 0 ? kiosk::GuestCategory::kVip : kiosk::GuestCategory::kBusiness;
    g.phone = "138" + std::to_string(10000000 + rng() % 89999999);
    g.email = "guest" + std::to_string(i) + "@example.org";
    g.needs.diet = i % 9 == 0 ? "vegetarian" : "";
    g.lodging.hotel = "Hotel " + std::to_string(i % 7);
    g.lodging.room = std::to_string(100 + i % 900);
    g.lodging.floor = std::to_string(1 + i % 20);
    g.lodging.checkinDate = "2026-11-24";
    g.lodging.checkoutDate = "2026-11-27";
    kiosk::TransportLeg leg;
    leg.vehicle = "Shuttle " + std::to_string(i % 30);
    leg.driver = "Driver " + std::to_string(i % 30);
    leg.pickupTime = now + std::chrono::hours(2 + i % 24);
    leg.pickupPlace = "Terminal 2, Gate 5";
    leg.flight = "MU" + std::to_string(5000 + i % 900);
    g.transport.push_back(leg);
    kiosk::Meeting m;
    m.name = "Plenary";
    m.room = "Hall A";
    m.startsAt = now + std::chrono::hours(24);
    m.seat = "A-" + std::to_string(i % 400);
    g.meetings.push_back(m);
    if (i % 50 == 0) {
      g.host = "Host " + std::to_string(i);
    }
    guests.push_back(std::move(g));
  }
  return guests;
}

}  // namespace

int main() {
  // Per-request log lines would cost more than some of what is measured here.
  spdlog::set_level(std::getenv("KIOSK_BENCH_DEBUG") != nullptr ? spdlog::level::debug
                                                                : spdlog::level::warn);
  const auto dir = fs::temp_directory_path() / ("kiosk-sync-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const Pki pki = makePki(dir);
  const auto now = kiosk::SystemClock().now();
  kiosk::SystemClock clock;

  // --- central with a 100,000-guest event ---
  const auto centralDb = (dir / "central.db").string();
  kiosk::Event event;
  event.id = kiosk::randomNonZeroU32();
  event.name = "Bench Forum";
  event.startsAt = now - std::chrono::hours(1);
  event.endsAt = now + std::chrono::hours(72);
  const auto key = kiosk::generateSigningKey(event.id, 1, now);
  std::vector<kiosk::Guest> stored;
  {
    auto store = std::move(*kiosk::central::CentralStore::open(centralDb));
    (void)store->createEvent(event, key, "", now);
    auto guests = makeGuests(kGuests, now);
    Samples importTime;
    importTime.time([&] { stored = std::move(*store->upsertGuests(event.id, guests, now)); });
    row("sync", "central: import 100,000 guests (feed included)", importTime.percentile(50), "ms");
  }

  kiosk::central::ServerOptions serverOptions;
  serverOptions.databasePath = centralDb;
  serverOptions.port = 0;
  serverOptions.certFile = pki.cert;
  serverOptions.keyFile = pki.key;
  serverOptions.deviceRatePerSecond = 0;       // measuring the server, not its limiter
  serverOptions.maxConnectionsPerAddress = 0;  // its 20 terminals share one address
  auto server = std::make_unique<kiosk::central::CentralServer>(serverOptions, clock);
  if (!server->start()) {
    std::fprintf(stderr, "sync_bench: the server did not start\n");
    return 1;
  }
  serverOptions.port = server->port();
  const std::string url = "https://127.0.0.1:" + std::to_string(server->port());
  kiosk::cache::OpenOptions quick;
  quick.checkIntegrity = false;  // the server checked it at start
  auto admin = std::move(*kiosk::central::CentralStore::open(centralDb, quick));
  auto enrollmentCode = [&](const std::string& terminal) {
    return admin->devices()
        .createEnrollmentCode(terminal, event.id, std::chrono::hours(1), now)
        ->code;
  };

  // --- terminal: first pull of the whole roster ---
  const auto terminalDb = (dir / "terminal.db").string();
  auto terminal = std::move(*kiosk::cache::LocalStore::open(terminalDb));
  kiosk::cache::SyncOptions options;
  options.databasePath = terminalDb;
  options.http.baseUrl = url;
  options.http.caFile = pki.ca;
  options.http.requestTimeout = std::chrono::seconds(60);
  options.version = "bench";
  (void)kiosk::cache::enrollTerminal(*terminal, options.http, enrollmentCode("bench-1"), "bench");
  {
    kiosk::cache::SyncEngine engine(options, clock);
    const auto cpuStart = std::clock();
    auto report = engine.runOnce();
    const double cpuMs =
        1000.0 * static_cast<double>(std::clock() - cpuStart) / static_cast<double>(CLOCKS_PER_SEC);
    if (!report || report->error || report->pulled.guests != kGuests) {
      std::fprintf(stderr, "sync_bench: first pull failed: %s\n",
                   report ? (report->error ? report->error->message.c_str() : "short") : "db");
      return 1;
    }
    row("sync", "first pull of 100,000 guests over loopback HTTPS",
        static_cast<double>(report->elapsed.count()), "ms", 10000);
    row("sync", "  CPU time, terminal and in-process central together", cpuMs, "ms");
    row("sync", "  pages of 2,000 guests", static_cast<double>(report->pages), "pages");
    row("sync", "  bytes received (gzip)", static_cast<double>(report->bytesReceived) / 1e6, "MB");
    row("sync", "  guests applied per second",
        kGuests / (static_cast<double>(report->elapsed.count()) / 1000.0), "1/s");
  }

  // --- bytes per idle poll: what the engine sends every 5 s when nothing changed ---
  {
    std::string cursor;
    {
      auto s = terminal->database().prepare("SELECT value FROM settings WHERE key = 'sync.cursor'");
      cursor = s.step() ? s.columnText(0) : "";
    }
    std::string token;
    {
      auto s = terminal->database().prepare("SELECT value FROM settings WHERE key = 'sync.token'");
      token = s.step() ? s.columnText(0) : "";
    }
    kiosk::cache::HttpClient client(options.http);
    Samples bytes;
    Samples latency;
    for (int i = 0; i < 50; ++i) {
      const auto t = Steady::now();
      auto r = client.request(
          "GET", "/v1/changes?limit=2000&cursor=" + kiosk::cache::urlEncode(cursor), {}, {}, token);
      latency.add(msSince(t));
      if (r && r->status == 200) {
        bytes.add(static_cast<double>(r->bytesSent + r->bytesReceived));
      }
    }
    row("sync", "bytes per idle poll (HTTP request + response)", bytes.percentile(50), "B");
    row("sync", "idle poll round trip, keep-alive, p95", latency.percentile(95), "ms");
  }

  // --- 1,000 check-ins queued while central is down, drained after it returns ---
  {
    server->stop();
    server->wait();
    server.reset();
    kiosk::CheckinService service(*terminal, *terminal, clock, "bench-1", event.id);
    for (int i = 0; i < kQueued; ++i) {
      kiosk::TokenClaims claims{key.id, event.id, stored[static_cast<std::size_t>(i)].id,
                                event.startsAt - std::chrono::hours(24),
                                event.endsAt + std::chrono::hours(24)};
      (void)service.checkInNow(kiosk::issueToken(claims, key), kiosk::ScanSource::kCamera);
    }
    kiosk::cache::SyncEngine engine(options, clock);  // production timing
    engine.start();
    const auto down = Steady::now();
    while (engine.status().state != kiosk::cache::SyncState::kOffline && msSince(down) < 10000) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // a while offline
    server = std::make_unique<kiosk::central::CentralServer>(serverOptions, clock);
    (void)server->start();
    const auto back = Steady::now();
    while (terminal->outboxCounts()->total > 0 && msSince(back) < 60000) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    const double drained = msSince(back);
    engine.stop();
    row("sync", "1,000 queued check-ins drained after central returns", drained, "ms", 2000);

    // The same, central up the whole time: the push itself.
    for (int i = kQueued; i < 2 * kQueued; ++i) {
      kiosk::TokenClaims claims{key.id, event.id, stored[static_cast<std::size_t>(i)].id,
                                event.startsAt - std::chrono::hours(24),
                                event.endsAt + std::chrono::hours(24)};
      (void)service.checkInNow(kiosk::issueToken(claims, key), kiosk::ScanSource::kCamera);
    }
    auto report = engine.runOnce();
    row("sync", "  of which the push of 1,000 (one round, central up)",
        report ? static_cast<double>(report->elapsed.count()) : -1, "ms");
  }

  // --- 20 terminals pushing at once ---
  {
    std::vector<std::string> tokens;
    for (int t = 0; t < kTerminals; ++t) {
      kiosk::cache::HttpClient client(options.http);
      auto r =
          client.request("POST", "/v1/enroll",
                         nlohmann::json{{"code", enrollmentCode("t" + std::to_string(t))}}.dump());
      tokens.push_back(nlohmann::json::parse(r->body)["token"].get<std::string>());
    }
    auto pushAll = [&](int perTerminal, int batch, int guestOffset, Samples& latencies) {
      std::mutex mutex;
      std::atomic<int> failures{0};
      const auto start = Steady::now();
      std::vector<std::thread> threads;
      for (int t = 0; t < kTerminals; ++t) {
        threads.emplace_back([&, t] {
          kiosk::cache::HttpClient client(options.http);
          std::vector<double> mine;
          for (int sent = 0; sent < perTerminal; sent += batch) {
            nlohmann::json items = nlohmann::json::array();
            for (int k = sent; k < sent + batch && k < perTerminal; ++k) {
              kiosk::CheckinRecord r;
              r.scannedAt = kiosk::SystemClock().now();
              r.id = kiosk::newRecordId(r.scannedAt);
              r.eventId = event.id;
              r.guestId = stored[static_cast<std::size_t>(guestOffset + t * perTerminal + k)].id;
              r.terminal = "t" + std::to_string(t);
              items.push_back(kiosk::cache::toJson(r));
            }
            const auto body = nlohmann::json{{"checkins", items}}.dump();
            const auto at = Steady::now();
            auto r = client.request("POST", "/v1/checkins", body, "application/json",
                                    tokens[static_cast<std::size_t>(t)]);
            mine.push_back(msSince(at));
            if (!r || r->status != 200) {
              ++failures;
            }
          }
          std::lock_guard lock(mutex);
          for (double m : mine) {
            latencies.add(m);
          }
        });
      }
      for (auto& th : threads) {
        th.join();
      }
      if (failures > 0) {
        std::fprintf(stderr, "sync_bench: %d pushes failed\n", failures.load());
      }
      return msSince(start);
    };
    Samples batched;
    const double batchedMs = pushAll(1000, 200, 10'000, batched);
    row("sync", "20 terminals x 1,000 check-ins (batches of 200)",
        kTerminals * 1000 / (batchedMs / 1000.0), "ci/s");
    Samples single;
    const double singleMs = pushAll(50, 1, 40'000, single);
    row("sync", "20 terminals, 1 check-in per request: requests/s",
        kTerminals * 50 / (singleMs / 1000.0), "req/s");
    row("sync", "  one-check-in push latency under that load, p95", single.percentile(95), "ms");
  }

  server->stop();
  server->wait();
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
