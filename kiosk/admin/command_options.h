// The options of `event create`, `guests import` and `codes revoke` that kioskctl and
// kiosk-central take alike (those of `codes issue` are in code_issue.h) (each tool adds its own
// --db, and --reason worded for its audit trail or not).
#pragma once

#include <optional>
#include <string>

#include "kiosk/admin/code_revoke.h"
#include "kiosk/admin/event_draft.h"
#include "kiosk/core/event.h"

namespace CLI {
class App;
}

namespace kiosk::admin {

// --name, --starts, --ends, --timezone, --details (an existing file).
void addEventDraftOptions(CLI::App& create, EventDraft& draft);

struct GuestImportOptions {
  std::string db;
  std::string csv;
  std::optional<EventId> event;
  bool skipBad = false;
};

// --event, --skip-bad and the CSVFILE argument (required).
void addGuestImportOptions(CLI::App& import, GuestImportOptions& options);

// --event, and one of --code, --token-id (checked: 16 hex digits) and --booking-code (they
// exclude each other; requireRevokeTarget refuses none).
void addRevokeTargetOptions(CLI::App& revoke, std::optional<EventId>& event,
                            RevokeRequest& request);

}  // namespace kiosk::admin
