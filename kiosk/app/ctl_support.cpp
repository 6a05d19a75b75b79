#include "kiosk/app/ctl_support.h"

#include <iostream>

#include "kiosk/app/ctl_commands.h"
#include "kiosk/core/time.h"

namespace kiosk::app {

admin::Console ctlConsole() {
  return admin::Console("kioskctl", std::cout, std::cerr);
}

void failWith(const std::string& context, const Error& error) {
  ctlConsole().fail(context, error);
}

std::unique_ptr<cache::LocalStore> openStoreOrExit(const std::string& path) {
  return valueOrExit(cache::LocalStore::open(path), "opening " + path);
}

Event resolveEventOrExit(cache::LocalStore& store, std::optional<EventId> id) {
  return valueOrExit(store.resolveEvent(id), "choosing the event");
}

AuditEvent adminAudit(AuditAction action, EventId eventId, std::string reason) {
  AuditEvent a;
  a.at = SystemClock().now();
  a.terminal = "kioskctl";
  a.actor = "admin";
  a.action = action;
  a.eventId = eventId;
  a.reason = std::move(reason);
  return a;
}

}  // namespace kiosk::app
