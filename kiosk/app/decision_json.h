// The one JSON line that reports a check-in decision, printed by `kioskctl checkin` and
// `kiosk checkin` (and by scripted runs). It carries the booking code and guest id, never
// the guest's name, phone or the scanned code.
#pragma once

#include <string>

#include "kiosk/core/checkin.h"

namespace kiosk::app {

std::string decisionJson(const ScanDecision& decision);

}  // namespace kiosk::app
