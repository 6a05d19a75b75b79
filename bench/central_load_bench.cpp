// kiosk-central under a fleet of simulated terminals: real `kiosk-central serve` processes
// (one, or several on one database) on loopback HTTPS, T terminals each pushing check-ins
// of distinct guests at a steady rate and polling GET /v1/changes with its cursor, for a
// bounded time. Prints, per configuration: sustained check-ins and requests per second,
// push latency percentiles, errors by kind, each central's memory (VmHWM, VmRSS) and CPU
// time, and how long a change made by an admin command takes to reach every terminal.
//
//   central_load_bench [--terminals 50,200] [--instances 1,2] [--seconds 20] [--db URL]
//                      [--store sqlite|postgresql] [--balancer] [--format table]
//                      [--ports 8441,8442 --front https://127.0.0.1:8443]
//   central_load_bench --matrix   SQLite x1, PostgreSQL x1, PostgreSQL x2 behind HAProxy,
//                                 at 50 and 200 terminals, one table
//   central_load_bench --help     every option; --full: the matrix at 20 s a row (bench/run --full)
//
// Method (the comments below say why at each step):
// - Everything a terminal does goes through the real door: the event, the guests, the
//   enrollment codes and the change that is timed are made by kiosk-central's admin
//   commands; each terminal enrolls with its own code (POST /v1/enroll) and uses its own
//   device token.
// - A terminal is one thread with the terminal's own HTTP client (offline-cache's
//   HttpClient: libcurl, one kept-alive TLS connection, gzip answers, the same headers as a
//   terminal) and the wire format's own codec for its records. The sync engine is not used:
//   it pushes whatever its outbox holds when woken and keeps its own SQLite database per
//   terminal, so it cannot be held to a rate, and 200 of its databases would take the
//   cores the servers need. Like the engine, a terminal pushes and pulls on one thread and
//   follows `has_more` to the end of the feed.
// - Latency is from sending a push to its answer. A push that starts late because the
//   previous one was slow is also measured from its scheduled time ("from schedule"), so
//   that a central that falls behind cannot hide it (coordinated omission).
// - The timed change: midway, `kiosk-central staff add` puts a staff member with a random id
//   into the event; t0 is when the command starts, and each terminal notes the first page
//   that holds the id. Reported: the p50 and the max over terminals (a terminal polls every
//   2 s by default, so the max is about the poll interval when central keeps up).
// - Central runs as deployed (info log, rate limits 50/s burst 200 per device: a terminal
//   here makes about 6 requests/s, so the limiter never answers 429; the bench refuses a
//   --rate that comes close), with two settings a 200-terminal venue needs: --threads
//   above the fleet (a kept-alive connection holds a request thread) and
//   --max-connections-per-address above the fleet (every terminal here comes from
//   127.0.0.1; 0 behind a --front balancer, as docs/api/openapi.yaml says).
// - One machine: the terminals' threads and every central share its cores, and so does
//   whatever else runs there; the bench prints its own CPU time and the load average.
// - PostgreSQL (--store postgresql without --db): a private server in a temporary folder
//   (the tests' own, tests/support/private_postgres.h), one fresh database per run, with
//   what a production server has where it matters here: fsync and full-page writes on
//   (central's SQLite commits with synchronous=FULL; comparing against a server that does
//   not flush would flatter it), PostgreSQL's default 128 MB of shared buffers, and
//   connections for every request thread of every instance (central opens one per
//   concurrent request). Its processes' CPU time and summed VmRSS are reported beside
//   central's: central's own figures hide where the work goes. (The sum counts the shared
//   buffers once per process that touched them, so it overstates memory.)
// - The balancer (--balancer): real HAProxy running the shipped deploy/central/haproxy.cfg,
//   rendered as the cluster tests render it, TLS ended there with the bench's certificate
//   and made again to each instance; instances run as that guide says behind it
//   (--trusted-proxy the balancer, --max-connections-per-address 0). One change, the one
//   the file names for a venue's NAT: every terminal here comes from 127.0.0.1, so the
//   cap of 16 connections per client address is raised to the fleet.
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <latch>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include "bench_table.h"
#include "child_process.h"
#include "kiosk/core/ids.h"
#include "kiosk/core/time.h"
#include "offline-cache/http_client.h"
#include "offline-cache/json_codec.h"
#include "offline-cache/sync_protocol.h"
#include "support/private_postgres.h"

