#include "kiosk/admin/command_options.h"

#include <CLI/CLI.hpp>

#include "kiosk/core/token.h"

namespace kiosk::admin {

void addEventDraftOptions(CLI::App& create, EventDraft& draft) {
  create.add_option("--name", draft.name, "Event name");
  create.add_option("--starts", draft.starts,
                    "Start, ISO 8601 (wall time in --timezone without an offset)");
  create.add_option("--ends", draft.ends, "End, ISO 8601");
  create.add_option("--timezone", draft.timezone,
                    "IANA time zone of the venue (default Asia/Shanghai)");
  create
      .add_option("--details", draft.details,
                  "TOML file with venue, wifi, contacts, hospital, policies")
      ->check(CLI::ExistingFile);
}

void addGuestImportOptions(CLI::App& import, GuestImportOptions& options) {
  import.add_option("--event", options.event, "Event id (default: the only event)");
  import.add_flag("--skip-bad", options.skipBad, "Import the good rows and report the bad ones");
  import.add_option("CSVFILE", options.csv, "Guest list")->required();
}

void addRevokeTargetOptions(CLI::App& revoke, std::optional<EventId>& event,
                            RevokeRequest& request) {
  revoke.add_option("--event", event, "Event id (default: the only event)");
  auto* code = revoke.add_option("--code", request.code, "The guest code's text");
  auto* token = revoke.add_option("--token-id", request.tokenId, "Token id (16 hex digits)")
                    ->check([](const std::string& id) {
                      return isTokenId(id)
                                 ? std::string()
                                 : "a token id is 16 hex digits (0-9, a-f), not '" + id + "'";
                    });
  auto* guest =
      revoke.add_option("--booking-code", request.bookingCode, "Cancel this guest's invitation");
  code->excludes(token)->excludes(guest);
  token->excludes(guest);
}

}  // namespace kiosk::admin
