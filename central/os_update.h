// OS updates for the terminals of an event: `kiosk-central update set` stores an offer (a
// signed RAUC bundle at an https URL, its version, size and SHA-256); every terminal of the
// event that reports another OS version gets the latest offer in its heartbeat's answer,
// downloads and checks it, installs it between guests and reboots into it
// (kiosk/app/update_agent.h). A terminal that does not report its OS version (not running the
// image) is offered nothing.
//
// Offers are numbered per event from 1 and never changed or removed: going back is a new
// offer of the old bundle. Each is kept with who made it and when, and written to the
// console's audit. Thread rules: those of the Database.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/event.h"
#include "kiosk/core/result.h"
#include "kiosk/core/time.h"
#include "offline-cache/database.h"
#include "offline-cache/sync_protocol.h"

namespace kiosk::central {

struct OsUpdateOffer {
  std::int64_t number = 0;
  cache::api::OsUpdate update;
  TimePoint createdAt{};
  std::string createdBy;
};

class OsUpdateStore {
 public:
  explicit OsUpdateStore(cache::Database& db) : db_(db) {}

  // Stores `update` as the event's latest offer and returns its number. kInvalidInput naming
  // the field (api::checkOsUpdate); kNotFound for an unknown event.
  Result<std::int64_t> set(EventId eventId, const cache::api::OsUpdate& update, std::string_view by,
                           TimePoint now);
  // The event's latest offer, if any.
  Result<std::optional<cache::api::OsUpdate>> current(EventId eventId);
  // Every offer of the event, newest first.
  Result<std::vector<OsUpdateOffer>> history(EventId eventId);

 private:
  cache::Database& db_;
};

// What a heartbeat's answer carries: `offer` when the terminal reports an OS version and it
// is another one.
std::optional<cache::api::OsUpdate> updateFor(const std::optional<cache::api::OsUpdate>& offer,
                                              std::string_view runningOs);

}  // namespace kiosk::central
