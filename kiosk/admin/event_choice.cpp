#include "kiosk/admin/event_choice.h"

#include <string>

namespace kiosk::admin {

Result<Event> chooseEvent(const std::vector<Event>& events, std::optional<EventId> requested,
                          std::string_view where, std::string_view createCommand) {
  const std::string in(where);
  if (requested) {
    for (const auto& e : events) {
      if (e.id == *requested) {
        return e;
      }
    }
    return makeError(ErrorKind::kNotFound, "no event " + std::to_string(*requested) + " in " + in);
  }
  if (events.empty()) {
    return makeError(ErrorKind::kNotFound, "no event in " + in + "; create one with '" +
                                               std::string(createCommand) + "'");
  }
  if (events.size() > 1) {
    std::string choices;
    for (const auto& e : events) {
      choices += "\n  " + std::to_string(e.id) + "  " + e.name;
    }
    return makeError(ErrorKind::kInvalidInput,
                     "several events in " + in + "; choose one with --event:" + choices);
  }
  return events.front();
}

}  // namespace kiosk::admin
