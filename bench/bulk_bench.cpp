// The event office's bulk work through the real kioskctl, as the organiser runs it: a
// 100,000-guest list imported into a fresh event database (time, CPU time, peak memory),
// and codes issued for 1,000 and 5,000 guests (one PNG per guest, codes.csv and the
// invitations PDF: time, CPU time of all threads, PDF size). Names mix Chinese, Japanese,
// Korean, Arabic, Cyrillic and Latin. A scenario driver: one import, the fastest of three
// code runs.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bench_table.h"
#include "child_process.h"

namespace {

using kiosk::bench::row;
const auto run = kiosk::bench::runMeasured;

const char* const kNames[] = {"王小明",
                              "李娜",
                              "山田太郎",
                              "김민준",
                              "محمد العلي",
                              "Ольга Иванова",
                              "María García López",
                              "欧阳一鸣",
                              "Jean-Pierre Dubois",
                              "Amani Okafor"};

void writeGuests(const std::string& path, int count) {
  std::ofstream csv(path, std::ios::binary);
  csv << "booking_code,name,company,title,category,phone\n";
  for (int i = 0; i < count; ++i) {
    char code[32];
    std::snprintf(code, sizeof code, "EV-%06d", i);
    csv << code << ',' << kNames[i % std::size(kNames)] << ' ' << i << ",Company " << i % 97
        << ",Manager,business,138" << 10000000 + i << '\n';
  }
}

}  // namespace

int main() {
  const std::string ctl = std::string(KIOSK_BINARY_DIR) + "/kioskctl";
  if (access(ctl.c_str(), X_OK) != 0) {
    std::fprintf(stderr, "bulk_bench: %s is not built\n", ctl.c_str());
    return 1;
  }
  const auto dir =
      std::filesystem::temp_directory_path() / ("kiosk-bulk-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto file = [&](const std::string& name) { return (dir / name).string(); };
  const auto newEvent = [&](const std::string& db) {
    return run({ctl, "event", "create", "--db", db, "--name", "Bench Forum", "--starts",
                "2026-11-24T08:00", "--ends", "2026-11-26T18:00", "--timezone", "Asia/Shanghai"})
        .ok;
  };
  int status = 0;

  writeGuests(file("100k.csv"), 100'000);
  if (newEvent(file("100k.db"))) {
    const auto import = run({ctl, "guests", "import", "--db", file("100k.db"), file("100k.csv")});
    if (import.ok) {
      row("import", "100k guests: kioskctl guests import", import.wallMs, "ms", 2000);
      row("import", "100k guests: CPU time", import.cpuMs, "ms");
      row("import", "100k guests: peak RSS", import.peakRssMb, "MB");
    } else {
      std::fprintf(stderr, "bulk_bench: guests import failed\n");
      status = 1;
    }
  }

  for (const int guests : {1000, 5000}) {
    const auto n = std::to_string(guests);
    const auto db = file(n + ".db");
    writeGuests(file(n + ".csv"), guests);
    if (!newEvent(db) || !run({ctl, "guests", "import", "--db", db, file(n + ".csv")}).ok) {
      std::fprintf(stderr, "bulk_bench: preparing %d guests failed\n", guests);
      status = 1;
      continue;
    }
    // The fastest of three runs: on a shared machine a run's wall time includes the time it
    // waited for a core. The machine's load before the runs is printed beside them.
    double load = 0;
    getloadavg(&load, 1);
    kiosk::bench::MeasuredRun issue;
    for (int attempt = 0; attempt < 3; ++attempt) {
      const auto one = run({ctl, "codes", "issue", "--db", db, "--out", file("codes-" + n)});
      if (attempt == 0 || !one.ok || (issue.ok && one.wallMs < issue.wallMs)) {
        issue = one;
      }
      if (!issue.ok) {
        break;
      }
    }
    if (!issue.ok) {
      std::fprintf(stderr, "bulk_bench: codes issue for %d guests failed\n", guests);
      status = 1;
      continue;
    }
    const double pdfMb =
        static_cast<double>(std::filesystem::file_size(file("codes-" + n + "/invitations.pdf"))) /
        1e6;
    const bool full = guests == 5000;
    row("codes", n + " guests: machine load average before", load, "");
    row("codes", n + " guests: kioskctl codes issue (best of 3)", issue.wallMs, "ms",
        full ? 5000 : -1);
    row("codes", n + " guests: CPU time (all threads)", issue.cpuMs, "ms");
    row("codes", n + " guests: invitations.pdf", pdfMb, "MB", full ? 5 : -1);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return status;
}
