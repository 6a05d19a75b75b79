// Printable invitations: one A4 portrait page per guest with the event, the guest's
// name, the QR code of their guest code, the booking code in large characters as a
// fallback, and how to use it (Chinese and English).
//
// Pure functions; any thread (see canvas.h for the font notes). Fails with
// kInvalidInput for an empty list or a code that does not fit in a QR code, kPermanent
// when the file cannot be written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "documents/qr_code.h"
#include "kiosk/core/event.h"
#include "kiosk/core/guest.h"
#include "kiosk/core/result.h"

namespace kiosk::devices {

struct Invitation {
  Guest guest;
  std::string codeText;  // what the QR code holds: the signed guest code (or a booking code)
  // codeText's QR code when the caller has encoded it already (encoded here otherwise).
  std::optional<QrMatrix> qr;
};

// The invitation of page `index` (0-based), asked for in page order; an error ends the
// document with that error.
using InvitationSource = std::function<Result<Invitation>(std::size_t index)>;

// The instruction printed on every invitation.
inline constexpr const char* kInvitationInstructionZh = "请在大堂签到终端出示此二维码";
inline constexpr const char* kInvitationInstructionEn =
    "Show this code at the lobby check-in terminal";

Result<std::vector<std::uint8_t>> renderInvitationsPdf(const Event& event,
                                                       const std::vector<Invitation>& invitations);
Status writeInvitationsPdf(const Event& event, const std::vector<Invitation>& invitations,
                           const std::string& path);
// `count` pages, one invitation at a time (the caller may still be preparing the later
// ones); the file is written only when every page was drawn.
Status writeInvitationsPdf(const Event& event, std::size_t count, const InvitationSource& source,
                           const std::string& path);

}  // namespace kiosk::devices
