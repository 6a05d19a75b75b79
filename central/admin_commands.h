// kiosk-central's subcommands: `serve` and the admin commands that work on the central
// database directly (event, guests, codes, enroll-code, devices, checkins, duplicates,
// notices, staff, template, migrate, settings, update). Each adds itself to the CLI11 app and runs
// in its callback; output is one JSON object per line (or a table where that reads better), errors
// go to stderr as "kiosk-central: <context>: <message>".
#pragma once

#include <string>

#include "kiosk/admin/console.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace kiosk::central {

// Thrown by a subcommand to end kiosk-central with this status; caught in main. The shared
// administration commands end the same way.
using CentralExit = admin::CommandExit;

// The --db option every admin command takes: a central database file (that must exist
// unless `mustExist` is false) or a postgresql:// URL.
CLI::Option* dbOption(CLI::App* cmd, std::string& db, bool mustExist = true);

void addServeCommand(CLI::App& app);
void addEventCommands(CLI::App& app);
void addGuestCommands(CLI::App& app);
void addCodeCommands(CLI::App& app);
void addDeviceCommands(CLI::App& app);       // enroll-code, devices, checkins, duplicates, notices
void addStaffCommands(CLI::App& app);        // staff add|list, template set
void addConsoleUserCommands(CLI::App& app);  // console-user add|list|disable (console/)
void addMigrateCommand(CLI::App& app);       // migrate --from FILE --to postgresql://...
void addSettingsCommands(CLI::App& app);     // settings set|show (terminal settings)
void addUpdateCommands(CLI::App& app);       // update set|show (OS updates for terminals)

}  // namespace kiosk::central
