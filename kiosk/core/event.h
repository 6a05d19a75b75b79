// An event that guests check in to: a conference, a visitor day, a delegation's stay.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kiosk/core/time.h"

namespace kiosk {

// Random, non-zero, fixed at creation; carried in every guest code so that a code
// for another event is recognised offline.
using EventId = std::uint32_t;

struct EmergencyContact {
  std::string label;  // "Event hotline", "Venue security"
  std::string phone;
};

struct Event {
  EventId id = 0;
  std::string name;
  TimePoint startsAt{};
  TimePoint endsAt{};
  std::string timezone = "Asia/Shanghai";  // IANA name, used for every time shown to guests
  std::string venue;
  std::string venueAddress;
  std::string wifiSsid;
  std::string wifiPassword;
  std::vector<EmergencyContact> emergencyContacts;
  std::string hospitalName;
  std::string hospitalAddress;
  std::string hospitalPhone;
  // Guest fields that must be answered before a guest can self-check-in ("phone",
  // "diet", "allergies", "accessibility", "email", "company"); an empty one sends the
  // guest to staff.
  std::vector<std::string> requiredFields;
  // Guest personal data and photos are purged this many days after endsAt.
  int retentionDays = 30;
  // How many badge reprints a guest may ask for themselves at the terminal.
  int selfReprintLimit = 1;
};

}  // namespace kiosk
