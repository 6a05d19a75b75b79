#include "kiosk/app/badge_words.h"

namespace kiosk::app {

BadgeWords badgeWords(const i18n::Catalogs& catalogs, std::string_view language,
                      GuestCategory category) {
  BadgeWords words;
  words.categoryLabel = catalogs.text(language, std::string("category.") + toString(category));
  words.roomLabel = catalogs.text(language, "badge.room");
  words.seatLabel = catalogs.text(language, "badge.seat");
  for (const auto& other : catalogs.languages()) {
    for (const char* key : {"badge.room", "badge.seat"}) {
      words.otherLabels.emplace_back(catalogs.text(other, key));
    }
  }
  return words;
}

void applyBadgeWords(devices::BadgeData& data, const BadgeWords& words) {
  data.categoryLabel = words.categoryLabel;
  data.roomLabel = words.roomLabel;
  data.seatLabel = words.seatLabel;
  data.otherLabels = words.otherLabels;
}

}  // namespace kiosk::app
