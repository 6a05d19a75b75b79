// Which event an admin command works on, for kioskctl (the terminal's file) and
// kiosk-central (the server's file) alike: the one asked for, or the only one there is.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "kiosk/core/event.h"
#include "kiosk/core/result.h"

namespace kiosk::admin {

// `requested` when given (kNotFound when absent); otherwise the only event. No event is
// kNotFound (naming `createCommand`, e.g. "kioskctl event create"), several is kInvalidInput
// with the choices listed. `where` names the database in messages. Pure; any thread.
Result<Event> chooseEvent(const std::vector<Event>& events, std::optional<EventId> requested,
                          std::string_view where, std::string_view createCommand);

}  // namespace kiosk::admin