namespace {

namespace fs = std::filesystem;
namespace api = kiosk::cache::api;
using kiosk::bench::ChildProcesses;
using kiosk::bench::row;
using kiosk::bench::Samples;
using kiosk::testing::PrivatePostgres;
using Json = nlohmann::json;
using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

double secondsBetween(Steady::time_point a, Steady::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

struct Options {
  std::vector<int> terminals{200};
  std::vector<int> instances{1};
  int seconds = 10;
  double rate = 5.5;  // pushes per second per terminal: 200 terminals offer 1,100/s
  int batch = 1;      // check-ins per push: the bar counts single-check-in requests
  int pollMs = 2000;  // a terminal's default poll interval ([server] poll_interval_s)
  int guests = 0;     // 0: one distinct guest for every push, and some to spare
  std::string db;     // empty: a fresh SQLite file (or private PostgreSQL database) per run
  std::string store = "sqlite";
  bool balancer = false;
  std::string haproxy = "/usr/sbin/haproxy";
  std::vector<std::string> postgresSettings;
  std::vector<int> ports;
  std::string front;
  std::string frontCa;
  int frontSettleS = 6;  // HAProxy's default: a server is up after 2 checks 2 s apart
  std::string central = KIOSK_BINARY_DIR "/kiosk-central";
  std::vector<std::string> serveArgs;
  double deviceRate = 50;  // central's defaults, as deployed
  double deviceBurst = 200;
  std::string logLevel = "info";
  int requestTimeoutS = 10;
  std::string format = "rows";
  bool keep = false;
};

// --- one run: the setup it needs and what its terminals saw ---

// What serves the terminals in a run: central's store, how many instances, and whether
// HAProxy stands in front of them.
struct Setup {
  bool postgres = false;
  int instances = 1;
  bool balancer = false;
  std::string name() const {
    return std::string(postgres ? "PostgreSQL" : "SQLite") + " x" + std::to_string(instances) +
           (balancer ? " + HAProxy" : "");
  }
};

// A private PostgreSQL server's processes (the postmaster, whose pid is the first line of
// postmaster.pid, and its children: backends, WAL writer, checkpointer...): summed VmRSS,
// and CPU time per process so that a run's share can be told from what came before.
struct PostgresFigures {
  double rssMb = 0;
  std::map<pid_t, double> cpuSeconds;
};

PostgresFigures postgresFigures(const fs::path& dataDir) {
  PostgresFigures f;
  pid_t postmaster = 0;
  std::ifstream(dataDir / "postmaster.pid") >> postmaster;
  if (postmaster <= 0) {
    return f;
  }
  std::vector<pid_t> pids{postmaster};
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    const auto text = kiosk::bench::procText(entry.path() / "stat");
    const auto close = text.rfind(')');
    std::istringstream fields(close == std::string::npos ? std::string() : text.substr(close + 2));
    char state = 0;
    pid_t parent = 0;
    if (fields >> state >> parent && parent == postmaster) {
      pids.push_back(std::stoi(name));
    }
  }
  for (pid_t pid : pids) {
    const auto p = kiosk::bench::processFigures(pid);
    f.rssMb += p.currentRssMb;
    f.cpuSeconds[pid] = p.cpuSeconds;
  }
  return f;
}

// CPU time the server's processes spent between two readings (a backend that started in
// between counts from zero; one that ended in between is lost, central keeps its
// connections open).
double cpuBetween(const PostgresFigures& before, const PostgresFigures& after) {
  double total = 0;
  for (const auto& [pid, seconds] : after.cpuSeconds) {
    const auto was = before.cpuSeconds.find(pid);
    total += seconds - (was == before.cpuSeconds.end() ? 0 : was->second);
  }
  return total;
}

std::string readText(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Lines of `text` from `offset` on that hold one of `needles`, counted by the text that
// follows the needle (its first 60 characters).
std::map<std::string, int> linesWith(const std::string& text, std::size_t offset,
                                     const std::vector<std::string>& needles) {
  std::map<std::string, int> found;
  std::istringstream lines(offset < text.size() ? text.substr(offset) : std::string());
  for (std::string line; std::getline(lines, line);) {
    for (const auto& needle : needles) {
      const auto at = line.find(needle);
      if (at != std::string::npos) {
        ++found[needle + line.substr(at + needle.size(), 60)];
        break;
      }
    }
  }
  return found;
}

struct Pki {
  std::string ca;
  std::string cert;
  std::string key;
};

// A throwaway CA and a server certificate for 127.0.0.1 and localhost (the openssl CLI).
std::optional<Pki> makePki(ChildProcesses& children, const fs::path& dir) {
  std::ofstream(dir / "san.cnf") << "subjectAltName=IP:127.0.0.1,DNS:localhost\n";
  const auto d = dir.string();
  const std::vector<std::vector<std::string>> steps{
      {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
       "-nodes", "-days", "2", "-subj", "/CN=Load Bench CA", "-keyout", d + "/ca.key", "-out",
       d + "/ca.pem"},
      {"/usr/bin/openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-subj", "/CN=localhost", "-keyout", d + "/server.key", "-out", d + "/server.csr"},
      {"/usr/bin/openssl", "x509", "-req", "-days", "2", "-in", d + "/server.csr", "-CA",
       d + "/ca.pem", "-CAkey", d + "/ca.key", "-CAcreateserial", "-extfile", d + "/san.cnf",
       "-out", d + "/server.pem"}};
  for (const auto& step : steps) {
    const auto r = children.run(step, std::chrono::seconds(30), d + "/openssl.err");
    if (r.status != 0) {
      std::fprintf(stderr, "central_load_bench: openssl failed: %s\n", r.err.c_str());
      return std::nullopt;
    }
  }
  return Pki{d + "/ca.pem", d + "/server.pem", d + "/server.key"};
}

// Enrolls over HTTPS from a loopback address of the terminal's own (127.1.x.y). Central
// limits /v1/enroll to 2 per second per client address (burst 20), as it should against
// code guessing: 200 terminals behind one address would wait 90 s. Real terminals have
// addresses of their own, so the terminal's HttpClient (which cannot choose a source
// address) is not used for this one request.
std::optional<std::string> enroll(const std::string& baseUrl, const std::string& caFile,
                                  const std::string& code, int terminal, std::string& problem) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  const auto source =
      "host!127.1." + std::to_string(terminal / 250) + "." + std::to_string(1 + terminal % 250);
  const auto url = baseUrl + std::string(api::kEnrollPath);
  const auto body = Json{{"code", code}, {"version", "load-bench"}}.dump();
  std::string answer;
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
      curl_slist_append(nullptr, "Content-Type: application/json"), curl_slist_free_all);
  auto* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CAINFO, caFile.c_str());
  curl_easy_setopt(c, CURLOPT_INTERFACE, source.c_str());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 30000L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(
      c, CURLOPT_WRITEFUNCTION, +[](char* data, std::size_t size, std::size_t n, void* out) {
        static_cast<std::string*>(out)->append(data, size * n);
        return size * n;
      });
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  const auto rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (rc != CURLE_OK || status != 200) {
    problem = rc != CURLE_OK ? curl_easy_strerror(rc) : "HTTP " + std::to_string(status);
    return std::nullopt;
  }
  try {
    return api::enrollmentFromJson(Json::parse(answer)).token;
  } catch (const std::exception& e) {
    problem = std::string("enrollment answer: ") + e.what();
    return std::nullopt;
  }
}

// The top-level "cursor" and "has_more" of a /v1/changes page, found as text: at 1,000
// check-ins per second every poll brings thousands of other terminals' check-ins, and
// parsing them all (even without building them) took more CPU than central itself on the
// cores the two share. Records carry neither key, so the first of each is the page's.
struct PageHead {
  std::string cursor;
  bool hasMore = false;
};

