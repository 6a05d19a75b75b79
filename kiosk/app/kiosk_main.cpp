// kiosk: the check-in terminal.
#include <CLI/CLI.hpp>
#include <iostream>

#include "kiosk/app/term_commands.h"
#include "kiosk/app/terminal.h"
#include "kiosk/config/central_settings.h"

int main(int argc, char** argv) {
  CLI::App app{"kiosk - lobby check-in terminal. Without a subcommand, runs the terminal."};
  app.set_version_flag("--version", "kiosk " KIOSK_VERSION);
  std::string configPath = "/etc/kiosk/kiosk.toml";
  kiosk::app::TerminalOptions options;
  app.add_option("--config", configPath, "Configuration file (TOML)");
  app.add_option("--script", options.script,
                 "Drive the terminal with a script of inputs; print state changes as JSON lines");
  app.add_option("--screenshots", options.screenshots, "Folder for the script's screenshots");
  app.add_flag("--demo", options.demo, "Synthetic camera cycles through the demo guests");
  kiosk::app::addTermCheckinCommand(app);
  kiosk::app::addEnrollCommand(app);
  kiosk::app::addSyncCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every argument error exits 2 (CLI11's own codes vary
    // with the kind of mistake).
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const kiosk::app::TermExit& e) {
    return e.status;
  }
  if (!app.get_subcommands().empty()) {
    return 0;
  }
  // The file with the central settings this start uses (kiosk/config/central_settings.h).
  auto config = kiosk::app::loadStartConfig(
      configPath, [](const std::string& line) { std::cerr << "kiosk: " << line << "\n"; });
  if (!config) {
    std::cerr << "kiosk: " << config.error().message << "\n";
    return 2;
  }
  options.config = std::move(*config);
  return kiosk::app::runTerminal(options);
}
