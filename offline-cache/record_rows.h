// Rows of the records that the terminal's store and kiosk-central's keep in the same
// columns, read once for both.
#pragma once

#include <vector>

#include "kiosk/core/feedback.h"
#include "kiosk/core/token.h"
#include "offline-cache/database.h"

namespace kiosk::cache {

// A feedback row selected as "id, event_id, guest_id, terminal, at, kind, rating,
// category, text", from column `first` on.
Feedback feedbackFromRow(const Statement& s, int first = 0);

// An event's signing keys from its `signing_keys` table (key_id, public_key, secret_key
// (null where only the public half is known), created_at, retired_at), by key id. Throws
// DatabaseError (kCorrupt) for a key of the wrong size.
std::vector<SigningKey> readSigningKeys(Database& db, EventId eventId);

}  // namespace kiosk::cache
