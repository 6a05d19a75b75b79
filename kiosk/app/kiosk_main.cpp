// kiosk: the check-in terminal. The composition root of the terminal.
#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{"kiosk - lobby check-in terminal"};
  app.set_version_flag("--version", "kiosk " KIOSK_VERSION);
  std::string config = "/etc/kiosk/kiosk.toml";
  app.add_option("--config", config, "Configuration file (TOML)");
  CLI11_PARSE(app, argc, argv);
  return 0;
}
