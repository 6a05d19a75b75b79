// kiosk enroll: talks to the central server (see docs/api/openapi.yaml).
#include <CLI/CLI.hpp>
#include <iostream>

#include "kiosk/app/term_commands.h"

namespace kiosk::app {

void addEnrollCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("enroll", "(not built yet)");
  cmd->callback([] {
    std::cerr << "kiosk enroll: not built yet\n";
    throw TermExit{2};
  });
}

}  // namespace kiosk::app
