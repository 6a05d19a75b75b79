// Printable invitations: one A4 portrait page per guest with the event, the guest's
// name, the QR code of their guest code, the booking code in large characters as a
// fallback, and how to use it (Chinese and English).
//
// Pure functions; any thread (see canvas.h for the font notes). Fails with
// kInvalidInput for an empty list or a code that does not fit in a QR code, kPermanent
// when the file cannot be written.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kiosk/core/event.h"
#include "kiosk/core/guest.h"
#include "kiosk/core/result.h"

namespace kiosk::devices {

struct Invitation {
  Guest guest;
  std::string codeText;  // what the QR code holds: the signed guest code (or a booking code)
};

// The instruction printed on every invitation.
inline constexpr const char* kInvitationInstructionZh = "请在大堂签到终端出示此二维码";
inline constexpr const char* kInvitationInstructionEn =
    "Show this code at the lobby check-in terminal";

Result<std::vector<std::uint8_t>> renderInvitationsPdf(const Event& event,
                                                       const std::vector<Invitation>& invitations);
Status writeInvitationsPdf(const Event& event, const std::vector<Invitation>& invitations,
                           const std::string& path);

}  // namespace kiosk::devices
