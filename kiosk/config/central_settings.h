// Which central settings (kiosk/config/config.h) a start of the terminal uses, kept as
// files in the terminal's data folder:
//
//   settings-next.json    received from central, not yet started with
//   settings-trying.json  the running start uses it, and has not yet shown that it works
//   settings-good.json    a start with it reached the attract screen and central
//   settings-failed.json  the last version given up on, and why
//
// Each holds {"version": N, "settings": "<TOML>"} (the failed one {"version", "reason"})
// and is replaced by writing a temporary file, syncing it and renaming it over the old
// one, so a power cut leaves the old file or the new one, never half of one.
//
// At start (startConfig): a trying file left over means the start before never got healthy
// (it crashed, was refused or was cut off): that version has failed, and the good one is
// used. Otherwise a waiting next version becomes the trying one. A version that the
// terminal refuses outright (a bad value) fails at once. So a terminal falls back to the
// last settings it worked with by itself, and reports the failed version in its heartbeat.
//
// Threads: any; the files are the only shared state (one terminal process per data folder).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "kiosk/config/config.h"
#include "kiosk/core/result.h"

namespace kiosk::app {

struct SettingsFile {
  std::int64_t version = 0;
  std::string toml;
};

class CentralSettings {
 public:
  explicit CentralSettings(std::string dataDir);

  // `base` (the file at `configPath`, as loadConfig read it) with the settings this start
  // uses, and Config::settings telling which. Trouble with central's settings is logged
  // through `log` and falls back to the good version, or to the file alone.
  Config startConfig(const std::string& configPath, Config base,
                     const std::function<void(const std::string&)>& log);

  // The running start is healthy: its trying version becomes the good one (nothing to do
  // without one).
  Status confirm();

  // Central offers `settings`: kept as the next version unless it is `running` or the
  // failed one. True when it is kept (a restart will use it).
  Result<bool> offer(const SettingsFile& settings, std::int64_t running);

  // A next version waits for a start.
  bool waiting() const;

  std::string path(std::string_view name) const;  // "next", "trying", "good", "failed"

 private:
  std::string dir_;
};

// loadConfig(configPath), then CentralSettings(its data folder).startConfig. An error only for
// the file itself (IT's own): the terminal does not start without it.
Result<Config> loadStartConfig(const std::string& configPath,
                               const std::function<void(const std::string&)>& log);

}  // namespace kiosk::app
