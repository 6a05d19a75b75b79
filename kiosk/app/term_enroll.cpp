// kiosk enroll: enrolls the terminal at central with a one-time code
// (kiosk-central enroll-code) and stores the device token and the event in the terminal
// database. Exit status: 0 enrolled, 2 configuration or database problem, 3 damaged
// database, 4 central unreachable or busy (try again), 5 central refused the code.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "kiosk/app/sync_wiring.h"
#include "kiosk/app/term_commands.h"
#include "kiosk/config/config.h"
#include "offline-cache/local_store.h"

namespace kiosk::app {

namespace {

struct Options {
  std::string config = "/etc/kiosk/kiosk.toml";
  std::string code;
};

[[noreturn]] void fail(const std::string& context, const Error& error, int status) {
  std::cerr << "kiosk enroll: " << context << ": " << error.message << "\n";
  throw TermExit{status};
}

void enroll(const Options& o) {
  auto config = loadConfig(o.config);
  if (!config) {
    fail("configuration", config.error(), 2);
  }
  auto options = syncOptionsFrom(*config);
  if (!options) {
    fail("configuration",
         makeError(ErrorKind::kInvalidInput,
                   o.config + " has no [server] table; a standalone terminal is not enrolled"),
         2);
  }
  auto store = cache::LocalStore::open(config->terminal.database);
  if (!store) {
    fail("database", store.error(), store.error().kind == ErrorKind::kCorrupt ? 3 : 2);
  }
  auto enrolled = cache::enrollTerminal(**store, options->http, o.code, KIOSK_VERSION);
  if (!enrolled) {
    const auto kind = enrolled.error().kind;
    fail("enrolling at " + options->http.baseUrl, enrolled.error(),
         kind == ErrorKind::kTransient      ? 4
         : kind == ErrorKind::kUnauthorized ? 5
                                            : 2);
  }
  if (enrolled->terminal != config->terminal.name) {
    std::cerr << "kiosk enroll: note: central calls this terminal '" << enrolled->terminal
              << "', its configuration says '" << config->terminal.name
              << "'; records carry the configured name\n";
  }
  std::cout << nlohmann::json{{"enrolled", true},
                              {"device_id", enrolled->deviceId},
                              {"terminal", enrolled->terminal},
                              {"event_id", enrolled->event.id},
                              {"event_name", enrolled->event.name},
                              {"token_expires_at", formatIso8601(enrolled->tokenExpiresAt)},
                              {"server", options->http.baseUrl},
                              {"database", config->terminal.database}}
                   .dump()
            << "\n";
}

}  // namespace

void addEnrollCommand(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "enroll",
      "Enroll this terminal at central with a one-time code (kiosk-central enroll-code). Exit "
      "status: 0 enrolled, 2 configuration/database, 4 central unreachable, 5 code refused");
  cmd->add_option("--config", o->config, "Configuration file (TOML) with a [server] table");
  cmd->add_option("--code", o->code, "The enrollment code")->required();
  cmd->callback([o] { enroll(*o); });
}

}  // namespace kiosk::app
