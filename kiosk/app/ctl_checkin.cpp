// kioskctl checkin: the real check-in path from the command line.
#include <CLI/CLI.hpp>
#include <iostream>

#include "kiosk/app/checkin_runner.h"
#include "kiosk/app/ctl_commands.h"
#include "kiosk/app/ctl_support.h"
#include "kiosk/app/decision_json.h"

namespace kiosk::app {

namespace {

struct Options {
  std::string db;
  std::string image;
  std::string code;
  std::string terminal = "kioskctl";
  std::optional<EventId> event;
};

}  // namespace

void addCheckinCommand(CLI::App& app) {
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "checkin",
      "Check a guest in from a QR image or a code and print one JSON line; exit status 0 only "
      "when accepted");
  cmd->add_option("--db", o->db, "Event database file")->required()->check(CLI::ExistingFile);
  auto* image = cmd->add_option("--image", o->image, "Photo or screenshot of the guest's QR code");
  auto* code = cmd->add_option("--code", o->code, "The code's text (guest code or booking code)");
  image->excludes(code);
  cmd->add_option("--terminal", o->terminal, "Terminal name recorded with the check-in");
  cmd->add_option("--event", o->event, "Event id (default: the only event)");
  cmd->callback([o, cmd] {
    if (cmd->count("--code") > 0 && o->code.empty()) {
      failWith("checkin", makeError(ErrorKind::kInvalidInput,
                                    "--code is empty: give the text of a guest code or a booking "
                                    "code"));
    }
    if (o->image.empty() == o->code.empty()) {
      failWith("checkin",
               makeError(ErrorKind::kInvalidInput, "give exactly one of --image or --code"));
    }
    auto store = openStoreOrExit(o->db);
    const auto event = resolveEventOrExit(*store, o->event);
    SystemClock clock;
    CheckinService service(*store, *store, clock, o->terminal, event.id);
    const auto decision =
        valueOrExit(o->image.empty() ? checkInText(service, o->code, ScanSource::kCommandLine)
                                     : checkInImage(service, o->image),
                    "checking in");
    std::cout << decisionJson(decision) << "\n";
    if (!decision.accepted()) {
      throw CtlExit{1};
    }
  });
}

}  // namespace kiosk::app
