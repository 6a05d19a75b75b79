// kioskctl: administration of a local event database (standalone sites) and device
// utilities. The composition root of the admin tool.
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "kiosk/app/ctl_commands.h"

int main(int argc, char** argv) {
  // What kioskctl writes holds guests' personal data or admission codes (databases, code
  // sheets, invitations, reports, staff badges): its owner's only, whatever the umask.
  ::umask(077);
  CLI::App app{"kioskctl - lobby check-in kiosk administration"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "kioskctl " KIOSK_VERSION);
  kiosk::app::addEventCommands(app);
  kiosk::app::addGuestCommands(app);
  kiosk::app::addCodeCommands(app);
  kiosk::app::addCheckinCommand(app);
  kiosk::app::addReportCommand(app);
  kiosk::app::addDecodeCommand(app);
  kiosk::app::addBadgeCommand(app);
  kiosk::app::addStaffCommands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every argument error exits 2 (CLI11's own codes vary
    // with the kind of mistake).
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const kiosk::app::CtlExit& e) {
    return e.status;
  }
  return 0;
}
