#include "kiosk/admin/code_revoke.h"

#include <nlohmann/json.hpp>
#include <variant>

#include "kiosk/core/token.h"

namespace kiosk::admin {

void requireRevokeTarget(const Console& console, const RevokeRequest& request) {
  if (request.code.empty() && request.tokenId.empty() && request.bookingCode.empty()) {
    console.fail("codes revoke",
                 makeError(ErrorKind::kInvalidInput, "give --code, --token-id or --booking-code"));
  }
}

Revocation revokeCode(const Console& console, const RevokeRequest& request, TimePoint now,
                      const CodeRevokeStore& store) {
  Revocation done;
  if (!request.bookingCode.empty()) {
    auto guest =
        console.valueOr(store.findGuestByBookingCode(request.bookingCode), "finding the guest");
    if (!guest) {
      console.fail("codes revoke", makeError(ErrorKind::kNotFound,
                                             "no guest with booking code " + request.bookingCode));
    }
    guest->status = GuestStatus::kCancelled;
    console.valueOr(store.upsertGuests({*guest}, now), "cancelling the invitation");
    done.guestId = guest->id;
    done.cancelledBookingCode = guest->bookingCode;
    return done;
  }
  done.tokenId = request.tokenId;
  if (!request.code.empty()) {
    const auto parsed = parseToken(request.code);
    const auto* token = std::get_if<ParsedToken>(&parsed);
    if (token == nullptr) {
      console.fail("codes revoke",
                   makeError(ErrorKind::kInvalidInput, "--code is not a guest code"));
    }
    done.tokenId = token->tokenId();
    done.guestId = token->claims.guestId;
  }
  console.check(store.revokeToken(done.tokenId, request.reason, now, done.guestId), "revoking");
  return done;
}

void printRevocation(const Console& console, EventId eventId, const Revocation& revocation) {
  nlohmann::json out{{"event_id", eventId}};
  if (!revocation.cancelledBookingCode.empty()) {
    out["cancelled_guest"] = revocation.cancelledBookingCode;
  } else {
    out["revoked_token"] = revocation.tokenId;
  }
  console.out() << out.dump() << "\n";
}

}  // namespace kiosk::admin
