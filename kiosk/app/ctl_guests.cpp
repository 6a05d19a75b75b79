#include <CLI/CLI.hpp>
#include <iostream>

#include "kiosk/app/ctl_commands.h"

namespace kiosk::app {

void addGuestCommands(CLI::App& app) {
  auto* cmd = app.add_subcommand("guests", "(not built yet)");
  cmd->callback([] {
    std::cerr << "kioskctl guests: not built yet\n";
    throw CtlExit{2};
  });
}

}  // namespace kiosk::app
