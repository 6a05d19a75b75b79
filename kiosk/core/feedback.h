// What guests tell the terminal at the point of service: a one-tap satisfaction rating,
// or a problem report (repair or complaint) by category.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "kiosk/core/guest.h"
#include "kiosk/core/time.h"

namespace kiosk {

enum class FeedbackKind { kRating, kRepair, kComplaint };
const char* toString(FeedbackKind kind);  // "rating", "repair", "complaint"
std::optional<FeedbackKind> parseFeedbackKind(std::string_view text);

struct Feedback {
  std::string id;  // client-generated
  EventId eventId = 0;
  std::optional<GuestId> guestId;
  std::string terminal;
  TimePoint at{};
  FeedbackKind kind = FeedbackKind::kRating;
  std::optional<int> rating;  // 1..5 for kRating
  std::string category;       // "room", "transport", "badge", "accessibility", "other", ...
  std::string text;           // optional free text (on-screen keyboard), see below
};

// A guest's own words in a report: at most this many code points.
inline constexpr std::size_t kMaxFeedbackText = 300;

// The text as it is stored and synced: ill-formed UTF-8, C0/C1 controls and DEL dropped
// (central refuses a record holding them, and the report would be lost), surrounding
// spaces trimmed, cut to kMaxFeedbackText code points.
std::string cleanFeedbackText(std::string_view text);

}  // namespace kiosk
