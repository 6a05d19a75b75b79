// The console and a real terminal: `kiosk --script` under Xvfb, enrolled to an in-process
// kiosk-central over HTTPS on loopback, syncing with its default timing. A room changed in
// the console shows in the terminal's staff screens; check-ins made at the terminal appear on
// the arrivals board open in a real browser. Skip with a message without xvfb-run (or,
// for the browser, Chromium and the npm packages).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "console/console_browser_support.h"
#include "console/console_test_support.h"
#include "kiosk/core/secret_hash.h"
#include "support/run_command.h"

namespace kiosk::central::console {
namespace {

namespace fs = std::filesystem;
using kiosk::testing::CentralFixture;
using kiosk::testing::ConsoleClient;
using kiosk::testing::Pki;
using kiosk::testing::TempDir;
using nlohmann::json;

std::string framesTexts(const std::string& path) {
  if (!fs::exists(path)) {
    ADD_FAILURE() << "no frame record " << path;
    return {};
  }
  std::ifstream in(path);
  const auto record = json::parse(in);
  std::string out;
  for (const auto& t : record["texts"]) {
    out += t["text"].get<std::string>() + "\n";
  }
  return out;
}

struct Terminal {
  std::string database;
  std::string config;  // empty when enrolling failed
};

// lobby-1, enrolled and with the roster as `kiosk enroll` and its first sync leave it, and
// its kiosk.toml: synthetic camera, portrait window, default sync timing. `extra` is more
// TOML.
Terminal enrolledTerminal(const fs::path& dir, CentralFixture& central, const Pki& pki,
                          const std::string& extra = {}) {
  Terminal t;
  {
    kiosk::testing::TestTerminal enrolled(dir, "lobby-1", central.url(), pki);
    enrolled.enrollOrFail(central);
    if (!enrolled.engine().runOnce()) {
      ADD_FAILURE() << "the first sync failed";
      return t;
    }
    t.database = enrolled.options.databasePath;
  }
  t.config = (dir / "kiosk.toml").string();
  std::ofstream(t.config) << "[terminal]\nname = \"lobby-1\"\ndatabase = \"" << t.database
                          << "\"\ndata_dir = \"" << dir.string()
                          << "\"\nlanguages = [\"zh-CN\", \"en\"]\n\n[server]\nurl = \""
                          << central.url() << "\"\nca_file = \"" << pki.caFile
                          << "\"\n\n[camera]\ndevice = \"synthetic\"\n\n[ui]\nfullscreen = "
                             "false\nwidth = 1080\nheight = 1920\nsounds = false\n"
                          << extra;
  return t;
}

// The real terminal under Xvfb running `script`; each line it prints goes to `onLine`.
kiosk::testing::CommandResult runTerminal(const Terminal& t, const fs::path& script,
                                          const fs::path& shots,
                                          const std::function<void(const std::string&)>& onLine) {
  std::vector<std::string> argv{"xvfb-run", "-a", "-s", "-screen 0 1920x1920x24"};
#ifdef KIOSK_TERMINAL_PRELOAD
  argv.insert(argv.end(), {"env", std::string("LD_PRELOAD=") + KIOSK_TERMINAL_PRELOAD});
#endif
  argv.insert(argv.end(), {std::string(KIOSK_BINARY_DIR) + "/kiosk", "--config", t.config,
                           "--script", script.string(), "--screenshots", shots.string()});
  return kiosk::testing::runCommand(argv, fs::path(t.config).parent_path(), onLine);
}

bool haveXvfb() {
  return std::system("command -v xvfb-run > /dev/null 2>&1") == 0;
}

TEST(ConsoleTerminalE2E, ARoomChangedInTheConsoleShowsOnARealTerminal) {
  if (!haveXvfb()) {
    GTEST_SKIP() << "xvfb-run is not installed (Debian package xvfb): the terminal cannot open "
                    "its window here";
  }
  TempDir pkiDir;
  const Pki pki = kiosk::testing::makePki(pkiDir.path());
  TempDir dir;
  CentralFixture central(dir.path(), pki, 20);
  Guest zhang;
  zhang.bookingCode = "ZW-2026";
  zhang.name = "张伟";
  zhang.phone = "+86 138 0013 5678";
  zhang.lodging.hotel = "Lakeside";
  zhang.lodging.room = "1208";
  auto saved = central.open()->upsertGuests(central.event().id, {zhang}, SystemClock().now());
  ASSERT_TRUE(saved);
  const auto guestId = saved->at(0).id;
  auto pin = hashSecret("2468");
  ASSERT_TRUE(pin);
  ASSERT_TRUE(central.open()->saveStaff(
      StaffMember{"s1", "陈静 Chen Jing", "reception", *pin, "", true, ""}, SystemClock().now(),
      central.event().id));
  central.start();
  kiosk::testing::addAccount(central, "desk", Role::kReception, central.event().id);
  const auto terminal = enrolledTerminal(dir.path(), central, pki);
  ASSERT_FALSE(terminal.config.empty());
  const auto& database = terminal.database;
  // The staff edit screen, its room field chosen, shows the room.
  const std::string openGuest =
      "tap-if key.clear\ntype 5678\nsleep 1000\ntap staff.result.0\nwait-for staff_guest\n"
      "sleep 300\ntap staff.guest.edit\nwait-for staff_edit_guest\ntap staff.edit.field.1\n"
      "sleep 300\n";
  const auto script = dir.path() / "run.script";
  std::ofstream(script) << "wait-for attract 30\ntap attract.staff\nwait-for staff_unlock\n"
                           "type 2468\ntap staff.unlock.submit\nwait-for staff_home\n"
                        << openGuest << "screenshot before\necho at-guest\nwait-file synced 30\n"
                        << "tap staff.edit.back\nwait-for staff_guest\ntap staff.nav.home\n"
                           "wait-for staff_home\n"
                        << openGuest << "screenshot after\n";
  const auto shots = fs::path(KIOSK_BINARY_DIR) / "tests" / "ui-screenshots" /
                     "ConsoleTerminalE2E.ARoomChangedInTheConsoleShowsOnARealTerminal";
  fs::remove_all(shots);
  fs::create_directories(shots);

  std::atomic<std::int64_t> savedAtMs{0};
  std::atomic<std::int64_t> seenAtMs{0};
  std::string failure;
  auto onLine = [&](const std::string& line) {
    if (line.empty() || line.front() != '{' || json::parse(line).value("text", "") != "at-guest") {
      return;
    }
    ConsoleClient desk(central.port(), pki.caFile);
    if (auto r = desk.login("desk"); !r || r->status != 303) {
      failure = "console login";
      return;
    }
    const auto q = "?event=" + std::to_string(central.event().id);
    auto page = desk.get("/console/guests/view" + q + "&id=" + std::to_string(guestId));
    auto r = desk.post("/console/guests/edit" + q, {{"csrf", ConsoleClient::csrfOf(page->body)},
                                                    {"id", std::to_string(guestId)},
                                                    {"field", "lodging.room"},
                                                    {"value", "2201"}});
    if (!r || r->status != 303) {
      failure = "the room change was not saved";
      return;
    }
    savedAtMs = toUnixMillis(SystemClock().now());  // just after central committed it
    // The terminal's own database, read on a connection of this thread.
    auto store = cache::LocalStore::open(database);
    if (!store) {
      failure = store.error().message;
      return;
    }
    kiosk::testing::waitFor(
        [&] {
          auto g = (*store)->findGuest(central.event().id, guestId);
          return g && *g && (**g).lodging.room == "2201";
        },
        std::chrono::seconds(15));
    seenAtMs = toUnixMillis(SystemClock().now());
    std::ofstream((dir.path() / "synced").string()) << "go\n";
  };
  const auto result = runTerminal(terminal, script, shots, onLine);
  ASSERT_EQ(result.status, 0) << result.err << "\n" << result.out;
  EXPECT_TRUE(failure.empty()) << failure;
  ASSERT_NE(savedAtMs.load(), 0);
  const auto before = framesTexts((shots / "before.json").string());
  const auto after = framesTexts((shots / "after.json").string());
  EXPECT_NE(before.find("1208"), std::string::npos) << before;
  EXPECT_NE(after.find("2201"), std::string::npos) << after;
  EXPECT_EQ(after.find("1208"), std::string::npos) << after;
  const auto pollMs = cache::SyncOptions{}.pollInterval.count();
  std::cout << "room change saved in the console -> in the real terminal's roster: "
            << (seenAtMs - savedAtMs) << " ms (poll interval " << pollMs
            << " ms); screenshots: " << shots.string() << "\n";
  // A figure, not a limit (the wait above bounds it): the terminal pulls one poll interval
  // after its previous pull ended, so a change waits up to that interval plus the pull.
}

// The arrivals board open in a real browser while a real terminal checks three guests in
// (their invitation codes shown to its camera, the journey tapped through): each appears on
// the board without a reload. Timed from the terminal's commit (its "checkin" line) to the
// row in the page; the figures are printed, and the 2 s goal is the live test's
// (ConsoleBrowserTest.ArrivalsLive...), which times twenty check-ins.
TEST(ConsoleTerminalE2E, CheckInsAtARealTerminalAppearOnTheOpenArrivalsBoard) {
  if (!haveXvfb()) {
    GTEST_SKIP() << "xvfb-run is not installed (Debian package xvfb)";
  }
  if (const auto why = kiosk::testing::missingBrowserTools(); !why.empty()) {
    GTEST_SKIP() << why;
  }
  TempDir pkiDir;
  const Pki pki = kiosk::testing::makePki(pkiDir.path());
  TempDir dir;
  CentralFixture central(dir.path(), pki, 10);
  central.start();
  kiosk::testing::addAccount(central, "desk", Role::kReception, central.event().id);
  const auto terminal = enrolledTerminal(dir.path(), central, pki, "\n[photo]\nenabled = false\n");
  ASSERT_FALSE(terminal.config.empty());

  std::vector<GuestId> guests;
  std::string script = "wait-for attract 60\nwait-file board 120\n";
  for (std::size_t i = 0; i < 3; ++i) {
    const auto id = central.guests()[i].id;
    guests.push_back(id);
    script += "present " + central.tokenFor(id) +
              "\nwait-for confirm_identity 30\nclear-camera\ntap identity.yes\n"
              "wait-for confirm_needs 30\ntap needs.confirm\nwait-for info 60\ntap info.done\n"
              "wait-for done\ntap done.finish\nwait-for attract\n";
  }
  script += "wait-file seen 120\n";
  const auto scriptFile = dir.path() / "checkins.script";
  std::ofstream(scriptFile) << script;
  const auto shots = fs::path(KIOSK_BINARY_DIR) / "tests" / "ui-screenshots" /
                     "ConsoleTerminalE2E.CheckInsAtARealTerminalAppearOnTheOpenArrivalsBoard";
  fs::remove_all(shots);
  fs::create_directories(shots);

  std::mutex mutex;
  std::map<GuestId, std::int64_t> committedAt;  // unix ms, when the terminal said so
  std::map<GuestId, std::int64_t> seenAt;       // unix ms, when the page had the row
  kiosk::testing::CommandResult kioskResult;
  std::thread kiosk([&] {
    kioskResult = runTerminal(terminal, scriptFile, shots, [&](const std::string& line) {
      if (line.empty() || line.front() != '{') {
        return;
      }
      const auto j = json::parse(line, nullptr, false);
      if (!j.is_discarded() && j.value("event", "") == "checkin") {
        std::lock_guard lock(mutex);
        committedAt[j.at("guest_id").get<GuestId>()] = toUnixMillis(SystemClock().now());
      }
    });
  });
  json setup{{"url", central.url()},
             {"spki", pki.pin.substr(pki.pin.find("//") + 2)},
             {"chromium", kiosk::testing::chromium()},
             {"account", "desk"},
             {"password", std::string(kiosk::testing::kPassword)},
             {"guests", guests},
             {"out", shots.string()},
             {"profile", (dir.path() / "chromium-profile").string()}};
  const auto setupFile = dir.path() / "setup.json";
  std::ofstream(setupFile) << setup.dump();
  const auto browser = kiosk::testing::runCommand(
      {"node", (kiosk::testing::kConsoleToolDir / "console_arrivals_terminal_browser.mjs").string(),
       setupFile.string()},
      dir.path(), [&](const std::string& line) {
        if (line == "BOARD") {
          std::ofstream((dir.path() / "board").string()) << "open\n";
        } else if (line.rfind("SEEN ", 0) == 0) {
          std::istringstream in(line.substr(5));
          GuestId id = 0;
          std::int64_t ms = 0;
          in >> id >> ms;
          std::lock_guard lock(mutex);
          seenAt[id] = ms;
        }
      });
  // The terminal's script ends once the browser is done, whatever it saw.
  std::ofstream((dir.path() / "board").string()) << "open\n";
  std::ofstream((dir.path() / "seen").string()) << "done\n";
  kiosk.join();
  ASSERT_EQ(kioskResult.status, 0) << kioskResult.err << "\n" << kioskResult.out;
  ASSERT_EQ(browser.status, 0) << browser.out << "\n" << browser.err;
  std::vector<std::int64_t> latencies;
  for (const auto id : guests) {
    ASSERT_TRUE(committedAt.count(id) == 1 && seenAt.count(id) == 1) << "guest " << id;
    latencies.push_back(seenAt[id] - committedAt[id]);
  }
  std::sort(latencies.begin(), latencies.end());
  std::cout << "check-in committed at the real terminal -> on the open arrivals board:";
  for (const auto ms : latencies) {
    std::cout << " " << ms << " ms";
  }
  std::cout << " (the board polls every 1 s; screenshot in " << shots.string() << ")\n";
}

}  // namespace
}  // namespace kiosk::central::console
