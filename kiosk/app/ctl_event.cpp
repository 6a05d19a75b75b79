#include <CLI/CLI.hpp>
#include <iostream>

#include "kiosk/app/ctl_commands.h"

namespace kiosk::app {

void addEventCommands(CLI::App& app) {
  auto* cmd = app.add_subcommand("event", "(not built yet)");
  cmd->callback([] {
    std::cerr << "kioskctl event: not built yet\n";
    throw CtlExit{2};
  });
}

}  // namespace kiosk::app
