// The terminal itself: the window, the guest journey and staff mode, with camera,
// printer and sync running on their workers. Owns every long-lived object of the
// terminal (the composition root of `kiosk` without a subcommand).
#pragma once

#include <string>

#include "kiosk/config/config.h"

namespace kiosk::app {

struct TerminalOptions {
  Config config;
  std::string script;       // --script FILE: drive the app with scripted inputs
  std::string screenshots;  // folder for scripted screenshots
  bool demo = false;        // --demo: the synthetic camera cycles through the demo guests
};

// Runs until staff quit (or the script ends). Returns the process exit status.
int runTerminal(const TerminalOptions& options);

}  // namespace kiosk::app
