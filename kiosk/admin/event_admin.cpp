#include "kiosk/admin/event_admin.h"

#include <string>

#include "kiosk/core/ids.h"
#include "offline-cache/json_codec.h"

namespace kiosk::admin {

NewEvent newEvent(const Console& console, const EventDraft& draft, TimePoint now) {
  std::string context;
  auto built = buildEvent(draft, randomNonZeroU32(), context);
  if (!built) {
    console.fail(context, built.error());
  }
  Event event = std::move(built).value();
  auto key = generateSigningKey(event.id, 1, now);
  return {std::move(event), std::move(key)};
}

nlohmann::json newEventJson(const NewEvent& created) {
  return {{"event_id", created.event.id},
          {"name", created.event.name},
          {"starts_at", formatIso8601(created.event.startsAt)},
          {"ends_at", formatIso8601(created.event.endsAt)},
          {"timezone", created.event.timezone},
          {"key_id", created.key.id}};
}

nlohmann::json eventJson(const Event& event, std::size_t guests,
                         const std::vector<SigningKey>& keys) {
  auto j = cache::toJson(event);
  j["guests"] = guests;
  nlohmann::json listed = nlohmann::json::array();
  for (const auto& k : keys) {
    listed.push_back(cache::toJson(k));
  }
  j["signing_keys"] = listed;
  return j;
}

void requireRetirableKey(const Console& console, const std::vector<SigningKey>& keys, KeyId keyId) {
  const auto why = whyKeyCannotBeRetired(keys, keyId);
  if (!why.empty()) {
    console.fail("event retire-key", makeError(ErrorKind::kInvalidInput, why));
  }
}

}  // namespace kiosk::admin
