// Guests and what the event has arranged for them: lodging, transport, meetings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/event.h"
#include "kiosk/core/time.h"

namespace kiosk {

// Stable per event; assigned by whoever owns the roster (central, or kioskctl in
// standalone mode). Carried in guest codes.
using GuestId = std::uint32_t;

enum class GuestCategory { kVip, kGovernment, kBusiness, kPress, kStaff, kOther };

// Stable lowercase identifiers: "vip", "government", "business", "press", "staff", "other".
const char* toString(GuestCategory category);
// Accepts the identifiers above in any case, plus Chinese labels (贵宾, 政府, 商务, 媒体,
// 工作人员, 其他). nullopt for anything else.
std::optional<GuestCategory> parseGuestCategory(std::string_view text);
// The categories staff may give a walk-in at a terminal: all but VIP. A VIP has a named
// host who is told on arrival, and hosts are set at central only, so the reception desk
// makes a guest a VIP there. Terminal and central apply this one rule.
bool isWalkInCategory(GuestCategory category);

enum class GuestStatus {
  kActive,
  kBlocked,    // staff must see the guest before admission
  kCancelled,  // invitation withdrawn: every code of the guest is revoked
};
const char* toString(GuestStatus status);
std::optional<GuestStatus> parseGuestStatus(std::string_view text);

struct SpecialNeeds {
  std::string diet;           // "vegetarian", "halal", ...
  std::string allergies;      // "peanuts, shellfish"
  std::string accessibility;  // "wheelchair", "hearing loop", ...
  bool operator==(const SpecialNeeds&) const = default;
  bool empty() const { return diet.empty() && allergies.empty() && accessibility.empty(); }
};

struct Lodging {
  std::string hotel;
  std::string room;
  std::string floor;
  std::string checkinDate;     // YYYY-MM-DD
  std::string checkoutDate;    // YYYY-MM-DD
  std::string doorCardPickup;  // "Front desk, lobby level" / "Inside your welcome pack"
  std::string wifi;
  std::string breakfast;  // "06:30-10:00, 2F restaurant"
  bool empty() const { return hotel.empty() && room.empty(); }
};

struct TransportLeg {
  std::string vehicle;  // "Shuttle bus 3", "Black sedan 沪A·12345"
  std::string driver;
  std::string driverPhone;
  std::optional<TimePoint> pickupTime;
  std::string pickupPlace;  // "Gate 5, Terminal 2"
  std::string flight;       // flight or train number this leg is tied to
};

struct Meeting {
  std::string name;
  std::string room;
  std::optional<TimePoint> startsAt;
  std::string seat;
};

struct Guest {
  EventId eventId = 0;
  GuestId id = 0;
  std::string bookingCode;  // plain code printed on the invitation; upper case
  std::string name;
  // How the name is read, when its script does not say: kana or romaji for a Japanese
  // name in kanji (吉野 太郎 -> よしの たろう). Only searched, never shown; may be empty.
  std::string nameReading;
  std::string company;
  std::string title;
  GuestCategory category = GuestCategory::kOther;
  std::string language;  // BCP 47 ("zh-CN", "en"); empty = terminal default
  std::string phone;
  std::string email;
  SpecialNeeds needs;
  std::string host;         // who is told the moment the guest arrives
  std::string hostContact;  // where the arrival notice goes (phone, e-mail or chat id)
  GuestStatus status = GuestStatus::kActive;
  bool escortRequired = false;  // staff must escort: the terminal calls staff instead of admitting
  Lodging lodging;
  std::vector<TransportLeg> transport;
  std::vector<Meeting> meetings;
};

// Booking codes: 4 to 32 characters of A-Z, 0-9 and '-', compared upper-cased with
// surrounding white space removed. Returns the canonical form or nullopt.
std::optional<std::string> normalizeBookingCode(std::string_view text);

}  // namespace kiosk
