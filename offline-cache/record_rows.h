// Rows of the records that the terminal's store and kiosk-central's keep in the same
// columns, read once for both.
#pragma once

#include "kiosk/core/feedback.h"
#include "offline-cache/database.h"

namespace kiosk::cache {

// A feedback row selected as "id, event_id, guest_id, terminal, at, kind, rating,
// category, text", from column `first` on.
Feedback feedbackFromRow(const Statement& s, int first = 0);

}  // namespace kiosk::cache
