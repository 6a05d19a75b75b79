// The guest codes of an event as files for the organiser: one QR PNG per guest,
// codes.csv (booking_code, payload) and invitations.pdf. Shared by `kioskctl codes issue`
// and `kiosk-central codes issue`.
#pragma once

#include <string>
#include <vector>

#include "kiosk/core/event.h"
#include "kiosk/core/guest.h"
#include "kiosk/core/result.h"
#include "kiosk/core/token.h"

namespace kiosk::app {

struct CodeSheetRequest {
  std::string out;         // folder, created when absent
  std::string validFrom;   // local date-time in the event's timezone; empty: 7 days before
  std::string validUntil;  // empty: 1 day after the event
  std::vector<std::string> bookingCodes;  // only these guests; empty: all
};

struct CodeSheet {
  std::size_t issued = 0;
  TimePoint validFrom{};
  TimePoint validUntil{};
};

// Signs a code for each guest with `key` and writes the files. kInvalidInput for a bad
// --valid-from/--valid-until, kPermanent/kTransient for files that cannot be written.
Result<CodeSheet> writeCodeSheet(const Event& event, const SigningKey& key,
                                 std::vector<Guest> guests, const CodeSheetRequest& request);

}  // namespace kiosk::app
