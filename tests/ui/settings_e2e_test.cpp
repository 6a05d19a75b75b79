// Terminal settings from central, end to end: a real kiosk-central (in-process, HTTPS on
// loopback), the IT admin's `kiosk-central settings set`, and the real terminal
// (`kiosk --script` under Xvfb) enrolled with `kiosk enroll`. The terminal takes a new
// version at its next heartbeat, restarts itself on the attract screen to use it, keeps it
// once it is up, and falls back by itself from a version it does not start with, which it
// then reports to central.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/run_command.h"
#include "sync/sync_test_support.h"

namespace {

namespace fs = std::filesystem;
using kiosk::testing::CentralFixture;
using kiosk::testing::Pki;
using kiosk::testing::runCommand;
using kiosk::testing::TempDir;
using nlohmann::json;

const std::string kKiosk = std::string(KIOSK_BINARY_DIR) + "/kiosk";
const std::string kCentral = std::string(KIOSK_BINARY_DIR) + "/kiosk-central";

struct KioskRun {
  int status = -1;
  std::vector<json> lines;
  std::string err;
  std::vector<json> events(const std::string& kind) const {
    std::vector<json> out;
    for (const auto& l : lines) {
      if (l.value("event", "") == kind) {
        out.push_back(l);
      }
    }
    return out;
  }
  std::string dump() const {
    std::string out;
    for (const auto& l : lines) {
      out += l.dump() + "\n";
    }
    return out + err;
  }
};

class SettingsE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v xvfb-run >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "xvfb-run is not installed (Debian package xvfb)";
    }
    pki_ = kiosk::testing::makePki(pkiDir_.path());
    central_ = std::make_unique<CentralFixture>(dir_.path(), pki_, 10, 0, centralDb_);
    central_->start();
    std::ofstream(dir_.file("kiosk.toml"))
        << "[terminal]\nname = \"lobby-1\"\ndatabase = \"" << dir_.file("kiosk.db")
        << "\"\ndata_dir = \"" << dir_.path().string()
        << "\"\nlanguages = [\"zh-CN\", \"en\"]\n\n[server]\nurl = \"" << central_->url()
        << "\"\nca_file = \"" << pki_.caFile
        << "\"\npoll_interval_s = 1\nheartbeat_interval_s = 5\nretry_max_s = 2\n\n"
        << "[camera]\ndevice = \"synthetic\"\n\n[ui]\nfullscreen = false\nwidth = 1080\n"
        << "height = 1920\nsounds = false\n";
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

  // IT sets the event's settings; returns the version central gave them.
  int setSettings(const std::string& toml) {
    std::ofstream(dir_.file("settings.toml")) << toml;
    const auto out = centralCommand({"settings", "set", "--db", centralDb_, "--file",
                                     dir_.file("settings.toml"), "--by", "it-desk"});
    return json::parse(out).at("version").get<int>();
  }

  // The terminal until the script ends or the terminal ends itself.
  KioskRun run(const std::string& script) {
    std::ofstream(dir_.file("run.script")) << script;
    std::vector<std::string> argv{
        "xvfb-run", "-a", "-e", dir_.file("xvfb.log"), "-s", "-screen 0 1920x1920x24"};
#ifdef KIOSK_TERMINAL_PRELOAD
    argv.insert(argv.end(), {"env", std::string("LD_PRELOAD=") + KIOSK_TERMINAL_PRELOAD});
#endif
    argv.insert(argv.end(),
                {kKiosk, "--config", dir_.file("kiosk.toml"), "--script", dir_.file("run.script")});
    auto result = runCommand(argv, dir_.path());
    if (result.status != 0 && result.out.empty() &&
        result.err.find("central settings") == std::string::npos) {
      result = runCommand(argv, dir_.path());  // xvfb-run -a raced for a display number
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

// Long enough for a heartbeat (every 5 s) and its answer; the terminal ends itself before.
constexpr const char* kWaitForSettings = "wait-for attract\nsleep 20000\n";

TEST_F(SettingsE2E, ANewVersionIsTakenOnTheAttractScreenAndABrokenOneRollsBackByItself) {
  ASSERT_EQ(setSettings("[terminal]\nlanguages = [\"en\", \"ja\"]\n[ui]\nidle_timeout_s = 45\n"),
            1);

  // 1. Running without settings, the terminal gets version 1 and restarts for it.
  auto r = run(kWaitForSettings);
  ASSERT_EQ(r.status, 0) << r.dump();
  ASSERT_EQ(r.events("restart").size(), 1u) << r.dump();
  EXPECT_EQ(r.events("restart")[0]["reason"], "central settings");

  // 2. It starts with version 1, reaches central, keeps it, and says so in its heartbeat.
  r = run("wait-for attract\nsleep 7000\nscreenshot attract\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  ASSERT_EQ(r.events("settings_kept").size(), 1u) << r.dump();
  EXPECT_EQ(r.events("settings_kept")[0]["version"], 1);
  // The image's boot check keeps an updated root slot on this event.
  EXPECT_EQ(r.events("healthy").size(), 1u) << r.dump();
  EXPECT_TRUE(r.events("restart").empty()) << "nothing new waits";
  EXPECT_EQ(health()["settings_version"], 1);
  EXPECT_NE(r.err.find("central settings version 1"), std::string::npos) << r.err;

  // 3. Version 2 names a language the terminal has no texts for: central cannot know that,
  //    so it is stored and offered; the terminal takes it and restarts.
  ASSERT_EQ(setSettings("[terminal]\nlanguages = [\"xx\"]\n"), 2);
  r = run(kWaitForSettings);
  ASSERT_EQ(r.status, 0) << r.dump();
  ASSERT_EQ(r.events("restart").size(), 1u) << r.dump();

  // 4. It does not start with version 2 (as a crash would, it never reaches the attract
  //    screen); systemd starts it again.
  r = run("wait-for attract\n");
  EXPECT_NE(r.status, 0) << r.dump();
  EXPECT_TRUE(r.events("ready").empty()) << r.dump();
  EXPECT_TRUE(r.events("healthy").empty()) << r.dump();

  // 5. The next start gives version 2 up, runs version 1 again and reports both.
  r = run("wait-for attract\nsleep 7000\n");
  ASSERT_EQ(r.status, 0) << r.dump();
  EXPECT_NE(r.err.find("central settings version 2 given up"), std::string::npos) << r.err;
  EXPECT_TRUE(r.events("restart").empty()) << "version 2 is not taken again";
  const auto h = health();
  EXPECT_EQ(h["settings_version"], 1) << h.dump();
  EXPECT_EQ(h["settings_failed_version"], 2) << h.dump();
  const auto listed = centralCommand({"devices", "--db", centralDb_});
  EXPECT_NE(listed.find("settings v1 (gave up v2)"), std::string::npos) << listed;
}

}  // namespace
