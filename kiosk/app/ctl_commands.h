// kioskctl subcommands, one file each (ctl_<name>.cpp). Each adds itself to the CLI11
// app and runs inside its callback; the exit status is set through CtlExit.
#pragma once

#include "kiosk/admin/console.h"

namespace CLI {
class App;
}

namespace kiosk::app {

// Thrown by a subcommand to end kioskctl with this status (after printing its own
// message); caught in main. The shared administration commands end the same way.
using CtlExit = admin::CommandExit;

void addEventCommands(CLI::App& app);   // event create|show
void addGuestCommands(CLI::App& app);   // guests import|list|search
void addCodeCommands(CLI::App& app);    // codes issue|revoke
void addCheckinCommand(CLI::App& app);  // checkin
void addReportCommand(CLI::App& app);   // report, feedback
void addDecodeCommand(CLI::App& app);   // decode (devices/camera)
void addBadgeCommand(CLI::App& app);    // badge (devices/printing)
void addStaffCommands(CLI::App& app);   // staff add|list

}  // namespace kiosk::app
