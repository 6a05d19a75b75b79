// A staff edit of a guest's arrangements, made at a terminal with a reason: the lodging
// hotel and room, a transport leg's vehicle, driver, driver phone, pickup time and place,
// a meeting's room, seat and start time. The terminal applies it to its roster copy with
// an audit row and pushes it to central (outbox kind "guest_edit"), which applies it to
// its own guest record and feeds the guest to every terminal of the event.
//
// Pure values and functions; any thread.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/guest.h"
#include "kiosk/core/time.h"

namespace kiosk {

// One field and its new text. Fields: "lodging.hotel", "lodging.room",
// "transport.<i>.vehicle", "transport.<i>.driver", "transport.<i>.driver_phone",
// "transport.<i>.pickup_time", "transport.<i>.pickup_place", "meeting.<i>.room",
// "meeting.<i>.seat", "meeting.<i>.starts_at" (<i> counts the guest's legs or meetings
// from 0). Times are ISO 8601 with an offset or Z; an empty value clears the field.
struct GuestFieldChange {
  std::string field;
  std::string value;
  bool operator==(const GuestFieldChange&) const = default;
};

struct GuestEdit {
  std::string id;  // client-generated record id; the idempotency key
  EventId eventId = 0;
  GuestId guestId = 0;
  std::string terminal;
  std::string staffId;
  std::string reason;  // required
  TimePoint at{};      // when staff saved it (the terminal's clock)
  std::vector<GuestFieldChange> changes;
};

// The fields staff edit at the terminal, in the order the edit screen lists them.
inline constexpr std::array<std::string_view, 10> kStaffEditFields{"lodging.hotel",
                                                                   "lodging.room",
                                                                   "transport.0.vehicle",
                                                                   "transport.0.driver",
                                                                   "transport.0.driver_phone",
                                                                   "transport.0.pickup_time",
                                                                   "transport.0.pickup_place",
                                                                   "meeting.0.room",
                                                                   "meeting.0.seat",
                                                                   "meeting.0.starts_at"};
// True for the fields that hold a time (pickup time, meeting start).
bool isTimeField(std::string_view field);

inline constexpr std::size_t kMaxGuestEditChanges = 16;
inline constexpr std::size_t kMaxGuestFieldBytes = 200;

// Applies one change. Returns why it cannot (unknown field, a leg or meeting the guest
// does not have, a time that is not ISO 8601) and leaves the guest as it was; nullopt
// when applied. The message never quotes the value.
std::optional<std::string> applyFieldChange(Guest& guest, const GuestFieldChange& change);

// The field's current text (times as ISO 8601 UTC); nullopt for a field the guest does not
// have.
std::optional<std::string> fieldValue(const Guest& guest, std::string_view field);

}  // namespace kiosk
