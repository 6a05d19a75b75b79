// `event create`, `event show` and `event retire-key` as kioskctl and kiosk-central both run
// them: the new event and its first signing key, the event as JSON, the check before a key
// is retired. Each tool saves through its own store (kiosk-central adds the webhook).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <vector>

#include "kiosk/admin/console.h"
#include "kiosk/admin/event_draft.h"
#include "kiosk/core/event.h"
#include "kiosk/core/time.h"
#include "kiosk/core/token.h"

namespace kiosk::admin {

struct NewEvent {
  Event event;
  SigningKey key;  // key 1, valid from `now`
};

// The event of `event create` with a random id and its first signing key; ends the command
// with buildEvent's context when the draft is not an event.
NewEvent newEvent(const Console& console, const EventDraft& draft, TimePoint now);

// event_id, name, starts_at, ends_at, timezone, key_id: what `event create` prints.
nlohmann::json newEventJson(const NewEvent& created);

// The event as the sync API writes it, with its guest count and its public signing keys:
// what `event show` prints (indented).
nlohmann::json eventJson(const Event& event, std::size_t guests,
                         const std::vector<SigningKey>& keys);

// Ends the command (context "event retire-key") when `keyId` cannot be retired: unknown,
// retired already, or the last one that signs.
void requireRetirableKey(const Console& console, const std::vector<SigningKey>& keys, KeyId keyId);

}  // namespace kiosk::admin
