// The guest codes of an event as files for the organiser: one QR PNG per guest,
// codes.csv (booking_code, payload) and invitations.pdf. Shared by `kioskctl codes issue`
// and `kiosk-central codes issue`.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
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
  bool showProgress = false;              // asked for (--progress); shown on a terminal anyway
  // Called on the calling thread before each invitation page and at the end, with the
  // pages done and the total; the caller decides how often to show it.
  std::function<void(std::size_t done, std::size_t total)> progress;
  // Threads encoding QR codes and writing their PNGs beside the one drawing the PDF;
  // 0: one per core.
  unsigned workers = 0;
};

struct CodeSheet {
  std::size_t issued = 0;
  TimePoint validFrom{};
  TimePoint validUntil{};
};

// Answers whether a token id is on the event's revocation list.
using RevocationCheck = std::function<Result<bool>(std::string_view tokenId)>;

// Signs a code for each guest with `key` and writes the files. Signing and the revocation
// checks run on the calling thread (isRevoked is called only there); QR codes and PNGs on
// `workers` threads; the PDF pages in order on the calling thread. A code that would come out
// identical to a revoked one (same guest, key and window) is signed with its window
// starting a second later instead, so that issuing again after a revocation gives a new,
// valid code. kInvalidInput for a bad --valid-from/--valid-until or a window that ends
// before it starts, kNotFound for a --booking-code of no guest, kPermanent/kTransient for
// files that cannot be written.
Result<CodeSheet> writeCodeSheet(const Event& event, const SigningKey& key,
                                 std::vector<Guest> guests, const CodeSheetRequest& request,
                                 const RevocationCheck& isRevoked);

}  // namespace kiosk::app
