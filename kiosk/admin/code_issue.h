// `codes issue` as kioskctl and kiosk-central both run it: the event's issuing key, every
// (or the asked) guest's code signed with it, the code sheet written (documents/), the
// result as one JSON line. The store is reached through the operations passed in.
// Library kiosk_admin_codes: the rest of kiosk_admin (which the terminal's cache and
// central's store link) stays free of the documents library and its Cairo and Pango.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "documents/code_sheet.h"
#include "kiosk/admin/console.h"
#include "kiosk/core/event.h"
#include "kiosk/core/guest.h"
#include "kiosk/core/token.h"

namespace CLI {
class App;
}

namespace kiosk::admin {

// What issuing needs from a tool's store, for the one event being issued.
struct CodeIssueStore {
  std::function<Result<std::optional<SigningKey>>()> issuingKey;
  std::function<Result<std::vector<Guest>>()> listGuests;
  app::RevocationCheck isRevoked;
  // Why this store may hold no secret key, for the message when it has none.
  std::string noKeyMessage;
};

// The operations of a store that names them as both tools' stores do, for one event.
template <typename Store>
CodeIssueStore codeIssueStore(Store& store, EventId eventId, std::string noKeyMessage) {
  return {[&store, eventId] { return store.issuingKey(eventId); },
          [&store, eventId] { return store.listGuests(eventId); },
          [&store, eventId](std::string_view tokenId) {
            return store.isTokenRevoked(eventId, tokenId);
          },
          std::move(noKeyMessage)};
}

struct IssuedCodes {
  app::CodeSheet sheet;
  SigningKey key;
};

// Writes the code sheet; ends the command (context "codes issue") when the store has no
// issuing key or the sheet cannot be written. Prints nothing: the tool may record the
// issue first, then calls printIssuedCodes. Progress goes to the console's err when asked
// or when that is the process's standard error and a terminal.
IssuedCodes issueCodes(const Console& console, const Event& event,
                       const app::CodeSheetRequest& request, const CodeIssueStore& store);

// One JSON line: issued, key_id, valid_from, valid_until, dir.
void printIssuedCodes(const Console& console, const IssuedCodes& issued, const std::string& dir);

// The options both tools take alike (each adds its own --db): --out (required), --event,
// --valid-from, --valid-until, --booking-code (repeatable), --progress.
void addCodeSheetOptions(CLI::App& issue, std::optional<EventId>& event,
                         app::CodeSheetRequest& sheet);

}  // namespace kiosk::admin
