// What goes on a badge, in kiosk types, and the physical badge sizes.
//
// BadgeData is a plain value filled by the caller (the check-in flow, kioskctl badge)
// from a Guest and its Event; makeBadgeData does the usual mapping. Labels that a guest
// reads (the category label, "Room", "Seat") are passed in so that the caller can
// localise them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/event.h"
#include "kiosk/core/guest.h"

namespace kiosk::devices {

// The badge stocks the kiosk prints on. Each has a layout in the badge template.
enum class BadgeSize {
  kCr80,  // ID-1 plastic card, 85.60 x 53.98 mm, landscape
  k4x3,   // 4 x 3 in label or card, 101.6 x 76.2 mm, landscape
  k62mm,  // 62 mm continuous label (Brother QL and the like), cut at 100 mm, portrait
  kA6,    // A6 sheet for a badge holder, 105 x 148 mm, portrait
};

inline constexpr BadgeSize kAllBadgeSizes[] = {BadgeSize::kCr80, BadgeSize::k4x3, BadgeSize::k62mm,
                                               BadgeSize::kA6};

// "cr80", "4x3", "62mm", "a6".
const char* toString(BadgeSize size);
// Accepts the identifiers above in any case; nullopt for anything else.
std::optional<BadgeSize> parseBadgeSize(std::string_view text);

struct BadgeData {
  std::string eventName;
  std::string logoPath;  // PNG or JPEG file; empty = no logo (the event name takes the space)
  std::string guestName;
  std::string company;
  std::string title;
  GuestCategory category = GuestCategory::kOther;
  std::string categoryLabel;  // text in the colour band ("VIP", "贵宾"); empty = band only
  std::string meetingName;
  std::string meetingRoom;
  std::string seat;
  std::string roomLabel = "Room";
  std::string seatLabel = "Seat";
  std::vector<std::string> otherLabels;  // both labels in the other languages (labelled())
  std::string qrText;                    // the guest's code; empty = no QR code
  std::vector<std::uint8_t> photoJpeg;   // empty = initials (or a clean box, per template)
  // BCP 47 tag that picks the CJK glyph variants (zh-CN simplified forms, ja, ...);
  // empty = zh-CN, the venue's language.
  std::string language;
};

// "Room 3" from the label "Room" and the value "3". A value that already starts with
// the label or with one of `otherLabels` (the label in other languages: "Room 3" under
// "房间"; letter case aside) is kept as it is, so that a room named "Room 3" does not
// print as "Room Room 3" or "房间 Room 3".
std::string labelled(std::string_view label, std::string_view value,
                     const std::vector<std::string>& otherLabels = {});

// English category labels ("VIP", "Government", "Business", "Press", "Staff", "Guest").
const char* defaultCategoryLabel(GuestCategory category);

// Fills a badge from a guest: name, company, title, category (label from
// defaultCategoryLabel unless `categoryLabel` is given), the first meeting and its seat,
// and the code text for the QR code. Photo and logo stay empty.
BadgeData makeBadgeData(const Event& event, const Guest& guest, std::string qrText,
                        std::string categoryLabel = {});

}  // namespace kiosk::devices
