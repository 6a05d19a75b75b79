// kiosk-central: the reference central server and its admin commands.
#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{"kiosk-central - reference central server for lobby check-in terminals"};
  CLI11_PARSE(app, argc, argv);
  return 0;
}
