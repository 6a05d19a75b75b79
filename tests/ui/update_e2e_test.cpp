// OS updates end to end: a real kiosk-central (in-process, HTTPS on loopback) offers a bundle
// (`kiosk-central update set`) that a web server on loopback serves, and the real terminal
// (`kiosk --script` under Xvfb, enrolled with `kiosk enroll`) gets the offer in its
// heartbeat, downloads and checks the bundle while staff are in their session, installs it
// only once the terminal is back on the idle attract screen, and reboots when staff press
// "Restart to update" on the Devices page. Central lists what the terminal runs and where its
// update stands.
//
// `rauc` and a reboot cannot run outside the image (the qemu boot test runs the real ones):
// the installer and the reboot command are small scripts that record their arguments, and
// the installer the SHA-256 of the bundle it was given.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "kiosk/core/encoding.h"
#include "support/run_command.h"
#include "sync/bundle_server.h"
#include "sync/sync_test_support.h"

namespace {

namespace fs = std::filesystem;
using kiosk::testing::BundleServer;
using kiosk::testing::CentralFixture;
using kiosk::testing::Pki;
using kiosk::testing::runCommand;
using kiosk::testing::TempDir;
using nlohmann::json;

const std::string kKiosk = std::string(KIOSK_BINARY_DIR) + "/kiosk";
const std::string kCentral = std::string(KIOSK_BINARY_DIR) + "/kiosk-central";

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// "HH:MM" of the local time `hours` from now.
std::string localTimeIn(int hours) {
  const std::time_t t = std::time(nullptr) + hours * 3600;
  std::tm local{};
  localtime_r(&t, &local);
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", local.tm_hour, local.tm_min);
  return buf;
}

class UpdateE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v xvfb-run >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "xvfb-run is not installed (Debian package xvfb)";
    }
    pki_ = kiosk::testing::makePki(pkiDir_.path());
    central_ = std::make_unique<CentralFixture>(dir_.path(), pki_, 10, 0, centralDb_);
    central_->start();
    std::ofstream(dir_.file("os-release")) << "ID=debian\nIMAGE_ID=kiosk\nIMAGE_VERSION=41\n";
    std::ofstream(dir_.file("installer"))
        << "#!/bin/sh\necho \"$@\" >> '" << dir_.file("installed") << "'\nsha256sum \"$2\" | "
        << "cut -c1-64 >> '" << dir_.file("installed") << "'\nsleep 1\n"
        << "echo 'installing slot B: done'\n";
    std::ofstream(dir_.file("reboot"))
        << "#!/bin/sh\necho \"$@\" >> '" << dir_.file("rebooted") << "'\n";
    fs::permissions(dir_.file("installer"), fs::perms::owner_all);
    fs::permissions(dir_.file("reboot"), fs::perms::owner_all);
    // A reboot window hours away: only staff make this terminal reboot.
    std::ofstream(dir_.file("kiosk.toml"))
        << "[terminal]\nname = \"lobby-1\"\ndatabase = \"" << dir_.file("kiosk.db")
        << "\"\ndata_dir = \"" << dir_.path().string()
        << "\"\nlanguages = [\"en\", \"zh-CN\"]\n\n[server]\nurl = \"" << central_->url()
        << "\"\nca_file = \"" << pki_.caFile
        << "\"\npoll_interval_s = 1\nheartbeat_interval_s = 5\nretry_max_s = 2\n\n"
        << "[camera]\ndevice = \"synthetic\"\n\n[ui]\nfullscreen = false\nwidth = 1080\n"
        << "height = 1920\nsounds = false\n\n[update]\nos_release = \"" << dir_.file("os-release")
        << "\"\ninstaller = \"" << dir_.file("installer") << " install\"\nreboot = \""
        << dir_.file("reboot") << " now\"\nreboot_window = \"" << localTimeIn(3) << "-"
        << localTimeIn(4) << "\"\n";
    centralCommand({"staff", "add", "--db", centralDb_, "--id", "s1", "--name", "Chen Jing",
                    "--pin", "2468", "--language", "en"});
    const auto code = centralCommand({"enroll-code", "--db", centralDb_, "--terminal", "lobby-1"});
    const auto enrolled = runCommand({kKiosk, "enroll", "--config", dir_.file("kiosk.toml"),
                                      "--code", json::parse(code).at("code").get<std::string>()},
                                     dir_.path());
    ASSERT_EQ(enrolled.status, 0) << enrolled.err;
  }

  std::string centralCommand(std::vector<std::string> args) {
    args.insert(args.begin(), kCentral);
    const auto r = runCommand(args, dir_.path());
    EXPECT_EQ(r.status, 0) << args[1] << ": " << r.err;
    return r.out;
  }

  struct KioskRun {
    int status = -1;
    std::vector<json> lines;
    std::string err;
    // The index of the first line with this event (and state), or -1.
    int indexOf(const std::string& event, const std::string& state = {}) const {
      for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].value("event", "") == event &&
            (state.empty() || lines[i].value("state", "") == state)) {
          return static_cast<int>(i);
        }
      }
      return -1;
    }
    std::string dump() const {
      std::string out;
      for (const auto& l : lines) {
        out += l.dump() + "\n";
      }
      return out + err;
    }
  };

  // `onLine` sees each line the terminal prints, as it prints it.
  KioskRun run(const std::string& script,
               const std::function<void(const std::string&)>& onLine = {}) {
    std::ofstream(dir_.file("run.script")) << script;
    std::vector<std::string> argv{
        "xvfb-run", "-a", "-e", dir_.file("xvfb.log"), "-s", "-screen 0 1920x1920x24"};
#ifdef KIOSK_TERMINAL_PRELOAD
    argv.insert(argv.end(), {"env", std::string("LD_PRELOAD=") + KIOSK_TERMINAL_PRELOAD});
#endif
    argv.insert(argv.end(), {kKiosk, "--config", dir_.file("kiosk.toml"), "--script",
                             dir_.file("run.script"), "--screenshots", dir_.path().string()});
    auto result = runCommand(argv, dir_.path(), onLine);
    if (result.status != 0 && result.out.empty()) {
      result = runCommand(argv, dir_.path(), onLine);  // xvfb-run -a raced for a display number
    }
    KioskRun r;
    r.status = result.status;
    r.err = result.err;
    for (const auto& line : result.lines()) {
      if (!line.empty() && line.front() == '{') {
        r.lines.push_back(json::parse(line));
      }
    }
    return r;
  }

  json health() {
    auto devices = central_->open()->devices().list();
    EXPECT_TRUE(devices && devices->size() == 1u);
    return devices && !devices->empty() ? json::parse(devices->front().health) : json{};
  }

  TempDir pkiDir_;
  Pki pki_;
  TempDir dir_;
  std::string centralDb_ = dir_.file("central.db");
  std::unique_ptr<CentralFixture> central_;
};

