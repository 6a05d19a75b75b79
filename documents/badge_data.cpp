#include "documents/badge_data.h"

#include <algorithm>
#include <cctype>

namespace kiosk::devices {

const char* toString(BadgeSize size) {
  switch (size) {
    case BadgeSize::kCr80:
      return "cr80";
    case BadgeSize::k4x3:
      return "4x3";
    case BadgeSize::k62mm:
      return "62mm";
    case BadgeSize::kA6:
      return "a6";
  }
  return "cr80";
}

std::optional<BadgeSize> parseBadgeSize(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const BadgeSize size : kAllBadgeSizes) {
    if (lower == toString(size)) {
      return size;
    }
  }
  return std::nullopt;
}

const char* defaultCategoryLabel(GuestCategory category) {
  switch (category) {
    case GuestCategory::kVip:
      return "VIP";
    case GuestCategory::kGovernment:
      return "Government";
    case GuestCategory::kBusiness:
      return "Business";
    case GuestCategory::kPress:
      return "Press";
    case GuestCategory::kStaff:
      return "Staff";
    case GuestCategory::kOther:
      return "Guest";
  }
  return "Guest";
}

namespace {

// "Roomba 3" does not start with the word "Room"; "房间3" does start with "房间".
bool startsWithWord(std::string_view value, std::string_view word) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  const auto isLetter = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
  return !word.empty() && value.size() >= word.size() &&
         std::equal(word.begin(), word.end(), value.begin(),
                    [&](char a, char b) { return lower(a) == lower(b); }) &&
         !(value.size() > word.size() && isLetter(value[word.size()]) && isLetter(word.back()));
}

}  // namespace

std::string labelled(std::string_view label, std::string_view value,
                     const std::vector<std::string>& otherLabels) {
  const bool hasLabel = startsWithWord(value, label) ||
                        std::any_of(otherLabels.begin(), otherLabels.end(),
                                    [&](const std::string& l) { return startsWithWord(value, l); });
  if (label.empty() || hasLabel) {
    return std::string(value);
  }
  return std::string(label) + " " + std::string(value);
}

BadgeData makeBadgeData(const Event& event, const Guest& guest, std::string qrText,
                        std::string categoryLabel) {
  BadgeData data;
  data.eventName = event.name;
  data.guestName = guest.name;
  data.company = guest.company;
  data.title = guest.title;
  data.category = guest.category;
  data.categoryLabel =
      categoryLabel.empty() ? std::string(defaultCategoryLabel(guest.category)) : categoryLabel;
  if (!guest.meetings.empty()) {
    const Meeting& meeting = guest.meetings.front();
    data.meetingName = meeting.name;
    data.meetingRoom = meeting.room;
    data.seat = meeting.seat;
  }
  data.qrText = std::move(qrText);
  return data;
}

}  // namespace kiosk::devices
