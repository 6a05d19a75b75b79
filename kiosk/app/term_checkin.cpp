// kiosk checkin: a headless check-in with the terminal's configuration, printing the
// same JSON line as `kioskctl checkin`.
#include <CLI/CLI.hpp>
#include <iostream>

#include "kiosk/app/checkin_runner.h"
#include "kiosk/app/decision_json.h"
#include "kiosk/app/term_commands.h"
#include "kiosk/config/config.h"
#include "offline-cache/local_store.h"

namespace kiosk::app {

namespace {

struct Options {
  std::string config = "/etc/kiosk/kiosk.toml";
  std::string code;
  std::string image;
};

[[noreturn]] void fail(const std::string& context, const Error& error) {
  std::cerr << "kiosk checkin: " << context << ": " << error.message << "\n";
  throw TermExit{error.kind == ErrorKind::kCorrupt ? 3 : 2};
}

}  // namespace

void addTermCheckinCommand(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("checkin",
                                 "Check a guest in headless (same JSON line as kioskctl checkin)");
  cmd->add_option("--config", o->config, "Configuration file (TOML)");
  auto* code = cmd->add_option("--code", o->code, "The code's text");
  auto* image = cmd->add_option("--image", o->image, "Image of the QR code");
  code->excludes(image);
  cmd->callback([o] {
    if (o->code.empty() == o->image.empty()) {
      fail("arguments",
           makeError(ErrorKind::kInvalidInput, "give exactly one of --code or --image"));
    }
    auto config = loadConfig(o->config);
    if (!config) {
      fail("configuration", config.error());
    }
    auto store = cache::LocalStore::open(config->terminal.database);
    if (!store) {
      fail("database", store.error());
    }
    auto event = (*store)->resolveEvent(config->terminal.event);
    if (!event) {
      fail("event", event.error());
    }
    SystemClock clock;
    CheckinService service(**store, **store, clock, config->terminal.name, event->id);
    auto decision = o->image.empty() ? checkInText(service, o->code, ScanSource::kCommandLine)
                                     : checkInImage(service, o->image);
    if (!decision) {
      fail("checking in", decision.error());
    }
    std::cout << decisionJson(*decision) << "\n";
    if (!decision->accepted()) {
      throw TermExit{1};
    }
  });
}

}  // namespace kiosk::app
