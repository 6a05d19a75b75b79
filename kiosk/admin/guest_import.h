// `guests import` as kioskctl and kiosk-central both run it: a guest list file (CSV, UTF-8
// or GB18030, Chinese headers accepted) read for one event, a file with bad rows refused
// whole unless the good rows are asked for, the guests saved through the tool's store.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "kiosk/admin/console.h"
#include "kiosk/core/event.h"
#include "kiosk/core/guest.h"

namespace kiosk::admin {

struct GuestListFile {
  std::string path;   // named in every message
  std::string bytes;  // the whole file
  bool skipBad = false;
};

// The file named `path`, whole; ends the command ("reading PATH: cannot open the file")
// when it cannot be opened.
GuestListFile readGuestList(const Console& console, const std::string& path, bool skipBad);

// Saves the good rows for the event (with whatever the tool records beside them) and
// returns how many guests were saved; ends the command itself on failure. The rows are
// handed over, so that a large list is not held twice.
using SaveGuests = std::function<std::size_t(std::vector<Guest> guests)>;

// Parses the file for `event` (times without an offset in the event's time zone); warnings
// and problems go to the console's err. With problems and without skipBad, nothing is saved
// and the command ends with status 1. Otherwise `save` gets the good rows and the summary
// is one JSON line on out: imported, rows, skipped, encoding, event_id.
void importGuestList(const Console& console, const GuestListFile& file, const Event& event,
                     const SaveGuests& save);

}  // namespace kiosk::admin
