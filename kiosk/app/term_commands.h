// The `kiosk` executable: with no subcommand it runs the terminal (screen, camera,
// printer, sync); its subcommands are headless tools for scripts, the OS image's first
// boot and the docs. One file each (term_<name>.cpp); each adds itself to the CLI11 app.
#pragma once

namespace CLI {
class App;
}

namespace kiosk::app {

// Thrown by a subcommand to end `kiosk` with this status after printing its message.
struct TermExit {
  int status;
};

void addTermCheckinCommand(CLI::App& app);  // kiosk checkin --config FILE (--code | --image)
void addEnrollCommand(CLI::App& app);       // kiosk enroll --config FILE --code CODE
void addSyncCommand(CLI::App& app);         // kiosk sync --once --config FILE

}  // namespace kiosk::app
