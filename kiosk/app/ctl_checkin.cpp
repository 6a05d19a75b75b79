#include <CLI/CLI.hpp>
#include <iostream>

#include "kiosk/app/ctl_commands.h"

namespace kiosk::app {

void addCheckinCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("checkin", "(not built yet)");
  cmd->callback([] {
    std::cerr << "kioskctl checkin: not built yet\n";
    throw CtlExit{2};
  });
}

}  // namespace kiosk::app
