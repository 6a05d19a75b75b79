#include "kiosk/config/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace kiosk::app {
namespace {

TEST(Config, EmptyFileGivesStandaloneDefaults) {
  auto c = parseConfig("", "kiosk.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->server);
  EXPECT_EQ(c->terminal.languages.front(), "zh-CN");
  EXPECT_EQ(c->ui.idleTimeoutS, 30);
  EXPECT_FALSE(c->privacy.retentionDays) << "each event's own retention period";
}

TEST(Config, PrivacyRetentionDaysOverridesTheEvents) {
  auto c = parseConfig("[privacy]\nretention_days = 7\n", "kiosk.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->privacy.retentionDays, 7);
  auto zero = parseConfig("[privacy]\nretention_days = 0\n", "kiosk.toml");
  ASSERT_TRUE(zero) << zero.error().message;
  EXPECT_EQ(zero->privacy.retentionDays, 0) << "0: purged as soon as the event has ended";
  for (const char* bad : {"[privacy]\nretention_days = -1\n", "[privacy]\nretention_days = \"7\"\n",
                          "[privacy]\nretention_days = 9999\n"}) {
    auto r = parseConfig(bad, "kiosk.toml");
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(
        r.error().message.find("kiosk.toml:2: privacy.retention_days: expected a whole number"),
        std::string::npos)
        << r.error().message;
  }
}

TEST(Config, ReadsEverySection) {
  auto c = parseConfig(R"(
[terminal]
name = "lobby-2"
database = "/var/lib/kiosk/kiosk.db"
data_dir = "/var/lib/kiosk"
languages = ["en", "zh-CN"]
event = 1234

[server]
url = "https://central.example:8443"
ca_file = "/etc/kiosk/ca.pem"
pin_sha256 = "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

[camera]
device = "/dev/video0"
fps = 15

[printer]
name = "badges"
fallback = "badges-2"
badge_size = "62mm"

[ui]
orientation = "portrait"
idle_timeout_s = 45
)",
                       "kiosk.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->terminal.name, "lobby-2");
  EXPECT_EQ(c->terminal.event, 1234u);
  ASSERT_TRUE(c->server);
  EXPECT_EQ(c->server->url, "https://central.example:8443");
  EXPECT_EQ(c->camera.fps, 15);
  EXPECT_EQ(c->printer.fallback, "badges-2");
  EXPECT_EQ(c->ui.idleTimeoutS, 45);
}

TEST(Config, UnknownKeysAndBadValuesNameTheKeyAndLine) {
  const std::pair<const char*, const char*> cases[] = {
      {"[terminal]\nnmae = \"x\"\n", "kiosk.toml:2: terminal.nmae: unknown key"},
      {"[termnial]\n", "kiosk.toml:1: termnial: unknown section"},
      {"[server]\nurl = \"http://plain.example\"\n",
       "kiosk.toml:2: server.url: expected an https:// URL"},
      {"[server]\nca_file = \"/x.pem\"\n", "server.url: required"},
      {"[ui]\nidle_timeout_s = 0\n",
       "kiosk.toml:2: ui.idle_timeout_s: expected a whole number from 5"},
      {"[camera]\n\ndevice = \"webcam\"\n", "kiosk.toml:3: camera.device"},
      {"[printer]\nbadge_size = \"a4\"\n", "'a4' is not one of cr80"},
      {"[ui]\nspeech = \"loud\"\n", "ui.speech: 'loud' is not one of off, on-request, always"},
      {"[ui]\nvolume = 101\n", "ui.volume: expected a whole number from 0 to 100"},
      {"[terminal]\nlanguages = []\n", "terminal.languages: must not be empty"},
      {"[terminal]\ndatabase = \"kiosk.db\"\n", "expected an absolute path"},
      {"[terminal\n", "kiosk.toml:1:"},
  };
  for (const auto& [text, expected] : cases) {
    auto c = parseConfig(text, "kiosk.toml");
    ASSERT_FALSE(c) << text;
    EXPECT_NE(c.error().message.find(expected), std::string::npos) << c.error().message;
  }
}

TEST(Config, UpdateCommandsAndRebootWindow) {
  auto defaults = parseConfig("", "kiosk.toml");
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_EQ(defaults->update.installer, "rauc install");
  EXPECT_EQ(defaults->update.reboot, "systemctl reboot");
  EXPECT_EQ(defaults->update.osRelease, "/usr/lib/os-release");
  EXPECT_EQ(parseTimeWindow(defaults->update.rebootWindow), std::make_pair(120, 300));
  auto c = parseConfig(
      "[update]\nos_release = \"/etc/os-release\"\ninstaller = \"/usr/bin/sudo rauc install\"\n"
      "reboot = \"/sbin/reboot\"\nreboot_window = \"23:30-04:00\"\n",
      "kiosk.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->update.installer, "/usr/bin/sudo rauc install");
  EXPECT_EQ(parseTimeWindow(c->update.rebootWindow), std::make_pair(23 * 60 + 30, 4 * 60))
      << "a window may span midnight";
  const std::pair<const char*, const char*> bad[] = {
      {"[update]\nreboot_window = \"2-5\"\n",
       "kiosk.toml:2: update.reboot_window: expected a local time window"},
      {"[update]\nreboot_window = \"24:00-05:00\"\n", "update.reboot_window"},
      {"[update]\nreboot_window = \"02:00-02:00\"\n", "update.reboot_window"},
      {"[update]\ninstaller = \"  \"\n", "update.installer: expected a command"},
      {"[update]\nos_release = \"os-release\"\n", "update.os_release: expected an absolute path"},
  };
  for (const auto& [text, expected] : bad) {
    auto r = parseConfig(text, "kiosk.toml");
    ASSERT_FALSE(r) << text;
    EXPECT_NE(r.error().message.find(expected), std::string::npos) << r.error().message;
  }
}

// The image's provisioning file, as the image installs it on every boot (its shell helper
// drops the [provisioning] table), is a configuration the terminal starts with.
TEST(Config, TheImagesProvisioningFileIsAValidConfiguration) {
  const std::string command =
      "bash -c '. " KIOSK_SOURCE_DIR
      "/image/rootfs/usr/lib/kiosk-image/toml.sh && "
      "toml_without_section provisioning < " KIOSK_SOURCE_DIR "/image/kiosk.toml'";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string installed;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    installed.append(buffer, n);
  ASSERT_EQ(pclose(pipe), 0) << command;
  ASSERT_EQ(installed.find("\n[provisioning]"), std::string::npos) << installed;
  auto c = parseConfig(installed, "/etc/kiosk/kiosk.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->terminal.name, "lobby-1");
  EXPECT_EQ(c->update.installer, "rauc install");
}

TEST(Config, ServerSyncTimingKeys) {
  auto defaults = parseConfig("[server]\nurl = \"https://central.example\"\n", "kiosk.toml");
  ASSERT_TRUE(defaults) << defaults.error().message;
  ASSERT_TRUE(defaults->server);
  EXPECT_EQ(defaults->server->pollIntervalS, 2);
  EXPECT_EQ(defaults->server->heartbeatIntervalS, 60);
  EXPECT_EQ(defaults->server->retryMaxS, 30);
  EXPECT_EQ(defaults->server->batchSize, 200);

  auto c = parseConfig(R"([server]
url = "https://central.example"
poll_interval_s = 7
heartbeat_interval_s = 30
retry_max_s = 10
batch_size = 50
)",
                       "kiosk.toml");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->server->pollIntervalS, 7);
  EXPECT_EQ(c->server->heartbeatIntervalS, 30);
  EXPECT_EQ(c->server->retryMaxS, 10);
  EXPECT_EQ(c->server->batchSize, 50);

  const std::pair<const char*, const char*> bad[] = {
      {"[server]\nurl = \"https://c.example\"\nbatch_size = 5000\n",
       "kiosk.toml:3: server.batch_size: expected a whole number from 1 to 1000"},
      {"[server]\nurl = \"https://c.example\"\nretry_max_s = 0\n",
       "kiosk.toml:3: server.retry_max_s"},
      {"[server]\nurl = \"https://c.example\"\nheartbeat_interval_s = \"60\"\n",
       "kiosk.toml:3: server.heartbeat_interval_s"},
  };
  for (const auto& [text, expected] : bad) {
    auto r = parseConfig(text, "kiosk.toml");
    ASSERT_FALSE(r) << text;
    EXPECT_NE(r.error().message.find(expected), std::string::npos) << r.error().message;
  }
}

TEST(Config, SpeechAndVolume) {
  auto defaults = parseConfig("", "kiosk.toml");
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_EQ(defaults->ui.speech, "on-request") << "guests may ask for it";
  EXPECT_EQ(defaults->ui.volume, 80);
  auto set = parseConfig("[ui]\nspeech = \"off\"\nvolume = 0\nsounds = false\n", "kiosk.toml");
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->ui.speech, "off");
  EXPECT_EQ(set->ui.volume, 0);
  EXPECT_FALSE(set->ui.sounds);
}

TEST(Config, CentralSettingsLieOverTheFilesValues) {
  constexpr std::string_view file = R"([terminal]
name = "lobby-2"
languages = ["zh-CN", "en"]
[ui]
idle_timeout_s = 30
fullscreen = false
)";
  auto c = parseConfig(file, "kiosk.toml",
                       "[ui]\nidle_timeout_s = 45\n[printer]\nname = \"lobby-zebra\"\n"
                       "[terminal]\nlanguages = [\"en\", \"ja\"]\n",
                       "central settings version 3");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->ui.idleTimeoutS, 45);
  EXPECT_EQ(c->printer.name, "lobby-zebra");
  EXPECT_EQ(c->terminal.languages, (std::vector<std::string>{"en", "ja"}));
  EXPECT_FALSE(c->ui.fullscreen) << "what central does not set stays the file's";
  EXPECT_EQ(c->terminal.name, "lobby-2");
}