std::optional<PageHead> pageHead(std::string_view body) {
  const auto valueAfter = [&](std::string_view key) -> std::optional<std::size_t> {
    auto at = body.find(key);
    if (at == std::string_view::npos) {
      return std::nullopt;
    }
    at = body.find_first_not_of(" \t\r\n", at + key.size());
    if (at == std::string_view::npos || body[at] != ':') {
      return std::nullopt;
    }
    at = body.find_first_not_of(" \t\r\n", at + 1);
    return at == std::string_view::npos ? std::nullopt : std::optional(at);
  };
  const auto cursorAt = valueAfter("\"cursor\"");
  const auto moreAt = valueAfter("\"has_more\"");
  if (!cursorAt || !moreAt || body[*cursorAt] != '"') {
    return std::nullopt;
  }
  auto end = *cursorAt + 1;
  while (end < body.size() && body[end] != '"') {
    end += body[end] == '\\' ? 2 : 1;
  }
  PageHead head;
  try {
    head.cursor = Json::parse(body.substr(*cursorAt, end + 1 - *cursorAt)).get<std::string>();
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (body.substr(*moreAt, 4) == "true") {
    head.hasMore = true;
  } else if (body.substr(*moreAt, 5) != "false") {
    return std::nullopt;
  }
  return head;
}

const char* toString(kiosk::cache::TransportFailure f) {
  using F = kiosk::cache::TransportFailure;
  switch (f) {
    case F::kNone:
      return "none";
    case F::kUnreachable:
      return "unreachable";
    case F::kTimeout:
      return "timeout";
    case F::kCertificate:
      return "certificate";
    case F::kAddress:
      return "address";
    case F::kAborted:
      return "aborted";
    case F::kNetwork:
      return "network";
  }
  return "?";
}

struct Plan {
  int terminals = 0;
  std::string label;
  kiosk::EventId eventId = 0;
  std::vector<kiosk::GuestId> guests;
  std::string startCursor;
  std::vector<std::string> baseUrls;  // per terminal
  std::string caFile;
  Steady::time_point start;
  Steady::time_point pushEnd;
  Steady::time_point pollEnd;  // waiting for the change to arrive ends here
  milliseconds interval{};
  milliseconds pollInterval{};
  int batch = 1;
  std::string marker;                   // what the timed change looks like in a page
  std::atomic<bool> markerGone{false};  // the admin command failed: nothing to wait for
  milliseconds requestTimeout{};
};

struct TerminalResult {
  std::vector<double> pushMs;
  std::vector<double> fromScheduleMs;
  std::map<std::string, int> errors;
  std::uint64_t pushes = 0;  // answered 200
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;
  std::uint64_t flagged = 0;
  std::uint64_t polls = 0;
  std::uint64_t pages = 0;
  std::uint64_t bytes = 0;
  Steady::time_point lastPushAnswer{};
  std::optional<Steady::time_point> sawChangeAt;
};

// `ready` is counted down once the terminal is connected and in sync (a first pull, not
// measured: the TLS handshakes of a whole fleet starting at once are not the lobby's rush
// hour); `go` opens when plan.start is set.
void runTerminal(const Plan& plan, int t, const std::string& token, TerminalResult& out,
                 std::latch& ready, std::latch& go) {
  kiosk::cache::HttpOptions http;
  http.baseUrl = plan.baseUrls[static_cast<std::size_t>(t)];
  http.caFile = plan.caFile;
  http.requestTimeout = plan.requestTimeout;
  kiosk::cache::HttpClient client(http);
  const std::string terminal = "load-" + std::to_string(t);
  std::string cursor = plan.startCursor;
  std::size_t nextGuest = static_cast<std::size_t>(t);
  const auto step = static_cast<std::size_t>(plan.terminals);

  const auto failed = [&](const char* what, const kiosk::Result<kiosk::cache::HttpResponse>& r) {
    ++out.errors[r ? std::string(what) + " HTTP " + std::to_string(r->status)
                   : std::string(what) + " transport " + toString(client.lastFailure())];
  };
  const auto pullFeed = [&] {
    ++out.polls;
    for (int page = 0; page < 1000; ++page) {
      auto r = client.request(
          "GET", std::string(api::kChangesPath) + "?cursor=" + kiosk::cache::urlEncode(cursor), {},
          {}, token);
      if (!r || r->status != 200) {
        failed("poll", r);
        return;
      }
      if (!out.sawChangeAt && r->body.find(plan.marker) != std::string::npos) {
        out.sawChangeAt = Steady::now();
      }
      const auto head = pageHead(r->body);
      if (!head || head->cursor.empty()) {
        ++out.errors["poll malformed page"];
        return;
      }
      ++out.pages;
      out.bytes += r->body.size();
      cursor = head->cursor;
      if (!head->hasMore) {
        return;
      }
    }
  };
  const auto pushOnce = [&](Steady::time_point scheduled) {
    Json items = Json::array();
    for (int k = 0; k < plan.batch; ++k) {
      kiosk::CheckinRecord r;
      r.scannedAt = kiosk::SystemClock().now();
      r.id = kiosk::newRecordId(r.scannedAt);
      r.eventId = plan.eventId;
      r.guestId = plan.guests[nextGuest % plan.guests.size()];
      r.terminal = terminal;
      r.photoTaken = true;
      nextGuest += step;
      items.push_back(kiosk::cache::toJson(r));
    }
    const auto body =
        Json{{std::string(api::pushRouteForPath(api::kCheckinsPath)->field), items}}.dump();
    const auto sent = Steady::now();
    auto r = client.request("POST", api::kCheckinsPath, body, "application/json", token);
    const auto answered = Steady::now();
    if (!r || r->status != 200) {
      failed("push", r);
      return;
    }
    out.lastPushAnswer = answered;
    out.pushMs.push_back(std::chrono::duration<double, std::milli>(answered - sent).count());
    out.fromScheduleMs.push_back(
        std::chrono::duration<double, std::milli>(answered - scheduled).count());
    ++out.pushes;
    try {
      for (const auto& item : api::parsePushResults(r->body)) {
        if (item.status == api::ItemStatus::kAccepted) {
          ++out.accepted;
          out.flagged += item.flagged ? 1 : 0;
        } else {
          ++out.rejected;
          ++out.errors["push item rejected: " + item.detail.substr(0, 40)];
        }
      }
    } catch (const std::exception&) {
      ++out.errors["push malformed answer"];
    }
  };

  pullFeed();
  out = TerminalResult{};
  ready.count_down();
  go.wait();
  // Spread over one interval, so that the terminals do not push in lockstep.
  auto nextPush = plan.start + plan.interval * t / plan.terminals;
  auto nextPoll = plan.start + plan.pollInterval * t / plan.terminals;
  for (;;) {
    const auto now = Steady::now();
    const bool pushing = nextPush < plan.pushEnd;
    const bool waiting = !out.sawChangeAt && !plan.markerGone.load() && now < plan.pollEnd;
    if (!pushing && !waiting) {
      break;
    }
    // Whichever is due first: a terminal behind with its pushes still polls (the sync
    // engine pushes, then pulls, in every round).
    if (now >= nextPoll && (!pushing || nextPoll <= nextPush)) {
      pullFeed();
      nextPoll = std::max(nextPoll + plan.pollInterval, Steady::now());
      continue;
    }
    if (pushing && now >= nextPush) {
      pushOnce(nextPush);
      nextPush += plan.interval;  // a late push is sent at once, not skipped
      continue;
    }
    std::this_thread::sleep_until(pushing ? std::min(nextPush, nextPoll) : nextPoll);
  }
}

// A kiosk-central serve process.
struct Instance {
  pid_t pid = -1;
  int port = 0;
  int stdoutFd = -1;  // kept open: a write to a closed pipe would kill the server
  std::string log;
  kiosk::bench::ProcessFigures before;
  kiosk::bench::ProcessFigures after;
  double maxRssMb = 0;  // VmRSS sampled during the run
};

struct Figures {
  std::string label;
  int terminals = 0;
  double offered = 0;
  double checkinsPerSecond = 0;
  double pushesPerSecond = 0;
  double requestsPerSecond = 0;
  double p50 = 0, p95 = 0, p99 = 0, p99Schedule = 0;
  std::map<std::string, int> errors;
  int errorCount = 0;
  std::uint64_t flagged = 0;
  std::vector<Instance> instances;
  double reachP50 = -1, reachMax = -1;
  int reached = 0;
  double adminMs = 0;
  double kbPerPoll = 0;
  double pulledMb = 0;
  double fullPullS = 0;
  std::size_t rosterRecords = 0;
  double clientCpuS = 0;
  double setupS = 0;
  double loadAverage = 0;  // the machine's, over the last minute of the run
  // The private PostgreSQL server, when the run has one.
  bool postgresMeasured = false;
  double postgresRssMb = 0;     // summed VmRSS at the end of the pushes
  double postgresMaxRssMb = 0;  // the most sampled during them
  double postgresCpuS = 0;
  std::map<std::string, int> postgresErrors;  // its log's ERROR lines during the run
  int enrollRetries = 0;                      // enrollments answered 503 and tried again (set-up)
  // Central's own log: warnings and errors during the run (every instance).
  std::map<std::string, int> centralProblems;
  // HAProxy, when the run has it.
  bool balancerMeasured = false;
  double balancerCpuS = 0;
  double balancerRssMb = 0;
};

class Bench {
 public:
  // `postgres`: the private server for runs on PostgreSQL without --db (else null).
  Bench(const Options& o, fs::path dir, Pki pki, ChildProcesses& children,
        PrivatePostgres* postgres)
      : o_(o), dir_(std::move(dir)), pki_(std::move(pki)), children_(children), pg_(postgres) {}

  // One configuration; nullopt (with a message) when it could not be set up.
  std::optional<Figures> run(int terminals, const Setup& setup, int index) {
    const auto setupStart = Steady::now();
    const int instanceCount = setup.instances;
    Figures f;
    f.terminals = terminals;
    f.label = setup.name() + " T=" + std::to_string(terminals) +
              (o_.front.empty() || setup.balancer ? "" : " via front");
    std::fprintf(stderr, "central_load_bench: %s: setting up\n", f.label.c_str());
    // --db serves the runs of its own engine (the matrix's SQLite row gets a file).
    std::string db = (o_.db.rfind("postgres", 0) == 0) == setup.postgres ? o_.db : std::string();
    const bool privateDb = db.empty() && setup.postgres;
    if (privateDb) {
      db = pg_ != nullptr ? pg_->createDatabase("load_" + std::to_string(index)) : "";
      if (db.empty()) {
        std::fprintf(stderr, "central_load_bench: no PostgreSQL database: %s\n",
                     pg_ != nullptr ? pg_->log().c_str() : "the server did not start");
        return std::nullopt;
      }
    } else if (db.empty()) {
      db = (dir_ / ("central-" + std::to_string(index) + ".db")).string();
    }

    // The event and its guests, by the admin commands.
    const auto now = kiosk::SystemClock().now();
    auto created =
        admin({"event", "create", "--db", db, "--name", "Load bench " + std::to_string(index),
               "--starts", kiosk::formatIso8601(now - std::chrono::hours(1)), "--ends",
               kiosk::formatIso8601(now + std::chrono::hours(24))});
    if (!created) {
      return std::nullopt;
    }
    const auto eventId = Json::parse(*created).at("event_id").get<kiosk::EventId>();
    const auto event = std::to_string(eventId);
    const int pushesEach = static_cast<int>(std::ceil(o_.rate * o_.seconds));
    const int guestCount =
        o_.guests > 0 ? o_.guests : terminals * pushesEach * o_.batch + terminals;
    const auto csv = (dir_ / ("guests-" + std::to_string(index) + ".csv")).string();
    {
      std::ofstream out(csv);
      out << "booking_code,name,company\n";
      for (int g = 0; g < guestCount; ++g) {
        out << "LB" << index << "-" << g << ",Guest " << g << ",Company " << g % 37 << "\n";
      }
    }
    if (!admin({"guests", "import", "--db", db, "--event", event, csv}, std::chrono::minutes(5))) {
      return std::nullopt;
    }

    // Codes for every terminal (four commands at a time: each one is a process that opens
    // the database).
    std::vector<std::string> codes(static_cast<std::size_t>(terminals));
    std::atomic<int> nextCode{0};
    std::atomic<bool> codesFailed{false};
    {
      std::vector<std::jthread> workers;
      for (int w = 0; w < 4; ++w) {
        workers.emplace_back([&, w] {
          for (int t = nextCode++; t < terminals && !codesFailed; t = nextCode++) {
            auto code = admin({"enroll-code", "--db", db, "--event", event, "--terminal",
                               "load-" + std::to_string(t)},
                              std::chrono::seconds(60), "admin-" + std::to_string(w));
            if (!code) {
              codesFailed = true;
              return;
            }
            codes[static_cast<std::size_t>(t)] = Json::parse(*code).at("code").get<std::string>();
          }
        });
      }
    }
    if (codesFailed) {
      return std::nullopt;
    }

    // The instances: request threads for every terminal (a kept-alive connection holds one,
    // and through a balancer every terminal may land on the same instance), the connection
    // cap above the fleet (every terminal here comes from 127.0.0.1; behind a balancer the
    // balancer is the only client address, so the cap is off as docs/api says).
    for (int i = 0; i < instanceCount; ++i) {
      const int port =
          i < static_cast<int>(o_.ports.size()) ? o_.ports[static_cast<std::size_t>(i)] : 0;
      auto instance = startInstance(db, port, terminals, index, i, setup.balancer);
      if (!instance) {
        stopAll(f.instances);
        return std::nullopt;
      }
      f.instances.push_back(*instance);
    }
    const auto direct = [&](int t) {
      return "https://127.0.0.1:" +
             std::to_string(f.instances[static_cast<std::size_t>(t % instanceCount)].port);
    };

    // Enrollment goes to the instances directly (see enroll()), eight at a time.
    std::vector<std::string> tokens(static_cast<std::size_t>(terminals));
    std::atomic<int> nextEnroll{0};
    std::atomic<bool> enrollFailed{false};
    std::atomic<int> enrollRetries{0};
    {
      std::vector<std::jthread> workers;
      for (int w = 0; w < 8; ++w) {
        workers.emplace_back([&] {
          for (int t = nextEnroll++; t < terminals && !enrollFailed; t = nextEnroll++) {
            std::string problem;
            auto token = enroll(direct(t), pki_.ca, codes[static_cast<std::size_t>(t)], t, problem);
            // A 503 (central could not commit, e.g. a serialization failure between
            // instances on PostgreSQL) left the code unused: a terminal tries again, and so
            // does the bench, counting it.
            for (int attempt = 1; !token && problem == "HTTP 503" && attempt < 10; ++attempt) {
              ++enrollRetries;
              std::this_thread::sleep_for(milliseconds(100 * attempt));
              token = enroll(direct(t), pki_.ca, codes[static_cast<std::size_t>(t)], t, problem);
            }
            if (!token) {
              std::fprintf(stderr, "central_load_bench: enrolling terminal %d: %s\n", t,
                           problem.c_str());
              enrollFailed = true;
              return;
            }
            tokens[static_cast<std::size_t>(t)] = *token;
          }
        });
      }
    }
    f.enrollRetries = enrollRetries;
    if (enrollFailed) {
      stopAll(f.instances);
      return std::nullopt;
    }

    std::string front = o_.front;
    if (setup.balancer) {
      auto url = startBalancer(f.instances, terminals, index);
      if (!url) {
        stopAll(f.instances);
        return std::nullopt;
      }
      front = *url;
    }

    Plan plan;
    plan.terminals = terminals;
    plan.eventId = eventId;
    plan.caFile = setup.balancer || o_.front.empty() || o_.frontCa.empty() ? pki_.ca : o_.frontCa;
    for (int t = 0; t < terminals; ++t) {
      plan.baseUrls.push_back(front.empty() ? direct(t) : front);
    }
    // The terminals start in sync: one of them pulls the whole roster (timed, and its
    // guests are the ones the check-ins name); every terminal then starts from the cursor
    // it got, as a terminal that has been in sync holds one. Cursors are positions in the
    // event's feed, not the device's; 200 full pulls of the roster would measure the
    // first day, not the lobby's rush hour.
    if (!fullPull(plan.baseUrls[0], plan.caFile, tokens[0], plan, f)) {
      stopAll(f.instances);
      return std::nullopt;
    }
    f.setupS = secondsBetween(setupStart, Steady::now());

    std::random_device entropy;
    char marker[32];
    std::snprintf(marker, sizeof marker, "probe-%08x", entropy());
    plan.marker = std::string("\"") + marker + "\"";
    plan.interval = milliseconds(static_cast<long>(1000.0 / o_.rate));
    plan.pollInterval = milliseconds(o_.pollMs);
    plan.batch = o_.batch;
    plan.requestTimeout = std::chrono::seconds(o_.requestTimeoutS);
    f.offered = terminals * o_.batch * 1000.0 / static_cast<double>(plan.interval.count());

    std::vector<TerminalResult> results(static_cast<std::size_t>(terminals));
    std::latch ready(terminals);
    std::latch go(1);
    double cpuBefore = 0;
    PostgresFigures pgBefore;
    std::size_t pgLogBefore = 0;
    {
      std::vector<std::jthread> fleet;
      for (int t = 0; t < terminals; ++t) {
        fleet.emplace_back([&, t] {
          runTerminal(plan, t, tokens[static_cast<std::size_t>(t)],
                      results[static_cast<std::size_t>(t)], ready, go);
        });
      }
      ready.wait();
      plan.start = Steady::now() + std::chrono::milliseconds(100);
      plan.pushEnd = plan.start + std::chrono::seconds(o_.seconds);
      plan.pollEnd = plan.pushEnd + 2 * plan.pollInterval + std::chrono::seconds(10);
      for (auto& instance : f.instances) {
        instance.before = kiosk::bench::processFigures(instance.pid);
      }
      if (privateDb) {
        f.postgresMeasured = true;
        pgBefore = postgresFigures(pg_->root() / "data");
        pgLogBefore = pg_->log().size();
      }
      const auto balancerBefore = kiosk::bench::processFigures(balancerPid_);
      cpuBefore = kiosk::bench::cpuMillis();
      go.count_down();
      std::fprintf(stderr, "central_load_bench: %s: %d s of pushes\n", f.label.c_str(), o_.seconds);
      // Midway, the timed change: a staff member added to the event by the admin command
      // (terminals get their event's staff in the same feed as everything else).
      sampleUntil(f, plan.start + std::chrono::seconds(o_.seconds) / 2);
      const auto t0 = Steady::now();
      if (!admin({"staff", "add", "--db", db, "--event", event, "--id", marker, "--name",
                  "Load probe"},
                 std::chrono::seconds(60), "admin-probe")) {
        plan.markerGone = true;
      }
      f.adminMs = secondsBetween(t0, Steady::now()) * 1000;
      sampleUntil(f, plan.pushEnd);
      // The memory and CPU figures are read at the end of the pushes, before the servers
      // are stopped.
      for (auto& instance : f.instances) {
        instance.after = kiosk::bench::processFigures(instance.pid);
      }
      if (f.postgresMeasured) {
        const auto after = postgresFigures(pg_->root() / "data");
        f.postgresRssMb = after.rssMb;
        f.postgresMaxRssMb = std::max(f.postgresMaxRssMb, after.rssMb);
        f.postgresCpuS = cpuBetween(pgBefore, after);
      }
      if (balancerPid_ > 0) {
        const auto after = kiosk::bench::processFigures(balancerPid_);
        f.balancerMeasured = true;
        f.balancerCpuS = after.cpuSeconds - balancerBefore.cpuSeconds;
        f.balancerRssMb = after.currentRssMb;
      }
      // Other work on the machine takes the same cores: say how busy it was.
      std::ifstream("/proc/loadavg") >> f.loadAverage;
      Samples reach;
      for (auto& th : fleet) {
        th.join();
      }
      for (const auto& r : results) {
        if (r.sawChangeAt) {
          reach.add(secondsBetween(t0, *r.sawChangeAt));
        }
      }
      f.reached = static_cast<int>(reach.count());
      if (reach.count() > 0) {
        f.reachP50 = reach.percentile(50);
        f.reachMax = reach.percentile(100);
      }
    }
    f.clientCpuS = (kiosk::bench::cpuMillis() - cpuBefore) / 1000;
    stopAll(f.instances);
    // What went wrong on the servers' side, in their own words (a retried serialization
    // failure is invisible to the terminals but costs the database a transaction).
    for (const auto& instance : f.instances) {
      for (const auto& [line, n] :
           linesWith(readText(instance.log), 0, {"[warning] ", "[error] ", "[critical] "})) {
        f.centralProblems[line] += n;
      }
    }
    if (f.postgresMeasured) {
      f.postgresErrors = linesWith(pg_->log(), pgLogBefore, {"ERROR:  ", "FATAL:  "});
    }

    Samples latency;
    Samples fromSchedule;
    std::uint64_t accepted = 0, pushes = 0, polls = 0, pages = 0, bytes = 0;
    auto lastAnswer = plan.start;
    for (const auto& r : results) {
      for (double ms : r.pushMs) {
        latency.add(ms);
      }
      for (double ms : r.fromScheduleMs) {
        fromSchedule.add(ms);
      }
      for (const auto& [kind, n] : r.errors) {
        f.errors[kind] += n;
        f.errorCount += n;
      }
      accepted += r.accepted;
      f.flagged += r.flagged;
      pushes += r.pushes;
      polls += r.polls;
      pages += r.pages;
      bytes += r.bytes;
      lastAnswer = std::max(lastAnswer, r.lastPushAnswer);
    }
    // Over the time the pushes took: the scheduled window, or longer when central fell
    // behind and the last answers came late.
    const double window =
        std::max(secondsBetween(plan.start, plan.pushEnd), secondsBetween(plan.start, lastAnswer));
    f.checkinsPerSecond = static_cast<double>(accepted) / window;
    f.pushesPerSecond = static_cast<double>(pushes) / window;
    f.requestsPerSecond = static_cast<double>(pushes + pages) / window;
    f.p50 = latency.percentile(50);
    f.p95 = latency.percentile(95);
    f.p99 = latency.percentile(99);
    f.p99Schedule = fromSchedule.percentile(99);
    f.kbPerPoll = polls > 0 ? static_cast<double>(bytes) / 1e3 / static_cast<double>(polls) : 0;
    f.pulledMb = static_cast<double>(bytes) / 1e6;
    return f;
  }

 private:
  // An admin command's standard output, or nullopt after printing why it failed.
  std::optional<std::string> admin(std::vector<std::string> args,
                                   milliseconds limit = std::chrono::seconds(60),
                                   const std::string& errName = "admin") {
    args.insert(args.begin(), o_.central);
    const auto r = children_.run(args, limit, (dir_ / (errName + ".err")).string());
    if (r.status != 0 || r.timedOut) {
      std::fprintf(stderr, "central_load_bench: kiosk-central %s %s %s: %s\n", args[1].c_str(),
                   args[2].c_str(), r.timedOut ? "did not finish in time" : "failed",
                   r.err.c_str());
      return std::nullopt;
    }
    return r.out;
  }

  std::optional<Instance> startInstance(const std::string& db, int port, int terminals, int run,
                                        int i, bool behindBalancer) {
    Instance instance;
    instance.log =
        (dir_ / ("central-" + std::to_string(run) + "-" + std::to_string(i) + ".log")).string();
    std::vector<std::string> args{
        o_.central,
        "serve",
        "--db",
        db,
        "--listen",
        "127.0.0.1:" + std::to_string(port),
        "--cert",
        pki_.cert,
        "--key",
        pki_.key,
        "--threads",
        std::to_string(std::min(1024, terminals + 16)),
        "--max-connections-per-address",
        o_.front.empty() && !behindBalancer ? std::to_string(std::min(1024, terminals + 16)) : "0",
        "--device-rate",
        std::to_string(o_.deviceRate),
        "--device-burst",
        std::to_string(o_.deviceBurst),
        "--log-level",
        o_.logLevel};
    if (behindBalancer) {
      args.insert(args.end(), {"--trusted-proxy", "127.0.0.1"});
    }
    args.insert(args.end(), o_.serveArgs.begin(), o_.serveArgs.end());
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) {
      return std::nullopt;
    }
    instance.pid = children_.spawn(args, out[1], instance.log);
    ::close(out[1]);
    instance.stdoutFd = out[0];
    // Its first line says where it listens: {"listening": ..., "port": N}.
    std::string line;
    const auto deadline = Steady::now() + std::chrono::seconds(60);
    while (line.find('\n') == std::string::npos && Steady::now() < deadline) {
      pollfd p{out[0], POLLIN, 0};
      if (::poll(&p, 1, 100) == 1) {
        char buffer[256];
        const auto n = ::read(out[0], buffer, sizeof buffer);
        if (n <= 0) {
          break;
        }
        line.append(buffer, static_cast<std::size_t>(n));
      }
    }
    try {
      instance.port = Json::parse(line.substr(0, line.find('\n'))).at("port").get<int>();
    } catch (const std::exception&) {
      std::ifstream log(instance.log);
      std::stringstream text;
      text << log.rdbuf();
      std::fprintf(stderr, "central_load_bench: kiosk-central serve did not start: %s\n",
                   text.str().c_str());
      children_.stop(instance.pid, std::chrono::seconds(5));
      ::close(instance.stdoutFd);
      return std::nullopt;
    }
    return instance;
  }

  void stopAll(std::vector<Instance>& instances) {
    if (balancerPid_ > 0) {
      children_.stop(balancerPid_, std::chrono::seconds(5));
      balancerPid_ = -1;
    }
    for (auto& instance : instances) {
      if (instance.pid > 0) {
        const int status = children_.stop(instance.pid, std::chrono::seconds(15));
        if (status != 0) {
          std::fprintf(stderr,
                       "central_load_bench: kiosk-central on port %d ended with %d (log: %s)\n",
                       instance.port, status, instance.log.c_str());
        }
        ::close(instance.stdoutFd);
        instance.pid = -1;
      }
    }
  }

  // Samples the instances' VmRSS every 250 ms until `until` (the private PostgreSQL's
  // every second: that reading walks /proc).
  void sampleUntil(Figures& f, Steady::time_point until) {
    int tick = 0;
    while (Steady::now() < until) {
      for (auto& instance : f.instances) {
        instance.maxRssMb =
            std::max(instance.maxRssMb, kiosk::bench::processFigures(instance.pid).currentRssMb);
      }
      if (f.postgresMeasured && tick++ % 4 == 0) {
        f.postgresMaxRssMb =
            std::max(f.postgresMaxRssMb, postgresFigures(pg_->root() / "data").rssMb);
      }
      std::this_thread::sleep_until(std::min(until, Steady::now() + milliseconds(250)));
    }
  }

  // HAProxy with the shipped configuration in front of `instances` (see the header
  // comment); its URL once it sees every instance up, or nullopt after saying why.
  std::optional<std::string> startBalancer(const std::vector<Instance>& instances, int terminals,
                                           int run) {
    const auto tag = std::to_string(run);
    auto config = readText(fs::path(KIOSK_SOURCE_DIR) / "deploy/central/haproxy.cfg");
    const auto replace = [&](const std::string& from, const std::string& to) {
      bool found = false;
      for (auto at = config.find(from); at != std::string::npos;
           at = config.find(from, at + to.size())) {
        config.replace(at, from.size(), to);
        found = true;
      }
      return found;
    };
    std::string servers;
    for (std::size_t i = 0; i < instances.size(); ++i) {
      servers += "    server c" + std::to_string(i) +
                 " 127.0.0.1:" + std::to_string(instances[i].port) + "\n";
    }
    const auto pem = dir_ / "balancer.pem";
    std::ofstream(pem) << readText(pki_.cert) << readText(pki_.key);
    const auto socket = dir_ / ("haproxy-" + tag + ".sock");
    const int port = freePort();
    const bool rendered =
        replace("{{LISTEN}}", "127.0.0.1:" + std::to_string(port)) &&
        replace("{{CERT}}", pem.string()) && replace("{{BACKEND_CA}}", pki_.ca) &&
        replace("{{BACKEND_NAME}}", "localhost") && replace("{{ADMIN_SOCKET}}", socket.string()) &&
        replace("{{SERVERS}}\n", servers) &&
        // The cap per client address, raised as the file says for a NAT (every terminal
        // here is 127.0.0.1).
        replace("sc0_conn_cur gt 16", "sc0_conn_cur gt " + std::to_string(terminals + 16));
    if (!rendered) {
      std::fprintf(stderr,
                   "central_load_bench: deploy/central/haproxy.cfg no longer has the "
                   "placeholders or the connection cap the bench fills in\n");
      return std::nullopt;
    }
    const auto file = dir_ / ("haproxy-" + tag + ".cfg");
    std::ofstream(file) << config;
    const auto log = (dir_ / ("haproxy-" + tag + ".log")).string();
    balancerPid_ = children_.spawn({o_.haproxy, "-db", "-f", file.string()}, -1, log);
    // Up when its stats say every instance is (two health checks, 2 s apart).
    const auto deadline = Steady::now() + std::chrono::seconds(30);
    while (Steady::now() < deadline) {
      if (serversUp(socket) == static_cast<int>(instances.size())) {
        return "https://127.0.0.1:" + std::to_string(port);
      }
      std::this_thread::sleep_for(milliseconds(200));
    }
    std::fprintf(stderr, "central_load_bench: HAProxy did not see every instance up: %s\n",
                 readText(log).c_str());
    return std::nullopt;
  }

  // Servers of the backend that HAProxy's stats ("show stat", CSV) say are UP.
  static int serversUp(const fs::path& socket) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", socket.c_str());
    std::string answer;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::write(fd, "show stat\n", 10) == 10) {
      char buffer[4096];
      for (ssize_t n = 0; (n = ::read(fd, buffer, sizeof buffer)) > 0;) {
        answer.append(buffer, static_cast<std::size_t>(n));
      }
    }
    ::close(fd);
    int up = 0;
    std::istringstream lines(answer);
    for (std::string line; std::getline(lines, line);) {
      // Columns: pxname, svname, ..., status is the 18th.
      std::vector<std::string> fields;
      std::istringstream cells(line);
      for (std::string cell; std::getline(cells, cell, ',');) {
        fields.push_back(cell);
      }
      if (fields.size() > 17 && fields[0] == "central" && fields[1].rfind('c', 0) == 0 &&
          fields[1] != "BACKEND" && fields[17].rfind("UP", 0) == 0) {
        ++up;
      }
    }
    return up;
  }

  static int freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      port = ntohs(address.sin_port);
    }
    ::close(fd);
    return port;
  }

  bool fullPull(const std::string& baseUrl, const std::string& caFile, const std::string& token,
                Plan& plan, Figures& f) {
    kiosk::cache::HttpOptions http;
    http.baseUrl = baseUrl;
    http.caFile = caFile;
    http.requestTimeout = std::chrono::seconds(60);
    kiosk::cache::HttpClient client(http);
    // A balancer in front takes a few seconds to find instances that just started (its
    // health checks): until then it closes connections.
    const auto patience = Steady::now() + std::chrono::seconds(30);
    while (!client.request("GET", api::kChangesPath, {}, {}, token) && Steady::now() < patience) {
      std::this_thread::sleep_for(milliseconds(500));
    }
    // It answers once one instance is up; the terminals' kept-alive connections would all
    // stay on that one if they connected now.
    if (!o_.front.empty()) {
      std::this_thread::sleep_for(std::chrono::seconds(o_.frontSettleS));
    }
    const auto start = Steady::now();
    std::string cursor;
    for (;;) {
      auto r = client.request("GET",
                              std::string(api::kChangesPath) +
                                  "?limit=" + std::to_string(api::kMaxPageSize) +
                                  "&cursor=" + kiosk::cache::urlEncode(cursor),
                              {}, {}, token);
      if (!r || r->status != 200) {
        std::fprintf(
            stderr, "central_load_bench: the first pull failed (%s)\n",
            r ? ("HTTP " + std::to_string(r->status)).c_str() : toString(client.lastFailure()));
        return false;
      }
      const auto page = api::parseChangesPage(r->body);
      for (const auto& g : page.guests) {
        plan.guests.push_back(g.id);
      }
      f.rosterRecords += page.size();
      cursor = page.cursor;
      if (!page.hasMore) {
        break;
      }
    }
    f.fullPullS = secondsBetween(start, Steady::now());
    plan.startCursor = cursor;
    if (plan.guests.empty()) {
      std::fprintf(stderr, "central_load_bench: the first pull brought no guests\n");
      return false;
    }
    return true;
  }

  const Options& o_;
  fs::path dir_;
  Pki pki_;
  ChildProcesses& children_;
  PrivatePostgres* pg_;
  pid_t balancerPid_ = -1;
};

