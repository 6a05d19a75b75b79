// Helpers shared by the kioskctl subcommands: opening the event database, reporting
// errors the same way everywhere.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "kiosk/admin/console.h"
#include "kiosk/core/result.h"
#include "offline-cache/local_store.h"

namespace kiosk::app {

// kioskctl's voice for the shared administration commands: stdout, stderr, "kioskctl: ".
admin::Console ctlConsole();

// Prints "kioskctl: <context>: <message>" to stderr and ends kioskctl with status 2
// (3 for a damaged database), through CtlExit.
[[noreturn]] void failWith(const std::string& context, const Error& error);

// Opens the event database or ends kioskctl with a clear message.
std::unique_ptr<cache::LocalStore> openStoreOrExit(const std::string& path);

// The event to work on (--event, or the only one), or ends kioskctl with the choices.
Event resolveEventOrExit(cache::LocalStore& store, std::optional<EventId> id);

template <typename T>
T valueOrExit(Result<T> result, const std::string& context) {
  if (!result) {
    failWith(context, result.error());
  }
  return std::move(result).value();
}

inline void checkOrExit(const Status& status, const std::string& context) {
  if (!status) {
    failWith(context, status.error());
  }
}

// The audit row of an administrator's kioskctl command, stamped now.
AuditEvent adminAudit(AuditAction action, EventId eventId, std::string reason);

}  // namespace kiosk::app
