// The words a guest reads on a badge, from the string catalogs: the category label in
// the colour band and the "Room" and "Seat" labels. One mapping for the terminal's
// badges and kioskctl badge, so both print the same words.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "documents/badge_data.h"
#include "i18n/catalog.h"
#include "kiosk/core/guest.h"

namespace kiosk::app {

struct BadgeWords {
  std::string categoryLabel;  // catalog key category.<id>
  std::string roomLabel;      // badge.room
  std::string seatLabel;      // badge.seat
  // Both labels in every catalog language: a room named "Room 3" or "房间 3" already says
  // what it is and is not labelled again (devices::labelled).
  std::vector<std::string> otherLabels;
};

// The words in `language` (a catalog language, see catalogLanguageFor).
BadgeWords badgeWords(const i18n::Catalogs& catalogs, std::string_view language,
                      GuestCategory category);

// Puts the words on a badge filled by devices::makeBadgeData.
void applyBadgeWords(devices::BadgeData& data, const BadgeWords& words);

}  // namespace kiosk::app
