// Days and lateness as the desk counts them: a day is a calendar day in the event's time zone
// (the server's when the event names no zone ICU knows), and a guest is late when the car that
// collects them left long enough ago that they should be at the door. Pure functions; any
// thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "central/console/console_store.h"
#include "kiosk/core/time.h"

namespace kiosk::central::console {

struct DayBounds {
  TimePoint start;
  TimePoint end;
  bool eventZone = false;  // counted in the event's zone (else the server's)
};
// The bounds of `day` (YYYY-MM-DD); nullopt for anything else.
std::optional<DayBounds> dayBounds(const std::string& day, const std::string& zone);
// The calendar day of `at` (YYYY-MM-DD) in `zone` (the server's when ICU does not know it).
std::string dayOf(TimePoint at, const std::string& zone);

// A guest is late this long after their pickup (at the airport, the station or their hotel)
// without an admission: the handbooks' airport and station runs take up to an hour to the
// venue, and a guest needs some minutes from the car to a terminal; past 90 minutes the desk
// calls the driver. Earlier would flag every guest stuck in ordinary traffic.
inline constexpr auto kLateAfter = std::chrono::minutes(90);

// The earliest pickup of the guest's transport legs: when they are on their way to the venue.
std::optional<TimePoint> pickupOf(const Guest& guest);
// Not admitted, and more than kLateAfter past their pickup.
bool isLate(const ArrivalRow& row, TimePoint now);
// The guest belongs to the board of `day`: admitted that day; or not admitted and expected
// that day (lodging check-in date or first pickup), or with no date at all (an event that
// gives none expects every guest every day).
bool onDay(const ArrivalRow& row, const DayBounds& day, const std::string& dayText,
           const std::string& zone);

}  // namespace kiosk::central::console
