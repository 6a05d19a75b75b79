// UpdateAgent: the terminal's side of OS updates (central/os_update.h). Central offers a
// signed RAUC bundle in a heartbeat's answer; the agent downloads it over HTTPS with the
// sync's TLS trust (central's CA file and pin), resuming an interrupted download, checks its
// size and SHA-256 against the offer, runs the installer between guests (kiosk.toml
// [update] installer, `rauc install`, which checks the bundle's signature), and runs the
// reboot command at a quiet time or when staff ask for it. The boot counting of the image
// keeps the new slot only once the terminal comes up healthy; otherwise the old slot boots
// again, and the agent reports the update as failed.
//
// Files, in DATA_DIR/update (each replaced atomically):
//   offer.json     the offer being worked on
//   bundle.part    the download so far (its size is where a resumed download starts)
//   kiosk.raucb    the bundle once its size and SHA-256 match the offer
//   expected.json  written when the installer succeeded: the version the next boot should
//                  run, the version before and the boot it was installed in
//   failed.json    the last version given up on and why (not taken again when offered)
//   refused.json   the last offer refused (a bundle that did not match it, an installer
//                  that failed) and why: that offer is not downloaded again, and the state
//                  stays "failed" with the reason across restarts until another is taken
//
// A download waits while it would leave less than 64 MiB free on the data partition (the
// check-ins and photos need the room); the state says how much is missing.
//
// At start the agent compares expected.json with the running OS (the os-release file's
// IMAGE_VERSION): the same boot means the reboot is still to come; another boot on the
// expected version means the update worked; another boot on another version means the new
// slot was abandoned: "did not come up healthy; back on VERSION".
//
// Threads: offer() from the sync thread, step() and restartNow() from the UI thread, state()
// from any; a worker thread of its own downloads, checks and runs the installer and the
// reboot command, so the UI never waits for them. Failures never throw: they are the state
// ("failed" with a reason) and log lines.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kiosk/core/time.h"
#include "offline-cache/http_client.h"
#include "offline-cache/sync_protocol.h"

namespace kiosk::app {

struct UpdateAgentOptions {
  std::string dataDir;    // the agent's files go to DATA_DIR/update
  std::string osVersion;  // the OS running (readOsVersion); empty: updates are not taken
  cache::HttpOptions http;
  std::vector<std::string> installer{"rauc", "install"};  // the bundle's path is appended
  std::vector<std::string> reboot{"systemctl", "reboot"};
  std::pair<int, int> rebootWindow{2 * 60, 5 * 60};  // local minutes after midnight
  Millis retryAfter{30000};  // wait after a download that broke off, before resuming it
  Millis stall{30000};       // a download slower than 1 kB/s this long breaks off
  std::string bootIdPath = "/proc/sys/kernel/random/boot_id";
  std::function<void(const std::string&)> log;
  // One JSON object per line for scripted runs and tests ("update_installed", ...).
  std::function<void(const std::string&)> event;
};

// IMAGE_VERSION of an os-release file (os-release(5)); empty when it has none or cannot be
// read: a terminal outside the image knows no OS version.
std::string readOsVersion(const std::string& osReleasePath);

// Splits a configured command at spaces.
std::vector<std::string> splitCommand(std::string_view command);

class UpdateAgent {
 public:
  explicit UpdateAgent(UpdateAgentOptions options);
  // Stops the worker; an installer already running is waited for (it must not be cut off).
  ~UpdateAgent();
  UpdateAgent(const UpdateAgent&) = delete;
  UpdateAgent& operator=(const UpdateAgent&) = delete;

  // Central offers `update` (the sync thread). Ignored when it is the running version, the
  // failed one, the refused one, or while an install or reboot is under way.
  void offer(const cache::api::OsUpdate& update);

  // The UI loop, about once a second. `idle`: the attract screen with no journey and no
  // staff session. `localMinutes`: the local time in minutes after midnight. Starts the
  // installer when a checked bundle waits and the terminal is idle; reboots when installed
  // and either idle within the reboot window or staff asked for it.
  void step(bool idle, int localMinutes);

  // Staff pressed "Restart to update": reboot as soon as the installed update allows.
  void restartNow();

  cache::api::UpdateState state() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::app
