#include "offline-cache/record_rows.h"

namespace kiosk::cache {

Feedback feedbackFromRow(const Statement& s, int first) {
  Feedback f;
  f.id = s.columnText(first);
  f.eventId = static_cast<EventId>(s.columnInt(first + 1));
  if (auto guest = s.columnOptionalInt(first + 2)) {
    f.guestId = static_cast<GuestId>(*guest);
  }
  f.terminal = s.columnText(first + 3);
  f.at = fromUnixMillis(s.columnInt(first + 4));
  f.kind = parseFeedbackKind(s.columnText(first + 5)).value_or(FeedbackKind::kRating);
  if (auto rating = s.columnOptionalInt(first + 6)) {
    f.rating = static_cast<int>(*rating);
  }
  f.category = s.columnText(first + 7);
  f.text = s.columnText(first + 8);
  return f;
}

}  // namespace kiosk::cache
