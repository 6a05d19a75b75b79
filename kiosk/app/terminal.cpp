// The terminal with its screen: replaced by the UI wiring (ui/).
#include <iostream>

#include "kiosk/app/terminal.h"

namespace kiosk::app {

int runTerminal(const TerminalOptions&) {
  std::cerr << "kiosk: the terminal's screens are not built yet; the subcommands work\n";
  return 2;
}

}  // namespace kiosk::app
