// Builds without the UI (KIOSK_BUILD_UI=OFF, e.g. the sanitizer build) still have the
// headless subcommands; running the terminal says why it cannot.
#include <iostream>

#include "kiosk/app/terminal.h"

namespace kiosk::app {

int runTerminal(const TerminalOptions&) {
  std::cerr
      << "kiosk: this build has no screen (configured with KIOSK_BUILD_UI=OFF); the subcommands "
         "checkin, enroll and sync work\n";
  return 2;
}

}  // namespace kiosk::app
