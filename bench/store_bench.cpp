// Roster at scale: 100,000 generated guests imported from CSV into a real SQLite file,
// then guest-code verification, roster lookups and staff search, with percentiles.
#include <filesystem>
#include <random>
#include <sstream>

#include "bench_table.h"
#include "kiosk/core/checkin_service.h"
#include "kiosk/core/guest_csv.h"
#include "offline-cache/local_store.h"

namespace {

using kiosk::bench::row;
using kiosk::bench::Samples;

constexpr int kGuests = 100'000;
constexpr kiosk::EventId kEvent = 0xbe4c0001;

const char* const kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵",   "吴",
                                 "周", "徐", "孙", "马", "朱", "胡", "郭", "何",   "高",
                                 "林", "罗", "郑", "梁", "谢", "宋", "唐", "欧阳", "司马"};
const char* const kGiven[] = {"伟",   "芳", "娜", "秀英", "敏",   "静",   "丽",  "强", "磊",
                              "军",   "洋", "勇", "艳",   "杰",   "娟",   "涛",  "明", "超",
                              "秀兰", "霞", "平", "刚",   "桂英", "建华", "晓明"};
const char* const kLatinFirst[] = {"James",  "Maria",       "Ahmed", "Yuki",    "Olga",
                                   "Carlos", "Amani",       "Priya", "Lena",    "Tom",
                                   "Sarah",  "Jean-Pierre", "Zoë",   "Hiroshi", "Fatima"};
const char* const kLatinLast[] = {"Smith",    "García", "Okafor",      "Tanaka", "Ivanova",
                                  "Mendoza",  "Müller", "Raghunathan", "Dubois", "Nguyen",
                                  "O'Connor", "Kim",    "Rossi",       "Haddad"};
// Names in scripts that are searched by their Latin spelling.
const char* const kOtherScripts[] = {
    "김민준",    "이서연",        "박지훈",      "Ольга Иванова",   "Юрий Петров",     "محمد علي",
    "فاطمة حسن", "たなか ゆうこ", "サトウ ケン", "よしのや たろう", "Дмитрий Соколов", "أحمد"};

std::string generateCsv(std::mt19937& rng) {
  std::ostringstream csv;
  csv << "booking_code,name,company,category,phone,hotel,room,pickup_time,flight,meeting,seat\n";
  for (int i = 0; i < kGuests; ++i) {
    std::string name;
    if (i % 20 == 11) {
      name = kOtherScripts[rng() % std::size(kOtherScripts)];
    } else if (i % 4 == 3) {
      name = std::string(kLatinFirst[rng() % std::size(kLatinFirst)]) + " " +
             kLatinLast[rng() % std::size(kLatinLast)];
    } else {
      name =
          std::string(kSurnames[rng() % std::size(kSurnames)]) + kGiven[rng() % std::size(kGiven)];
    }
    csv << "G" << 100000 + i << "," << name << ",Company " << i % 500 << ","
        << (i % 50 == 0 ? "vip" : "business") << ",138" << 10000000 + (rng() % 89999999)
        << ",Hotel " << i % 7 << "," << 100 + i % 900 << ",2026-11-24 08:" << (10 + i % 50) << ",MU"
        << 5000 + i % 900 << ",Plenary,A-" << i % 400 << "\n";
  }
  return csv.str();
}

}  // namespace

