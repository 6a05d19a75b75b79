#include "kiosk/app/systemd_notify.h"

#include <systemd/sd-daemon.h>

#include <string>

namespace kiosk::app {

SystemdNotifier::SystemdNotifier() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    interval_ = std::chrono::microseconds(usec);
  }
}

void SystemdNotifier::ready() {
  sd_notify(0, "READY=1");
}

void SystemdNotifier::status(std::string_view text) {
  const std::string line = "STATUS=" + std::string(text);
  sd_notify(0, line.c_str());
}

void SystemdNotifier::watchdogTick(std::chrono::steady_clock::time_point now) {
  if (!interval_ || now - lastPing_ < *interval_ / 2) {
    return;
  }
  lastPing_ = now;
  sd_notify(0, "WATCHDOG=1");
}

void SystemdNotifier::stopping() {
  sd_notify(0, "STOPPING=1");
}

}  // namespace kiosk::app
