// The terminal's configuration: /etc/kiosk/kiosk.toml on a terminal, --config anywhere.
//
//   [terminal] name, database, data_dir, languages, event, log_level
//   [server]   url, ca_file, pin_sha256, connect_timeout_s, request_timeout_s,
//              poll_interval_s, heartbeat_interval_s, retry_max_s, batch_size
//                                            (no [server] table = standalone)
//   [camera]   device ("auto", "/dev/video0", "synthetic", "video:FILE", "images:DIR"),
//              width, height, fps, formats
//   [printer]  name (CUPS queue; empty = badges as PDF files in data_dir/badges),
//              fallback, media, server, badge_size (cr80, 4x3, 62mm, a6)
//   [ui]       fullscreen, width, height, orientation (auto, portrait, landscape),
//              idle_timeout_s, hide_cursor, large_text, high_contrast, reach_mode, sounds,
//              speech ("off", "on-request": guests may turn on "read aloud", "always":
//              read aloud from the start), volume (0..100, of sounds and speech; staff
//              change it on the device page, and their setting is kept over this one),
//              screen_diagonal_in (the panel's size: touch targets are kept 15 mm wide),
//              pinyin_data (Rime's shared data: the on-screen keyboard's pinyin)
//   [staff]    lockout_attempts, lockout_minutes
//   [photo]    enabled, upload
//   [privacy]  retention_days (days after an event's end its guests' personal data,
//              photos and badge files stay on the terminal; overrides the event's own)
//   [update]   os_release (the os-release file whose IMAGE_VERSION names the OS running),
//              installer (run with the checked bundle's path appended), reboot (the command
//              that reboots into the new slot), reboot_window (local "HH:MM-HH:MM" in which
//              the terminal reboots by itself on the idle attract screen)
//
// Unknown keys and bad values are errors naming the key and its line: the terminal
// refuses to start rather than guess.
//
// Central settings: IT may set some of these keys for all terminals of an event at once on
// central (`kiosk-central settings set`). They arrive as a TOML text of the same form with
// a version number and lie over the file's values (kiosk/config/central_settings.h decides
// which version a start uses). Only the keys of kCentralSettingKeys may come from central:
// never where the terminal's data lives, how it reaches central, or its hardware.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiosk/core/event.h"
#include "kiosk/core/result.h"

namespace kiosk::app {

struct TerminalConfig {
  std::string name = "kiosk";
  std::string database = "/var/lib/kiosk/kiosk.db";
  std::string dataDir = "/var/lib/kiosk";
  // Every shipped catalog; the first is the default.
  std::vector<std::string> languages{"zh-CN", "en", "ja", "ko", "ru"};
  std::optional<EventId> event;  // when the database holds several
  std::string logLevel = "info";
};

struct ServerConfig {
  std::string url;        // https://...
  std::string caFile;     // PEM bundle to verify the server with; empty = system CAs
  std::string pinSha256;  // optional public-key pin, "sha256//BASE64"
  int connectTimeoutS = 5;
  int requestTimeoutS = 15;
  int pollIntervalS = 2;  // a change made at central is on the terminal within ~3 s
  int heartbeatIntervalS = 60;
  int retryMaxS = 30;   // longest wait between retries while central is unreachable
  int batchSize = 200;  // outbox rows per request
};

struct CameraConfig {
  std::string device = "auto";
  int width = 1280;
  int height = 720;
  int fps = 30;
  std::vector<std::string> formats{"qr"};
};

struct PrinterConfig {
  std::string name;      // CUPS queue; empty = PDF files
  std::string fallback;  // second CUPS queue
  std::string media;     // CUPS media name; empty = the badge size's default
  std::string server;    // CUPS server (host:port or socket); empty = local default
  std::string badgeSize = "cr80";
};

struct UiConfig {
  bool fullscreen = true;
  int width = 1080;
  int height = 1920;
  std::string orientation = "auto";
  int idleTimeoutS = 30;
  bool hideCursor = true;
  bool largeText = false;
  bool highContrast = false;
  bool reachMode = false;
  bool sounds = true;
  std::string speech = "on-request";  // "off", "on-request", "always"
  int volume = 80;
  // The smallest lobby panel at full HD; a larger panel only makes controls bigger.
  double screenDiagonalIn = 21.5;
  std::string pinyinData = "/usr/share/rime-data";
};

struct StaffConfig {
  int lockoutAttempts = 5;
  int lockoutMinutes = 5;
};

struct PhotoConfig {
  bool enabled = true;
  bool upload = false;
};

struct PrivacyConfig {
  // nullopt: each event's own retention_days (30 unless the event says otherwise).
  std::optional<int> retentionDays;
};

// OS updates central offers (kiosk/app/update_agent.h). Commands are split at spaces (no
// quoting); the installer gets the bundle's path as its last argument.
struct UpdateConfig {
  std::string osRelease = "/usr/lib/os-release";
  std::string installer = "rauc install";
  std::string reboot = "systemctl reboot";
  std::string rebootWindow = "02:00-05:00";
};

// The minutes after midnight of a "HH:MM-HH:MM" window (the end may come before the start:
// the window then spans midnight); nullopt when malformed.
std::optional<std::pair<int, int>> parseTimeWindow(std::string_view window);

// "section.key" of what central may set.
inline constexpr std::string_view kCentralSettingKeys[] = {
    "terminal.languages",
    "printer.name",
    "printer.fallback",
    "printer.media",
    "printer.badge_size",
    "ui.idle_timeout_s",
    "ui.sounds",
    "ui.speech",
    "ui.volume",
    "ui.large_text",
    "ui.high_contrast",
    "staff.lockout_attempts",
    "staff.lockout_minutes",
    "photo.enabled",
    "photo.upload",
    "privacy.retention_days",
};

// The central settings a terminal runs with, and the last version it gave up on.
struct SettingsState {
  std::int64_t version = 0;  // 0 = none (the file alone)
  std::int64_t failedVersion = 0;
  std::string failedReason;
};

struct Config {
  std::string path;  // where it was read from
  TerminalConfig terminal;
  std::optional<ServerConfig> server;  // nullopt = standalone
  CameraConfig camera;
  PrinterConfig printer;
  UiConfig ui;
  StaffConfig staff;
  PhotoConfig photo;
  PrivacyConfig privacy;
  UpdateConfig update;
  SettingsState settings;
};

Result<Config> loadConfig(const std::string& path);
// Same rules, from text (tests, fuzzing); `name` is used in messages.
Result<Config> parseConfig(std::string_view text, const std::string& name);

// The file's configuration with central settings (`settings`, named `settingsName` in
// messages) over it. A key central may not set, or a bad value, is an error naming it.
Result<Config> parseConfig(std::string_view text, const std::string& name,
                           std::string_view settings, const std::string& settingsName);
Result<Config> loadConfig(const std::string& path, std::string_view settings,
                          const std::string& settingsName);

// Central's check of settings before it stores them: a TOML text of allowed keys whose
// values the terminal would accept.
Status checkCentralSettings(std::string_view settings);

}  // namespace kiosk::app
