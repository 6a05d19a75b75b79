// Event details from a TOML file (venue, wifi, emergency contacts, hospital, policies),
// for `kioskctl event create --details FILE` and the bundled demo event.
//
//   name = "Lakeside Forum 2026"          # all keys optional; command-line flags win
//   starts = "2026-11-24T08:00"           # wall time in `timezone` unless an offset is given
//   ends = "2026-11-26T18:00"
//   timezone = "Asia/Shanghai"
//   venue = "..."                         venue_address = "..."
//   wifi_ssid = "..."                     wifi_password = "..."
//   retention_days = 30                   self_reprint_limit = 1
//   required_fields = ["phone"]
//   [hospital]  name, address, phone
//   [[emergency_contacts]]  label, phone
//
// Unknown keys and bad values are errors naming the key and its line.
#pragma once

#include <string>

#include "kiosk/core/event.h"
#include "kiosk/core/result.h"

namespace kiosk::app {

// Applies the file's settings on top of `event`.
Status applyEventFile(const std::string& path, Event& event);

}  // namespace kiosk::app
