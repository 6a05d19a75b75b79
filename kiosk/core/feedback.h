// What guests tell the terminal at the point of service: a one-tap satisfaction rating,
// or a problem report (repair or complaint) by category.
#pragma once

#include <optional>
#include <string>

#include "kiosk/core/guest.h"
#include "kiosk/core/time.h"

namespace kiosk {

enum class FeedbackKind { kRating, kRepair, kComplaint };
const char* toString(FeedbackKind kind);  // "rating", "repair", "complaint"

struct Feedback {
  std::string id;  // client-generated
  EventId eventId = 0;
  std::optional<GuestId> guestId;
  std::string terminal;
  TimePoint at{};
  FeedbackKind kind = FeedbackKind::kRating;
  std::optional<int> rating;  // 1..5 for kRating
  std::string category;       // "room", "transport", "badge", "accessibility", "other", ...
  std::string text;           // optional free text (on-screen keyboard)
};

}  // namespace kiosk