TEST(Config, CentralMayNotSetWhereDataLivesHowCentralIsReachedOrTheHardware) {
  for (const char* settings :
       {"[terminal]\ndata_dir = \"/tmp\"\n", "[terminal]\ndatabase = \"/tmp/x.db\"\n",
        "[server]\nurl = \"https://elsewhere.example\"\n", "[camera]\ndevice = \"none\"\n",
        "[ui]\nfullscreen = false\n", "[printer]\nserver = \"evil:631\"\n"}) {
    auto c = parseConfig("", "kiosk.toml", settings, "central settings version 2");
    ASSERT_FALSE(c) << settings;
    EXPECT_NE(c.error().message.find("central settings version 2:2: "), std::string::npos)
        << c.error().message;
    EXPECT_NE(c.error().message.find("central may not set this"), std::string::npos)
        << c.error().message;
    EXPECT_FALSE(checkCentralSettings(settings)) << settings;
  }
}

TEST(Config, ABadCentralValueNamesTheSettingsVersionAndLine) {
  auto c = parseConfig("[ui]\nidle_timeout_s = 30\n", "kiosk.toml", "\n[ui]\nidle_timeout_s = 1\n",
                       "central settings version 4");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("central settings version 4:3: ui.idle_timeout_s: expected a "
                                   "whole number from 5 to 600"),
            std::string::npos)
      << c.error().message;
  EXPECT_FALSE(checkCentralSettings("[ui]\nvolume = 101\n"));
  EXPECT_FALSE(checkCentralSettings("[ui\nvolume = 1\n")) << "not TOML";
  EXPECT_TRUE(checkCentralSettings("[ui]\nvolume = 40\n[privacy]\nretention_days = 7\n"));
}

}  // namespace
}  // namespace kiosk::app
