// The options of `codes issue` and `codes revoke` that kioskctl and kiosk-central take alike
// (each tool adds its own --db and --reason, worded for its database and audit trail).
#pragma once

#include <optional>

#include "documents/code_sheet.h"
#include "kiosk/admin/code_revoke.h"
#include "kiosk/core/event.h"

namespace CLI {
class App;
}

namespace kiosk::admin {

// --out (required), --event, --valid-from, --valid-until, --booking-code (repeatable).
void addCodeSheetOptions(CLI::App& issue, std::optional<EventId>& event,
                         app::CodeSheetRequest& sheet);

// --event, and one of --code, --token-id (checked: 16 hex digits) and --booking-code (they
// exclude each other; requireRevokeTarget refuses none).
void addRevokeTargetOptions(CLI::App& revoke, std::optional<EventId>& event,
                            RevokeRequest& request);

}  // namespace kiosk::admin
