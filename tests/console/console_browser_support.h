// What the C++ side of every console browser test needs: where the scripts and their
// node_modules are, Debian's Chromium, and why a browser test has to skip here.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace kiosk::testing {

inline const std::filesystem::path kConsoleToolDir = KIOSK_CONSOLE_TEST_DIR;

inline std::string chromium() {
  if (const char* env = std::getenv("KIOSK_CHROMIUM"); env != nullptr && *env != '\0') {
    return env;
  }
  return "/usr/bin/chromium";
}

// Empty when Chromium, node and the npm packages are all here.
inline std::string missingBrowserTools() {
  if (!std::filesystem::exists(chromium())) {
    return "no chromium at " + chromium() + " (apt-get install chromium, or set KIOSK_CHROMIUM)";
  }
  if (std::system("node --version > /dev/null 2>&1") != 0) {
    return "no node (apt-get install nodejs)";
  }
  for (const auto* package : {"puppeteer-core", "axe-core"}) {
    if (!std::filesystem::exists(kConsoleToolDir / "node_modules" / package / "package.json")) {
      return std::string("tests/console/node_modules lacks ") + package +
             " (scripts/install-deps test installs it)";
    }
  }
  return {};
}

}  // namespace kiosk::testing
