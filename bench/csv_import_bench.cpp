// Guest list import at scale: 100,000 generated rows (mixed Chinese and Latin names, the
// columns a real roster carries) parsed from UTF-8 and from GB18030, the staff search keys
// of every guest, and the whole import as the organiser waits for it: `kioskctl guests
// import` of the list into a fresh event database (time, CPU time of all its threads, peak
// memory). The database part alone is measured in store_bench.
#include <unicode/ucnv.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bench_table.h"
#include "child_process.h"
#include "kiosk/core/guest_csv.h"
#include "kiosk/core/text_search.h"

namespace {

using kiosk::bench::row;
using kiosk::bench::Samples;

constexpr int kRows = 100'000;
constexpr int kRepeats = 5;

const char* const kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄",   "赵",   "吴",   "周",
                                 "徐", "孙", "马", "朱", "胡", "郭", "何",   "高",   "林",   "罗",
                                 "郑", "梁", "谢", "宋", "唐", "曾", "欧阳", "司马", "诸葛", "单"};
const char* const kGiven[] = {"伟",   "芳",   "娜",   "秀英", "敏",  "静", "丽",   "强",
                              "磊",   "军",   "洋",   "勇",   "艳",  "杰", "娟",   "涛",
                              "明",   "超",   "秀兰", "霞",   "平",  "刚", "桂英", "建华",
                              "晓明", "子涵", "浩然", "㛃",   "一鸣"};
const char* const kLatinFirst[] = {"James",  "Maria", "Ahmed",   "Yuki",        "Olga",
                                   "Carlos", "Amani", "Priya",   "Lena",        "Tom",
                                   "Sarah",  "Zoë",   "Hiroshi", "Jean-Pierre", "Fatima"};
const char* const kLatinLast[] = {"Smith",  "García López", "Okafor", "Tanaka",    "Ivanova",
                                  "Müller", "Raghunathan",  "Dubois", "Nguyễn",    "O'Connor",
                                  "Kim",    "Rossi",        "Haddad", "de la Cruz"};
const char* const kDiets[] = {"", "", "", "素食", "清真", "vegetarian", "halal", "no pork"};
// Excel quotes a cell when it holds a comma or a quote.
const char* const kAllergies[] = {
    "", "", "", "", "花生", "海鲜", "\"peanuts, shellfish\"", "无", "\"peanuts, \"\"severe\"\"\""};

double threadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

template <std::size_t N>
const char* pick(std::mt19937& rng, const char* const (&list)[N]) {
  return list[rng() % N];
}

std::string generateCsv(std::mt19937& rng) {
  std::string csv;
  csv.reserve(static_cast<std::size_t>(kRows) * 220);
  csv +=
      "预订码,姓名,单位,职务,类别,手机号,邮箱,饮食要求,过敏原,酒店,房号,入住日期,退房日期,"
      "车辆,司机电话,接站时间,上车地点,航班车次,会议,座位号,接待人\r\n";
  char buf[512];
  for (int i = 0; i < kRows; ++i) {
    std::string name;
    if (i % 4 == 3) {
      name = std::string(pick(rng, kLatinFirst)) + " " + pick(rng, kLatinLast);
    } else {
      name = std::string(pick(rng, kSurnames)) + pick(rng, kGiven);
    }
    std::snprintf(buf, sizeof buf,
                  "EV-%06d,%s,%s,%s,%s,138%08u,guest%d@example.com,%s,%s,国家会展中心洲际酒店,"
                  "%d,2026-11-23,2026-11-26,Shuttle %d,139%08u,2026-11-23 %02d:%02d,虹桥T2 出口%d,"
                  "MU%d,开幕式,%c-%d,%s\r\n",
                  i, name.c_str(), i % 3 == 0 ? "Company Ltd" : "国家会展中心",
                  i % 5 == 0 ? "处长" : "Manager", i % 50 == 0 ? "贵宾" : "business",
                  static_cast<unsigned>(rng() % 100000000), i, pick(rng, kDiets),
                  pick(rng, kAllergies), 100 + i % 2000, i % 40,
                  static_cast<unsigned>(rng() % 100000000), 6 + i % 16, i % 60, i % 9,
                  5000 + i % 900, 'A' + i % 20, i % 400, i % 20 == 0 ? "王主任" : "");
    csv += buf;
  }
  return csv;
}

std::string toGb18030(const std::string& utf8) {
  UErrorCode status = U_ZERO_ERROR;
  std::string out(utf8.size() * 2, '\0');
  const int32_t length =
      ucnv_convert("GB18030", "UTF-8", out.data(), static_cast<int32_t>(out.size()), utf8.data(),
                   static_cast<int32_t>(utf8.size()), &status);
  if (U_FAILURE(status)) {
    std::fprintf(stderr, "GB18030 conversion failed: %s\n", u_errorName(status));
    return {};
  }
  out.resize(static_cast<std::size_t>(length));
  return out;
}

