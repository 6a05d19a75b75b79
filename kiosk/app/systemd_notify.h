// Talks to systemd when the terminal runs as a Type=notify service: READY=1 once the
// attract screen is up, WATCHDOG=1 from the main loop (so a hung UI thread gets the
// service restarted), STATUS= lines for `systemctl status`. Without systemd (a
// developer's shell) every call does nothing.
//
// Thread rules: any thread; the calls are independent datagrams.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace kiosk::app {

class SystemdNotifier {
 public:
  SystemdNotifier();
  void ready();
  void status(std::string_view text);
  // Sends WATCHDOG=1 when at least half the watchdog interval has passed since the last
  // one; cheap enough to call every frame.
  void watchdogTick(std::chrono::steady_clock::time_point now);
  void stopping();
  std::optional<std::chrono::microseconds> watchdogInterval() const { return interval_; }

 private:
  std::optional<std::chrono::microseconds> interval_;
  std::chrono::steady_clock::time_point lastPing_{};
};

}  // namespace kiosk::app
