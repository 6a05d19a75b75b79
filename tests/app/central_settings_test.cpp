// Which central settings a start uses, through the real files in a temporary data folder
// (kiosk/config/central_settings.h).
#include "kiosk/config/central_settings.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "support/temp_dir.h"

namespace kiosk::app {
namespace {

namespace fs = std::filesystem;

class CentralSettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(configPath_)
        << "[terminal]\ndata_dir = \"" << dir_.path().string()
        << "\"\nlanguages = [\"zh-CN\", \"en\"]\n[ui]\nidle_timeout_s = 30\n";
  }
  Config start() {
    auto c =
        loadStartConfig(configPath_, [this](const std::string& line) { log_.push_back(line); });
    EXPECT_TRUE(c) << c.error().message;
    return c ? *c : Config{};
  }
  bool offer(std::int64_t version, const std::string& toml, std::int64_t running) {
    auto kept = settings_.offer(SettingsFile{version, toml}, running);
    EXPECT_TRUE(kept) << kept.error().message;
    return kept && *kept;
  }
  bool exists(std::string_view name) const { return fs::exists(settings_.path(name)); }

  testing::TempDir dir_;
  std::string configPath_ = dir_.file("kiosk.toml");
  CentralSettings settings_{dir_.path().string()};
  std::vector<std::string> log_;
};

TEST_F(CentralSettingsTest, ANewVersionIsTriedAtTheNextStartAndKeptOnceTheTerminalIsUp) {
  EXPECT_EQ(start().settings.version, 0) << "no settings yet: the file alone";
  ASSERT_TRUE(offer(1, "[ui]\nidle_timeout_s = 45\n", 0));
  EXPECT_TRUE(settings_.waiting());

  auto c = start();
  EXPECT_EQ(c.settings.version, 1);
  EXPECT_EQ(c.ui.idleTimeoutS, 45);
  EXPECT_TRUE(exists("trying"));
  EXPECT_FALSE(settings_.waiting());
  ASSERT_TRUE(settings_.confirm());
  EXPECT_TRUE(exists("good"));
  EXPECT_FALSE(exists("trying"));

  c = start();
  EXPECT_EQ(c.settings.version, 1) << "the good version again";
  EXPECT_EQ(c.ui.idleTimeoutS, 45);
  EXPECT_FALSE(exists("trying")) << "a good version is not tried again";
}

TEST_F(CentralSettingsTest, AStartThatNeverGotUpFallsBackToTheGoodVersionAndReportsTheFailure) {
  ASSERT_TRUE(offer(1, "[ui]\nidle_timeout_s = 45\n", 0));
  start();
  ASSERT_TRUE(settings_.confirm());
  // Version 2 names a language the terminal has no catalog for: it parses, but the
  // terminal does not start with it (it exits before the attract screen; no confirm).
  ASSERT_TRUE(offer(2, "[terminal]\nlanguages = [\"xx\"]\n[ui]\nidle_timeout_s = 60\n", 1));
  auto broken = start();
  EXPECT_EQ(broken.settings.version, 2);
  EXPECT_EQ(broken.terminal.languages, std::vector<std::string>{"xx"});

  auto c = start();  // systemd starts it again
  EXPECT_EQ(c.settings.version, 1);
  EXPECT_EQ(c.ui.idleTimeoutS, 45);
  EXPECT_EQ(c.settings.failedVersion, 2);
  EXPECT_NE(c.settings.failedReason.find("did not start"), std::string::npos);
  EXPECT_FALSE(exists("trying"));
  EXPECT_FALSE(offer(2, "[terminal]\nlanguages = [\"xx\"]\n", 1))
      << "a version given up on is not taken again";
  EXPECT_EQ(start().settings.failedVersion, 2) << "the failure is remembered over restarts";
  EXPECT_TRUE(offer(3, "[ui]\nidle_timeout_s = 50\n", 1)) << "a newer one is";
}

TEST_F(CentralSettingsTest, AVersionTheTerminalRefusesFailsAtOnce) {
  ASSERT_TRUE(offer(1, "[ui]\nidle_timeout_s = 45\n", 0));
  start();
  ASSERT_TRUE(settings_.confirm());
  // Central checks settings before it stores them; a file changed on the terminal can still
  // make one wrong (here: a key central may not set).
  ASSERT_TRUE(offer(2, "[server]\nurl = \"https://elsewhere.example\"\n", 1));
  auto c = start();
  EXPECT_EQ(c.settings.version, 1);
  EXPECT_EQ(c.settings.failedVersion, 2);
  EXPECT_NE(c.settings.failedReason.find("central may not set this"), std::string::npos)
      << c.settings.failedReason;
  EXPECT_FALSE(exists("trying"));
}

TEST_F(CentralSettingsTest, BrokenFilesAreToldAndTheTerminalStartsWithTheFileAlone) {
  std::ofstream(settings_.path("next")) << "{\"version\": 1, \"settings\": ";  // cut off
  auto c = start();
  EXPECT_EQ(c.settings.version, 0);
  EXPECT_EQ(c.ui.idleTimeoutS, 30);
  ASSERT_FALSE(log_.empty());
  EXPECT_NE(log_.back().find("unreadable"), std::string::npos) << log_.back();
  EXPECT_FALSE(exists("next")) << "a broken file is not read again at every start";
}

TEST_F(CentralSettingsTest, TheRunningVersionIsNotOfferedAgainAndNoTemporaryFileIsLeft) {
  ASSERT_TRUE(offer(1, "[ui]\nvolume = 40\n", 0));
  EXPECT_FALSE(offer(1, "[ui]\nvolume = 40\n", 0)) << "already waiting";
  start();
  EXPECT_FALSE(offer(1, "[ui]\nvolume = 40\n", 1)) << "running";
  for (const auto& e : fs::directory_iterator(dir_.path())) {
    EXPECT_EQ(e.path().extension(), e.path().filename() == "kiosk.toml" ? ".toml" : ".json")
        << e.path();
  }
}

}  // namespace
}  // namespace kiosk::app
