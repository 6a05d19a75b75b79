// `codes revoke` as kioskctl and kiosk-central both run it: one code (its text or its token
// id) put on the event's revocation list, or a guest's invitation cancelled by booking code
// (every code of theirs is refused from then on). The store is reached through the
// operations passed in, so that a tool can wrap them in its own transaction.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/admin/console.h"
#include "kiosk/core/guest.h"
#include "kiosk/core/time.h"

namespace kiosk::admin {

// Exactly one of code, tokenId and bookingCode is given (the tools' options exclude each
// other; requireRevokeTarget refuses none).
struct RevokeRequest {
  std::string code;         // a guest code's text
  std::string tokenId;      // 16 hex digits
  std::string bookingCode;  // cancels the guest's invitation
  std::string reason;
};

// What revoking needs from a tool's store, for the one event concerned.
struct CodeRevokeStore {
  std::function<Result<std::optional<Guest>>(std::string_view bookingCode)> findGuestByBookingCode;
  std::function<Result<std::vector<Guest>>(std::vector<Guest> guests, TimePoint now)> upsertGuests;
  std::function<Status(std::string_view tokenId, std::string_view reason, TimePoint now,
                       std::optional<GuestId> guestId)>
      revokeToken;
};

// The operations of a store that names them as both tools' stores do, for one event.
template <typename Store>
CodeRevokeStore codeRevokeStore(Store& store, EventId eventId) {
  return {[&store, eventId](std::string_view code) {
            return store.findGuestByBookingCode(eventId, code);
          },
          [&store, eventId](std::vector<Guest> guests, TimePoint now) {
            return store.upsertGuests(eventId, std::move(guests), now);
          },
          [&store, eventId](std::string_view tokenId, std::string_view reason, TimePoint now,
                            std::optional<GuestId> guestId) {
            return store.revokeToken(eventId, tokenId, reason, now, guestId);
          }};
}

// What was revoked: a token (tokenId, and its guest when the code's text named one) or a
// guest's invitation (cancelledBookingCode and guestId).
struct Revocation {
  std::string tokenId;
  std::string cancelledBookingCode;
  std::optional<GuestId> guestId;
};

// Ends the command ("codes revoke: give --code, --token-id or --booking-code") when the
// request names nothing to revoke.
void requireRevokeTarget(const Console& console, const RevokeRequest& request);

// Revokes; ends the command for a booking code of no guest or a --code that is not a guest
// code (context "codes revoke") and on store failures. Prints nothing.
Revocation revokeCode(const Console& console, const RevokeRequest& request, TimePoint now,
                      const CodeRevokeStore& store);

// One JSON line: event_id and revoked_token or cancelled_guest.
void printRevocation(const Console& console, EventId eventId, const Revocation& revocation);

}  // namespace kiosk::admin
