// `event create` as kioskctl and kiosk-central both take it: the flags as typed and an
// optional event details file (event_file.h), checked and turned into an Event.
#pragma once

#include <string>

#include "kiosk/core/event.h"
#include "kiosk/core/result.h"

namespace kiosk::admin {

struct EventDraft {
  std::string name;
  std::string starts;  // ISO 8601; wall time in the event's time zone without an offset
  std::string ends;
  std::string timezone;
  std::string details;  // path of a TOML event details file; empty for none
};

// The event with id `id`: the details file first, the flags over it. Fails with
// kInvalidInput (unknown time zone, a date that is not ISO 8601, name/starts/ends missing,
// ending before it starts) or the details file's error; `context` then names what to blame
// ("--starts", "reading FILE", "event create") for the command's message. Pure but for
// reading the file; any thread.
Result<Event> buildEvent(const EventDraft& draft, EventId id, std::string& context);

}  // namespace kiosk::admin
