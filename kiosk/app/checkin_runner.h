// One-shot check-ins for the command line (`kioskctl checkin`, `kiosk checkin`): the
// scanned text or a decoded image goes through CheckinService::checkInNow, the same path
// the terminal's screens use.
#pragma once

#include <string>
#include <string_view>

#include "kiosk/core/checkin_service.h"

namespace kiosk::app {

Result<ScanDecision> checkInText(CheckinService& service, std::string_view text, ScanSource source);

// Decodes the image with the real decoder. An image without a readable code is a
// kInvalidInput error that says so (nothing is recorded: there was no scan).
Result<ScanDecision> checkInImage(CheckinService& service, const std::string& imagePath);

}  // namespace kiosk::app