// `kioskctl guests import` of `csv` into a new event database, once; false when a step
// failed (said on stderr).
bool benchImportCommand(const std::string& csv) {
  const std::string ctl = std::string(KIOSK_BINARY_DIR) + "/kioskctl";
  const auto dir =
      std::filesystem::temp_directory_path() / ("kiosk-csv-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string db = (dir / "import.db").string();
  const std::string list = (dir / "guests.csv").string();
  std::ofstream(list, std::ios::binary) << csv;
  bool ok = kiosk::bench::runMeasured({ctl, "event", "create", "--db", db, "--name", "Bench",
                                       "--starts", "2026-11-23T08:00", "--ends", "2026-11-26T18:00",
                                       "--timezone", "Asia/Shanghai"})
                .ok;
  if (ok) {
    const auto import = kiosk::bench::runMeasured({ctl, "guests", "import", "--db", db, list});
    ok = import.ok;
    if (ok) {
      row("import", "100k rows: kioskctl guests import", import.wallMs, "ms", 2000);
      row("import", "100k rows: kioskctl guests import, CPU time", import.cpuMs, "ms");
      row("import", "100k rows: kioskctl guests import, peak RSS", import.peakRssMb, "MB");
    }
  }
  if (!ok) {
    std::fprintf(stderr, "csv_import_bench: kioskctl guests import failed\n");
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return ok;
}

}  // namespace

int main() {
  std::mt19937 rng(2026);
  const std::string csv = generateCsv(rng);
  const std::string gb = toGb18030(csv);
  kiosk::GuestCsvOptions options;
  options.eventId = 1;
  options.utcOffsetMinutes = 480;

  // Each parse is timed alone: freeing the previous 100,000 guests is not part of it.
  // CPU time is reported beside wall time: the machine is shared, and under load the
  // wall figure says more about the neighbours than about the parser.
  auto timeParse = [&](const std::string& bytes, Samples& wall, Samples& cpu) {
    kiosk::GuestCsvResult result;
    for (int i = 0; i < kRepeats; ++i) {
      result = {};
      const double cpuStart = threadCpuMs();
      const auto start = std::chrono::steady_clock::now();
      result = kiosk::parseGuestCsv(bytes, options);
      wall.add(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                   .count());
      cpu.add(threadCpuMs() - cpuStart);
    }
    return result;
  };
  Samples parseUtf8;
  Samples parseUtf8Cpu;
  kiosk::GuestCsvResult parsed = timeParse(csv, parseUtf8, parseUtf8Cpu);
  if (!parsed.ok() || parsed.guests.size() != static_cast<std::size_t>(kRows)) {
    std::fprintf(stderr, "generated CSV did not parse cleanly:\n%s",
                 kiosk::formatProblems(parsed).c_str());
    return 1;
  }
  Samples parseGb;
  Samples parseGbCpu;
  const kiosk::GuestCsvResult parsedGb = timeParse(gb, parseGb, parseGbCpu);
  if (parsedGb.guests.size() != static_cast<std::size_t>(kRows) ||
      parsedGb.detectedEncoding != "GB18030") {
    std::fprintf(stderr, "GB18030 CSV did not parse cleanly\n");
    return 1;
  }

  // The first pass in a thread creates the transliterator and fills the per-character
  // memo; an import runs exactly this once.
  std::size_t keyCount = 0;
  Samples keysCold;
  keysCold.time([&] {
    for (const auto& g : parsed.guests) {
      keyCount += kiosk::searchKeysFor(g).size();
    }
  });
  Samples keysWarm;
  Samples keysWarmCpu;
  for (int i = 0; i < kRepeats; ++i) {
    const double cpuStart = threadCpuMs();
    keysWarm.time([&] {
      std::size_t n = 0;
      for (const auto& g : parsed.guests) {
        n += kiosk::searchKeysFor(g).size();
      }
      if (n != keyCount) {
        std::exit(1);
      }
    });
    keysWarmCpu.add(threadCpuMs() - cpuStart);
  }
  Samples queries;
  for (const auto& g : parsed.guests) {
    if (queries.size() >= 10'000) {
      break;
    }
    queries.time([&] { (void)kiosk::queryKeysFor(g.name); });
  }

  row("csv",
      "100k rows (21 columns, " + std::to_string(csv.size() / 1'000'000) + " MB UTF-8): parse",
      parseUtf8.percentile(50), "ms", 500);
  row("csv", "100k rows UTF-8: parse, CPU time", parseUtf8Cpu.percentile(50), "ms");
  row("csv", "100k rows GB18030: decode + parse", parseGb.percentile(50), "ms", 500);
  row("csv", "100k rows GB18030: decode + parse, CPU time", parseGbCpu.percentile(50), "ms");
  row("search", "100k guests: search keys, first pass in a thread", keysCold.percentile(50), "ms",
      500);
  row("search", "100k guests: search keys, warm", keysWarm.percentile(50), "ms", 500);
  row("search", "100k guests: search keys, warm, CPU time", keysWarmCpu.percentile(50), "ms");
  row("search", "search keys per guest (average)",
      static_cast<double>(keyCount) / static_cast<double>(parsed.guests.size()), "keys", 8);
  row("search", "query keys for a typed name p99", queries.percentile(99) * 1000, "us");
  return benchImportCommand(csv) ? 0 : 1;
}
