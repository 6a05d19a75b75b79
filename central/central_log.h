// kiosk-central's log: an spdlog logger named "central" that writes to stderr (stdout is
// for the commands' JSON), shared by the server and the webhook notifier. Thread-safe.
#pragma once

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <memory>

namespace kiosk::central {

inline spdlog::logger& centralLog() {
  static const std::shared_ptr<spdlog::logger> logger = [] {
    if (auto existing = spdlog::get("central")) {
      return existing;
    }
    return spdlog::stderr_color_mt("central");
  }();
  return *logger;
}

}  // namespace kiosk::central
