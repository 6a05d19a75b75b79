// kioskctl decode: see ctl_commands.h. Implemented with the devices layer.
#include <CLI/CLI.hpp>
#include <iostream>

#include "kiosk/app/ctl_commands.h"

namespace kiosk::app {

void addDecodeCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("decode", "(not built yet)");
  cmd->callback([] {
    std::cerr << "kioskctl decode: not built yet\n";
    throw CtlExit{2};
  });
}

}  // namespace kiosk::app
