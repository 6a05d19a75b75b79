#include "kiosk/admin/event_draft.h"

#include <tuple>

#include "kiosk/admin/event_file.h"
#include "kiosk/core/local_time.h"

namespace kiosk::admin {

Result<Event> buildEvent(const EventDraft& draft, EventId id, std::string& context) {
  Event event;
  event.id = id;
  if (!draft.details.empty()) {
    if (auto read = app::applyEventFile(draft.details, event); !read) {
      context = "reading " + draft.details;
      return read.error();
    }
  }
  if (!draft.timezone.empty()) {
    if (!isKnownTimeZone(draft.timezone)) {
      context = "--timezone";
      return makeError(ErrorKind::kInvalidInput, "unknown time zone '" + draft.timezone + "'");
    }
    event.timezone = draft.timezone;
  }
  if (!draft.name.empty()) {
    event.name = draft.name;
  }
  for (auto [text, field, flag] : {std::tuple{&draft.starts, &event.startsAt, "--starts"},
                                   std::tuple{&draft.ends, &event.endsAt, "--ends"}}) {
    if (text->empty()) {
      continue;
    }
    const auto t = parseLocalTime(*text, event.timezone);
    if (!t) {
      context = flag;
      return makeError(
          ErrorKind::kInvalidInput,
          "'" + *text + "' is not an ISO 8601 date-time (e.g. 2026-11-24T08:00+08:00)");
    }
    *field = *t;
  }
  context = "event create";
  if (event.name.empty() || event.startsAt == TimePoint{} || event.endsAt == TimePoint{}) {
    return makeError(ErrorKind::kInvalidInput, "--name, --starts and --ends are required");
  }
  if (event.endsAt <= event.startsAt) {
    return makeError(ErrorKind::kInvalidInput, "the event must end after it starts");
  }
  return event;
}

}  // namespace kiosk::admin
