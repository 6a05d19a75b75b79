// kiosk-central: the reference central server and its admin commands - the composition
// root of the central side.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>

#include "central/admin_commands.h"

int main(int argc, char** argv) {
  // What kiosk-central writes holds guests' personal data or admission codes (databases,
  // code sheets, invitations, exports): its owner's only, whatever the umask.
  ::umask(077);
  // stdout carries the commands' JSON; logs go to stderr (journald on a server).
  spdlog::set_default_logger(spdlog::stderr_color_mt("kiosk-central"));
  CLI::App app{"kiosk-central - reference central server for lobby check-in terminals"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "kiosk-central " KIOSK_VERSION);
  kiosk::central::addServeCommand(app);
  kiosk::central::addEventCommands(app);
  kiosk::central::addGuestCommands(app);
  kiosk::central::addCodeCommands(app);
  kiosk::central::addDeviceCommands(app);
  kiosk::central::addStaffCommands(app);
  kiosk::central::addSettingsCommands(app);
  kiosk::central::addUpdateCommands(app);
  kiosk::central::addConsoleUserCommands(app);
  kiosk::central::addMigrateCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every argument error exits 2 (CLI11's own codes vary
    // with the kind of mistake).
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const kiosk::central::CentralExit& e) {
    return e.status;
  }
  return 0;
}
