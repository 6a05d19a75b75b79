#include <CLI/CLI.hpp>
#include <iostream>

#include "kiosk/app/ctl_commands.h"

namespace kiosk::app {

void addReportCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "(not built yet)");
  cmd->callback([] {
    std::cerr << "kioskctl report: not built yet\n";
    throw CtlExit{2};
  });
}

}  // namespace kiosk::app
