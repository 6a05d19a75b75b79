// kiosk sync: talks to the central server (see docs/api/openapi.yaml).
#include <CLI/CLI.hpp>
#include <iostream>

#include "kiosk/app/term_commands.h"

namespace kiosk::app {

void addSyncCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("sync", "(not built yet)");
  cmd->callback([] {
    std::cerr << "kiosk sync: not built yet\n";
    throw TermExit{2};
  });
}

}  // namespace kiosk::app