int main() {
  std::mt19937 rng(2026);
  const auto dir =
      std::filesystem::temp_directory_path() / ("kiosk-store-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto dbPath = (dir / "bench.db").string();
  auto store = std::move(*kiosk::cache::LocalStore::open(dbPath));
  const auto now = kiosk::SystemClock().now();
  kiosk::Event event;
  event.id = kEvent;
  event.name = "Bench";
  event.startsAt = now - std::chrono::hours(1);
  event.endsAt = now + std::chrono::hours(48);
  (void)store->saveEvent(event);
  const auto key = kiosk::generateSigningKey(kEvent, 1, now);
  (void)store->saveSigningKey(key);

  const std::string csv = generateCsv(rng);
  kiosk::GuestCsvResult parsed;
  const double cpuBefore = kiosk::bench::cpuMillis();
  Samples parse;
  parse.time([&] {
    kiosk::GuestCsvOptions options;
    options.eventId = kEvent;
    parsed = kiosk::parseGuestCsv(csv, options);
  });
  Samples insert;
  insert.time([&] { (void)store->upsertGuests(kEvent, std::move(parsed.guests), now); });
  const double importMs = parse.percentile(50) + insert.percentile(50);
  const double importCpuMs = kiosk::bench::cpuMillis() - cpuBefore;
  row("roster", "100k guests: parse CSV", parse.percentile(50), "ms");
  row("roster", "100k guests: write with search keys (1 txn)", insert.percentile(50), "ms");
  row("roster", "100k guests: import total (wall clock)", importMs, "ms", 2000);
  row("roster", "100k guests: import total (CPU time)", importCpuMs, "ms");
  const auto walPath = dbPath + "-wal";
  row("roster", "database size after import (file + WAL)",
      static_cast<double>(
          std::filesystem::file_size(dbPath) +
          (std::filesystem::exists(walPath) ? std::filesystem::file_size(walPath) : 0)) /
          1e6,
      "MB");
  {
    auto keys = store->database().prepare("SELECT count(*) FROM guest_search");
    row("roster", "search index entries per guest", keys.step() ? keys.columnInt(0) / 1e5 : 0.0,
        "keys");
  }

  // Tokens for random guests.
  std::vector<std::string> tokens;
  for (int i = 0; i < 20'000; ++i) {
    const auto guest = static_cast<kiosk::GuestId>(1 + rng() % kGuests);
    tokens.push_back(
        kiosk::issueToken(kiosk::TokenClaims{1, kEvent, guest, now - std::chrono::hours(1),
                                             now + std::chrono::hours(72)},
                          key));
  }
  Samples verify;
  for (const auto& t : tokens) {
    verify.time([&] {
      auto p = kiosk::parseToken(t);
      if (!kiosk::verifyTokenSignature(std::get<kiosk::ParsedToken>(p), key.publicKey)) {
        std::abort();
      }
    });
  }
  row("codes", "token parse + Ed25519 verify p50", verify.percentile(50), "ms");
  row("codes", "token parse + Ed25519 verify p99", verify.percentile(99), "ms");

  Samples lookup;
  for (int i = 0; i < 20'000; ++i) {
    const auto guest = static_cast<kiosk::GuestId>(1 + rng() % kGuests);
    lookup.time([&] {
      if (!*store->findGuest(kEvent, guest)) {
        std::abort();
      }
    });
  }
  row("roster", "token -> guest lookup p50", lookup.percentile(50), "ms");
  row("roster", "token -> guest lookup p99", lookup.percentile(99), "ms", 0.05);

  kiosk::ManualClock clock(now);
  kiosk::CheckinService service(*store, *store, clock, "bench", kEvent);
  Samples evaluate;
  for (int i = 0; i < 5'000; ++i) {
    evaluate.time([&] {
      (void)service.evaluate(tokens[static_cast<std::size_t>(i)], kiosk::ScanSource::kCamera);
    });
  }
  row("checkin", "evaluate scan (verify + lookup + rules) p50", evaluate.percentile(50), "ms");
  row("checkin", "evaluate scan (verify + lookup + rules) p99", evaluate.percentile(99), "ms");

  Samples commit;
  for (int i = 0; i < 500; ++i) {
    auto d =
        service.evaluate(tokens[static_cast<std::size_t>(10'000 + i)], kiosk::ScanSource::kCamera);
    if (d && d->accepted()) {
      commit.time([&] {
        (void)service.confirm(*d, kiosk::ConfirmDetails{d->guest->needs, false});
      });
    }
  }
  row("checkin", "commit check-in+outbox+audit (WAL, sync=FULL) p50", commit.percentile(50), "ms");
  row("checkin", "commit check-in+outbox+audit (WAL, sync=FULL) p99", commit.percentile(99), "ms");

  const char* const queries[] = {"zhang", "wang", "li",     "ouyang", "zw",     "wj",
                                 "张",    "王芳", "garcia", "okafor", "muller", "smith",
                                 "jp",    "1234", "g1000",  "xiaom",  "jianh",  "sima"};
  Samples search;
  for (int round = 0; round < 200; ++round) {
    for (const char* q : queries) {
      search.time([&] { (void)store->searchGuests(kEvent, q, 20); });
    }
  }
  row("search", "name/pinyin/phone prefix search (20 results) p50", search.percentile(50), "ms");
  row("search", "name/pinyin/phone prefix search (20 results) p99", search.percentile(99), "ms", 2);

  // Middle digits of a phone, part of a booking code, Latin spellings of other scripts.
  const char* const partQueries[] = {"0013", "5678", "80013",   "99999",    "00042",    "0042",
                                     "kim",  "olga", "ivanova", "mohammed", "muhammad", "yuko",
                                     "sato", "taro", "minjun",  "fatima"};
  Samples parts;
  for (int round = 0; round < 200; ++round) {
    for (const char* q : partQueries) {
      parts.time([&] { (void)store->searchGuests(kEvent, q, 20); });
    }
  }
  row("search", "middle digits / code part / other scripts (20 results) p50", parts.percentile(50),
      "ms");
  row("search", "middle digits / code part / other scripts (20 results) p99", parts.percentile(99),
      "ms", 2);

  // A name with digits: guests that have both.
  const char* const bothQueries[] = {"wang 5678", "王芳 1234", "zhang 88", "li 0013", "garcia 4321",
                                     "smith 12",  "张 99",     "w 1",      "ouyang 5"};
  Samples both;
  for (int round = 0; round < 200; ++round) {
    for (const char* q : bothQueries) {
      both.time([&] { (void)store->searchGuests(kEvent, q, 20); });
    }
  }
  row("search", "name + digits search (20 results) p50", both.percentile(50), "ms");
  row("search", "name + digits search (20 results) p99", both.percentile(99), "ms", 5);

  // A guest without the code: a name and the last four digits of the phone.
  const std::pair<const char*, const char*> tailQueries[] = {{"王伟", "3793"},
                                                             {"wangwei", "1700"},
                                                             {"maria garcia", "5897"},
                                                             {"g", "2050"},
                                                             {"zhang", "1234"}};
  Samples tail;
  for (int round = 0; round < 200; ++round) {
    for (const auto& [name, digits] : tailQueries) {
      tail.time([&] { (void)store->findByNameAndPhoneTail(kEvent, name, digits, 2); });
    }
  }
  row("search", "name + phone tail look-up p50", tail.percentile(50), "ms");
  row("search", "name + phone tail look-up p99", tail.percentile(99), "ms", 2);

  store.reset();
  std::filesystem::remove_all(dir);
  return 0;
}
