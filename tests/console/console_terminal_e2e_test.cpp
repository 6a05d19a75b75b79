// A room change in the console reaches a real terminal: `kiosk --script` under Xvfb, enrolled
// to an in-process kiosk-central over HTTPS on loopback, syncing with its default interval.
// Staff open the guest on the terminal (the room before), the console changes the room, the
// test waits until the terminal's roster has it (timed from central's commit), and staff open
// the guest again: the window shows the new room. Skips with a message without xvfb-run.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

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

TEST(ConsoleTerminalE2E, ARoomChangedInTheConsoleShowsOnARealTerminal) {
  if (std::system("command -v xvfb-run > /dev/null 2>&1") != 0) {
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
  std::string database;
  {
    // Enrolled and with the roster, as `kiosk enroll` and its first sync leave it.
    kiosk::testing::TestTerminal enrolled(dir.path(), "lobby-1", central.url(), pki);
    enrolled.enrollOrFail(central);
    ASSERT_TRUE(enrolled.engine().runOnce());
    database = enrolled.options.databasePath;
  }
  const auto config = (dir.path() / "kiosk.toml").string();
  std::ofstream(config) << "[terminal]\nname = \"lobby-1\"\ndatabase = \"" << database
                        << "\"\ndata_dir = \"" << dir.path().string()
                        << "\"\nlanguages = [\"zh-CN\", \"en\"]\n\n[server]\nurl = \""
                        << central.url() << "\"\nca_file = \"" << pki.caFile
                        << "\"\n\n[camera]\ndevice = \"synthetic\"\n\n[ui]\nfullscreen = "
                           "false\nwidth = 1080\nheight = 1920\nsounds = false\n";
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
  std::vector<std::string> argv{"xvfb-run", "-a", "-s", "-screen 0 1920x1920x24"};
#ifdef KIOSK_TERMINAL_PRELOAD
  argv.insert(argv.end(), {"env", std::string("LD_PRELOAD=") + KIOSK_TERMINAL_PRELOAD});
#endif
  argv.insert(argv.end(), {std::string(KIOSK_BINARY_DIR) + "/kiosk", "--config", config, "--script",
                           script.string(), "--screenshots", shots.string()});
  const auto result = kiosk::testing::runCommand(argv, dir.path(), onLine);
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

}  // namespace
}  // namespace kiosk::central::console