// --- output ---

void printRows(const Figures& f) {
  const auto& l = f.label;
  // The design's bar: 200 terminals, at least 1,000 single-check-in requests per second,
  // p99 <= 100 ms, no errors (stated for PostgreSQL and two instances behind a balancer).
  const bool atBar = f.terminals >= 200;
  row("central", l + ": check-ins accepted/s", f.checkinsPerSecond, "ci/s");
  row("central", "  offered check-ins/s", f.offered, "ci/s");
  row("central", "  push requests/s", f.pushesPerSecond, "req/s", atBar ? 1000 : -1, false);
  row("central", "  requests/s, pushes and change pages", f.requestsPerSecond, "req/s");
  row("central", "  push latency p50", f.p50, "ms");
  row("central", "  push latency p95", f.p95, "ms");
  row("central", "  push latency p99", f.p99, "ms", 100);
  row("central", "  push p99 from its scheduled time", f.p99Schedule, "ms");
  row("central", "  errors", f.errorCount, "", 0);
  for (const auto& [kind, n] : f.errors) {
    row("central", "    " + kind.substr(0, 48), n, "");
  }
  row("central", "  second admissions flagged", static_cast<double>(f.flagged), "");
  for (std::size_t i = 0; i < f.instances.size(); ++i) {
    const auto& in = f.instances[i];
    const auto n = " (instance " + std::to_string(i + 1) + ")";
    row("central", "  central peak RSS, VmHWM" + n, in.after.peakRssMb, "MB");
    row("central", "  central RSS at the end" + n, in.after.currentRssMb, "MB");
    row("central", "  central CPU time during the run" + n,
        in.after.cpuSeconds - in.before.cpuSeconds, "s");
  }
  if (f.postgresMeasured) {
    row("central", "  PostgreSQL CPU time during the run", f.postgresCpuS, "s");
    row("central", "  PostgreSQL VmRSS, all its processes, end", f.postgresRssMb, "MB");
    row("central", "  PostgreSQL VmRSS, all its processes, max", f.postgresMaxRssMb, "MB");
    for (const auto& [line, n] : f.postgresErrors) {
      row("central", "    PostgreSQL " + line.substr(0, 48), n, "");
    }
  }
  if (f.balancerMeasured) {
    row("central", "  HAProxy CPU time during the run", f.balancerCpuS, "s");
    row("central", "  HAProxy VmRSS at the end", f.balancerRssMb, "MB");
  }
  for (const auto& [line, n] : f.centralProblems) {
    row("central", "    central log " + line.substr(0, 48), n, "");
  }
  row("central", "  bench terminals' CPU time", f.clientCpuS, "s");
  row("central", "  change pages: kB per poll (all its pages)", f.kbPerPoll, "kB");
  row("central", "  change pages: MB pulled by all terminals", f.pulledMb, "MB");
  row("central", "  staff change: terminals reached", f.reached, "", f.terminals, false);
  row("central", "  staff change: the admin command took", f.adminMs, "ms");
  row("central", "  staff change to terminals, p50", f.reachP50, "s");
  row("central", "  staff change to every terminal (max)", f.reachMax, "s");
  row("central", "  load average of the machine (1 min)", f.loadAverage, "");
  row("central", "  set-up: event, guests, codes, enrollment", f.setupS, "s");
  row("central", "  set-up: enrollments retried after a 503", f.enrollRetries, "");
  row("central", "  first full pull (" + std::to_string(f.rosterRecords) + " records)", f.fullPullS,
      "s");
}

