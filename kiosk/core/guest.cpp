#include "kiosk/core/guest.h"

#include <array>
#include <cctype>
#include <utility>

namespace kiosk {

namespace {

std::string lowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

const char* toString(GuestCategory category) {
  switch (category) {
    case GuestCategory::kVip:
      return "vip";
    case GuestCategory::kGovernment:
      return "government";
    case GuestCategory::kBusiness:
      return "business";
    case GuestCategory::kPress:
      return "press";
    case GuestCategory::kStaff:
      return "staff";
    case GuestCategory::kOther:
      return "other";
  }
  return "other";
}

bool isWalkInCategory(GuestCategory category) {
  return category != GuestCategory::kVip;
}

std::optional<GuestCategory> parseGuestCategory(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, GuestCategory>, 12> kNames{{
      {"vip", GuestCategory::kVip},
      {"government", GuestCategory::kGovernment},
      {"business", GuestCategory::kBusiness},
      {"press", GuestCategory::kPress},
      {"staff", GuestCategory::kStaff},
      {"other", GuestCategory::kOther},
      {"贵宾", GuestCategory::kVip},
      {"政府", GuestCategory::kGovernment},
      {"商务", GuestCategory::kBusiness},
      {"媒体", GuestCategory::kPress},
      {"工作人员", GuestCategory::kStaff},
      {"其他", GuestCategory::kOther},
  }};
  const std::string key = lowerAscii(trim(text));
  for (const auto& [name, category] : kNames) {
    if (key == name) {
      return category;
    }
  }
  return std::nullopt;
}

const char* toString(GuestStatus status) {
  switch (status) {
    case GuestStatus::kActive:
      return "active";
    case GuestStatus::kBlocked:
      return "blocked";
    case GuestStatus::kCancelled:
      return "cancelled";
  }
  return "active";
}

std::optional<GuestStatus> parseGuestStatus(std::string_view text) {
  const std::string key = lowerAscii(trim(text));
  if (key == "active" || key.empty()) {
    return GuestStatus::kActive;
  }
  if (key == "blocked") {
    return GuestStatus::kBlocked;
  }
  if (key == "cancelled" || key == "canceled") {
    return GuestStatus::kCancelled;
  }
  return std::nullopt;
}

std::optional<std::string> normalizeBookingCode(std::string_view text) {
  text = trim(text);
  if (text.size() < 4 || text.size() > 32) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 && u < 0x80) {
      out.push_back(static_cast<char>(std::toupper(u)));
    } else if (c == '-') {
      out.push_back(c);
    } else {
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace kiosk
