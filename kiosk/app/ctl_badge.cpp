// kioskctl badge: see ctl_commands.h. Implemented with the devices layer.
#include <CLI/CLI.hpp>
#include <iostream>

#include "kiosk/app/ctl_commands.h"

namespace kiosk::app {

void addBadgeCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("badge", "(not built yet)");
  cmd->callback([] {
    std::cerr << "kioskctl badge: not built yet\n";
    throw CtlExit{2};
  });
}

}  // namespace kiosk::app