void printTable(const std::vector<Figures>& all) {
  std::printf(
      "| configuration                    | offered ci/s | ci/s  | push req/s | all req/s | p50 ms "
      "| p95 ms | p99 ms | p99 sched ms | errors | central VmHWM MB | central VmRSS MB | central "
      "CPU s | postgres VmRSS MB | postgres CPU s | haproxy CPU s | client CPU s | pulled MB | "
      "admin ms | change p50 s | change max s | reached | load |\n");
  std::printf(
      "|----------------------------------|--------------|-------|------------|-----------|-------"
      "-|--------|--------|--------------|--------|------------------|------------------|-------"
      "--------|-------------------|----------------|---------------|--------------|-----------|"
      "----------|--------------|--------------|---------|------|\n");
  for (const auto& f : all) {
    std::string hwm, rss, cpu;
    for (const auto& in : f.instances) {
      char b[64];
      std::snprintf(b, sizeof b, "%s%.0f", hwm.empty() ? "" : " + ", in.after.peakRssMb);
      hwm += b;
      std::snprintf(b, sizeof b, "%s%.0f", rss.empty() ? "" : " + ", in.after.currentRssMb);
      rss += b;
      std::snprintf(b, sizeof b, "%s%.1f", cpu.empty() ? "" : " + ",
                    in.after.cpuSeconds - in.before.cpuSeconds);
      cpu += b;
    }
    const auto figure = [](bool measured, double value) {
      char b[32];
      std::snprintf(b, sizeof b, "%.0f", value);
      return measured ? std::string(b) : std::string("-");
    };
    char pgCpu[32], lbCpu[32];
    std::snprintf(pgCpu, sizeof pgCpu, "%.1f", f.postgresCpuS);
    std::snprintf(lbCpu, sizeof lbCpu, "%.1f", f.balancerCpuS);
    std::printf(
        "| %-32s | %12.0f | %5.0f | %10.0f | %9.0f | %6.1f | %6.1f | %6.1f | %12.1f | %6d | "
        "%16s | %16s | %13s | %17s | %14s | %13s | %12.1f | %9.0f | %8.0f | %12.2f | %12.2f | "
        "%3d/%-3d | %4.1f |\n",
        f.label.c_str(), f.offered, f.checkinsPerSecond, f.pushesPerSecond, f.requestsPerSecond,
        f.p50, f.p95, f.p99, f.p99Schedule, f.errorCount, hwm.c_str(), rss.c_str(), cpu.c_str(),
        figure(f.postgresMeasured, f.postgresRssMb).c_str(), f.postgresMeasured ? pgCpu : "-",
        f.balancerMeasured ? lbCpu : "-", f.clientCpuS, f.pulledMb, f.adminMs, f.reachP50,
        f.reachMax, f.reached, f.terminals, f.loadAverage);
  }
  for (const auto& f : all) {
    for (const auto& [kind, n] : f.errors) {
      std::printf("%s: %d x %s\n", f.label.c_str(), n, kind.c_str());
    }
    if (f.enrollRetries > 0) {
      std::printf("%s: set-up, %d enrollments answered 503 and tried again\n", f.label.c_str(),
                  f.enrollRetries);
    }
    for (const auto& [line, n] : f.centralProblems) {
      std::printf("%s: central log, %d x %s\n", f.label.c_str(), n, line.c_str());
    }
    for (const auto& [line, n] : f.postgresErrors) {
      std::printf("%s: PostgreSQL log, %d x %s\n", f.label.c_str(), n, line.c_str());
    }
  }
  std::fflush(stdout);
}