TEST_F(UpdateE2E, DownloadedDuringAStaffSessionInstalledOnTheIdleAttractScreenRebootedByStaff) {
  std::string bundle(256 * 1024, '\0');
  for (std::size_t i = 0; i < bundle.size(); ++i) {
    bundle[i] = static_cast<char>((i * 7919) >> 3);
  }
  BundleServer server(pki_, bundle);
  // IT offers the bundle once staff are on the Devices page (the script's screenshot says
  // when): it comes with the next heartbeat (every 5 s) and is downloaded while they are
  // there, and nothing is installed until they lock the terminal again.
  const auto offer = [&](const std::string& line) {
    if (line.find("devices_open.png") != std::string::npos) {
      centralCommand({"update", "set", "--db", centralDb_, "--url", server.url(), "--version", "42",
                      "--sha256", kiosk::sha256Hex(bundle), "--size", std::to_string(bundle.size()),
                      "--by", "it-desk"});
    }
  };
  const std::string unlock =
      "tap attract.staff\nwait-for staff_unlock\ntype 2468\ntap staff.unlock.submit\n"
      "wait-for staff_home\ntap staff.nav.devices\nwait-for staff_devices\n";
  const auto r =
      run("wait-for attract\nsleep 3000\n" + unlock +
              "screenshot devices_open\nsleep 14000\nscreenshot devices_ready\n" +
              // Locked again: the attract screen is idle, and the installer runs.
              "tap staff.nav.lock\nwait-for attract\nwait-file " + dir_.file("installed") +
              "\nsleep 8000\n" +
              // Staff restart it to the update.
              unlock + "sleep 500\nscreenshot devices_installed\ntap devices.restart_to_update\n" +
              "wait-file " + dir_.file("rebooted") + "\nsleep 500\n",
          offer);
  ASSERT_EQ(r.status, 0) << r.dump();

  const int ready = r.indexOf("update_ready");
  const int installing = r.indexOf("update_installing");
  // The attract screen the lock led back to: the last one before the installer started.
  int locked = -1;
  for (int i = 0; i < installing; ++i) {
    const auto& l = r.lines[static_cast<std::size_t>(i)];
    if (l.value("event", "") == "state" && l.value("state", "") == "attract") {
      locked = i;
    }
  }
  ASSERT_GE(ready, 0) << r.dump();
  ASSERT_GE(installing, 0) << r.dump();
  // Downloaded during the staff session; installed only after it, on the attract screen.
  EXPECT_GT(locked, ready) << r.dump();
  EXPECT_GT(installing, locked) << r.dump();
  EXPECT_EQ(readFile(dir_.file("installed")),
            "install " + (fs::path(dir_.path()) / "update" / "kiosk.raucb").string() + "\n" +
                kiosk::sha256Hex(bundle) + "\n");
  const auto installed = r.lines.at(static_cast<std::size_t>(r.indexOf("update_installed")));
  EXPECT_EQ(installed["version"], "42");
  EXPECT_EQ(installed["installer_output"], "installing slot B: done");
  // Rebooted by staff, not by the window.
  ASSERT_GE(r.indexOf("restart_to_update"), 0) << r.dump();
  const auto reboot = r.lines.at(static_cast<std::size_t>(r.indexOf("update_reboot")));
  EXPECT_EQ(reboot["by"], "staff");
  EXPECT_EQ(readFile(dir_.file("rebooted")), "now\n");

  // Central knows what the terminal runs and that the update waits for its reboot.
  const auto h = health();
  EXPECT_EQ(h["os_version"], "41") << h.dump();
  EXPECT_EQ(h["update"]["state"], "installed") << h.dump();
  EXPECT_EQ(h["update"]["version"], "42") << h.dump();
  const auto listed = centralCommand({"devices", "--db", centralDb_});
  EXPECT_NE(listed.find("os 41  update installed 42: waiting for the reboot"), std::string::npos)
      << listed;
  const auto offers = centralCommand({"update", "show", "--db", centralDb_});
  EXPECT_EQ(json::parse(offers.substr(0, offers.find('\n')))["created_by"], "it-desk");
}

}  // namespace
