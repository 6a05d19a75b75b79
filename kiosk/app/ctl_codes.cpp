#include <CLI/CLI.hpp>
#include <iostream>

#include "kiosk/app/ctl_commands.h"

namespace kiosk::app {

void addCodeCommands(CLI::App& app) {
  auto* cmd = app.add_subcommand("codes", "(not built yet)");
  cmd->callback([] {
    std::cerr << "kioskctl codes: not built yet\n";
    throw CtlExit{2};
  });
}

}  // namespace kiosk::app