// Ends the program with a message when the whole run takes longer than it may: a stuck
// central must fail the benchmark, not hang it.
class Watchdog {
 public:
  Watchdog(ChildProcesses& children, std::chrono::seconds limit)
      : thread_([this, &children, limit] {
          std::unique_lock lock(mutex_);
          if (!done_.wait_for(lock, limit, [this] { return finished_; })) {
            std::fprintf(stderr,
                         "central_load_bench: no end after %lld s (a central stuck or far too "
                         "slow?); stopping\n",
                         static_cast<long long>(limit.count()));
            children.killAll();
            std::_Exit(3);
          }
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      finished_ = true;
    }
    done_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable done_;
  bool finished_ = false;
  std::jthread thread_;
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{
      "kiosk-central under simulated terminals: pushes, latency, errors, memory, and how long "
      "a change takes to reach every terminal"};
  bool full = std::getenv("KIOSK_BENCH_FULL") != nullptr;
  app.add_flag("--full", full,
               "--matrix at 20 s a run (also KIOSK_BENCH_FULL=1, as bench/run --full sets it)");
  bool matrix = false;
  app.add_flag("--matrix", matrix,
               "SQLite x1, PostgreSQL x1 and PostgreSQL x2 behind HAProxy, at 50 and 200 "
               "terminals (a private PostgreSQL unless --db names one)");
  app.add_option("--store", o.store,
                 "Central's store when --db is not given: sqlite (a fresh file per run) or "
                 "postgresql (a private server, a fresh database per run; default sqlite)")
      ->check(CLI::IsMember({"sqlite", "postgresql"}));
  app.add_flag("--balancer", o.balancer,
               "Put HAProxy with the shipped deploy/central/haproxy.cfg in front of the "
               "instances; the terminals talk to it");
  app.add_option("--haproxy", o.haproxy, "haproxy executable (default /usr/sbin/haproxy)");
  app.add_option("--postgres-setting", o.postgresSettings,
                 "NAME=VALUE for the private PostgreSQL, after the bench's own (repeat; e.g. "
                 "fsync=off)")
      ->allow_extra_args(false);
  app.add_option("--terminals", o.terminals, "Fleet sizes, one run each (default 200)")
      ->delimiter(',')
      ->check(CLI::Range(1, 1000));
  app.add_option("--instances", o.instances,
                 "kiosk-central serve processes on the one database, one run each (default 1)")
      ->delimiter(',')
      ->check(CLI::Range(1, 16));
  app.add_option("--seconds", o.seconds, "Pushing time of each run (default 10)")
      ->check(CLI::Range(1, 600));
  app.add_option("--rate", o.rate, "Pushes per second per terminal (default 5.5)")
      ->check(CLI::Range(0.1, 100.0));
  app.add_option("--batch", o.batch, "Check-ins per push (default 1)")->check(CLI::Range(1, 1000));
  app.add_option("--poll-ms", o.pollMs,
                 "Each terminal's poll interval (default 2000, a terminal's)")
      ->check(CLI::Range(100, 60000));
  app.add_option("--guests", o.guests,
                 "Guests of the event (default: one per push; fewer make second admissions)")
      ->check(CLI::Range(1, 2000000));
  app.add_option("--db", o.db,
                 "Central's database for kiosk-central --db (a file or a postgresql:// URL; each "
                 "run adds an event to it). Default: a fresh SQLite file per run");
  app.add_option("--ports", o.ports,
                 "Ports of the instances, in order (default: free ones); a balancer in front "
                 "needs them fixed")
      ->delimiter(',')
      ->check(CLI::Range(1, 65535));
  app.add_option("--front", o.front,
                 "URL the terminals talk to instead of the instances (a load balancer, e.g. "
                 "https://127.0.0.1:8443); enrollment still goes to the instances");
  app.add_option("--front-ca", o.frontCa,
                 "CA of the front's certificate (default: the bench's own CA, for a balancer "
                 "that passes TLS through)")
      ->check(CLI::ExistingFile);
  app.add_option("--front-settle", o.frontSettleS,
                 "Seconds the front is given to find every instance up after the first answer "
                 "through it (default 6: HAProxy's default health checks)")
      ->check(CLI::Range(0, 120));
  app.add_option("--central", o.central, "kiosk-central executable")->check(CLI::ExistingFile);
  app.add_option("--serve-arg", o.serveArgs, "Extra argument for kiosk-central serve (repeat)")
      ->allow_extra_args(false);
  app.add_option("--device-rate", o.deviceRate,
                 "serve --device-rate (default 50, central's own; 0 = off)");
  app.add_option("--device-burst", o.deviceBurst, "serve --device-burst (default 200)");
  app.add_option("--log-level", o.logLevel, "Central's log level (default info, as deployed)")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  app.add_option("--request-timeout", o.requestTimeoutS,
                 "A terminal's request timeout in seconds (default 10)")
      ->check(CLI::Range(1, 120));
  app.add_option("--format", o.format,
                 "rows: bench/run's table; table: one row per configuration (default rows)")
      ->check(CLI::IsMember({"rows", "table"}));
  app.add_flag("--keep", o.keep, "Keep the temporary folder (databases, central logs)");
  CLI11_PARSE(app, argc, argv);
  if (full) {
    matrix = true;
    o.seconds = 20;
  }
  if (o.balancer && !o.front.empty()) {
    std::fprintf(stderr, "central_load_bench: --balancer and --front both name a front\n");
    return 2;
  }
  const bool dbIsPostgres = o.db.rfind("postgres", 0) == 0;
  std::vector<Setup> setups;
  if (matrix) {
    o.terminals = {50, 200};
    if (!o.db.empty() && !dbIsPostgres) {
      std::fprintf(stderr, "central_load_bench: --matrix takes a postgresql:// --db only\n");
      return 2;
    }
    setups = {{false, 1, false}, {true, 1, false}, {true, 2, true}};
  } else {
    for (int instances : o.instances) {
      setups.push_back(
          {o.db.empty() ? o.store == "postgresql" : dbIsPostgres, instances, o.balancer});
    }
  }
  const double perTerminal = o.rate + 2 * 1000.0 / o.pollMs;
  if (o.deviceRate > 0 && perTerminal > o.deviceRate / 2) {
    std::fprintf(stderr,
                 "central_load_bench: %.1f requests/s per terminal come close to --device-rate "
                 "%.0f: raise it or set 0, or the limiter's 429s will be measured\n",
                 perTerminal, o.deviceRate);
    return 2;
  }

  const auto dir = fs::temp_directory_path() / ("kiosk-central-load-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  ChildProcesses children;
  // Set-up (about 0.3 s per terminal for its enrollment code on this class of machine),
  // the pushing time and the wait for the change, per run, and a margin.
  std::chrono::seconds limit{60};
  for (int t : o.terminals) {
    limit += std::chrono::seconds((120 + t + o.seconds + 2 * o.pollMs / 1000 + 40) *
                                  static_cast<int>(setups.size()));
  }
  Watchdog watchdog(children, limit);
  curl_global_init(CURL_GLOBAL_DEFAULT);

  int status = 0;
  std::vector<Figures> all;
  // The private PostgreSQL, when a run needs one (see the header comment for its settings):
  // connections for every request thread of every instance, and the server's own few.
  std::unique_ptr<PrivatePostgres> postgres;
  if (o.db.empty() &&
      std::any_of(setups.begin(), setups.end(), [](const Setup& s) { return s.postgres; })) {
    int connections = 0;
    for (const auto& s : setups) {
      connections = std::max(connections, s.instances);
    }
    connections =
        connections *
            (std::min(1024, *std::max_element(o.terminals.begin(), o.terminals.end()) + 16) + 8) +
        20;
    std::string why;
    std::vector<std::string> settings{"fsync=on", "full_page_writes=on", "shared_buffers=128MB",
                                      "max_connections=" + std::to_string(connections)};
    settings.insert(settings.end(), o.postgresSettings.begin(), o.postgresSettings.end());
    postgres = PrivatePostgres::start(why, {}, settings);
    if (!postgres) {
      std::fprintf(stderr, "central_load_bench: no private PostgreSQL: %s\n", why.c_str());
      status = 1;
    }
  }
  if (auto pki = makePki(children, dir)) {
    Bench bench(o, dir, *pki, children, postgres.get());
    int index = 0;
    for (const auto& setup : setups) {
      for (int terminals : o.terminals) {
        if (setup.postgres && o.db.empty() && !postgres) {
          continue;
        }
        auto f = bench.run(terminals, setup, index++);
        if (!f) {
          status = 1;
          continue;
        }
        if (o.format == "rows") {
          printRows(*f);
        }
        if (f->errorCount > 0 || f->reached < f->terminals) {
          std::fprintf(stderr,
                       "central_load_bench: %s: %d failed requests; the staff change reached %d "
                       "of %d terminals\n",
                       f->label.c_str(), f->errorCount, f->reached, f->terminals);
          status = 1;
        }
        all.push_back(std::move(*f));
      }
    }
  } else {
    status = 1;
  }
  if (o.format == "table") {
    printTable(all);
  }
  curl_global_cleanup();
  std::error_code ec;
  if (o.keep) {
    std::fprintf(stderr, "central_load_bench: kept %s\n", dir.c_str());
  } else {
    fs::remove_all(dir, ec);
  }
  return status;
}
