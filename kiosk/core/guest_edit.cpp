#include "kiosk/core/guest_edit.h"

#include <charconv>

namespace kiosk {

namespace {

// "transport.2.driver" -> {"transport", 2, "driver"}; "lodging.room" -> {"lodging", 0, "room"}.
struct FieldPath {
  std::string_view group;
  std::size_t index = 0;
  std::string_view name;
};

std::optional<FieldPath> splitField(std::string_view field) {
  const auto dot = field.find('.');
  if (dot == std::string_view::npos) {
    return std::nullopt;
  }
  FieldPath p;
  p.group = field.substr(0, dot);
  std::string_view rest = field.substr(dot + 1);
  if (p.group == "lodging") {
    p.name = rest;
    return p;
  }
  const auto second = rest.find('.');
  if (second == std::string_view::npos || second == 0 || second > 2) {
    return std::nullopt;
  }
  const auto digits = rest.substr(0, second);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), p.index);
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    return std::nullopt;
  }
  p.name = rest.substr(second + 1);
  return p;
}

// The text field a path names, or nullptr; `time` is set instead for time fields.
std::string* textField(Guest& g, const FieldPath& p, std::optional<TimePoint>** time) {
  *time = nullptr;
  if (p.group == "lodging") {
    if (p.name == "hotel") {
      return &g.lodging.hotel;
    }
    if (p.name == "room") {
      return &g.lodging.room;
    }
    return nullptr;
  }
  if (p.group == "transport" && p.index < g.transport.size()) {
    auto& leg = g.transport[p.index];
    if (p.name == "vehicle") {
      return &leg.vehicle;
    }
    if (p.name == "driver") {
      return &leg.driver;
    }
    if (p.name == "driver_phone") {
      return &leg.driverPhone;
    }
    if (p.name == "pickup_place") {
      return &leg.pickupPlace;
    }
    if (p.name == "pickup_time") {
      *time = &leg.pickupTime;
    }
    return nullptr;
  }
  if (p.group == "meeting" && p.index < g.meetings.size()) {
    auto& m = g.meetings[p.index];
    if (p.name == "room") {
      return &m.room;
    }
    if (p.name == "seat") {
      return &m.seat;
    }
    if (p.name == "starts_at") {
      *time = &m.startsAt;
    }
    return nullptr;
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> applyFieldChange(Guest& guest, const GuestFieldChange& change) {
  const auto path = splitField(change.field);
  if (!path) {
    return "unknown field";
  }
  std::optional<TimePoint>* time = nullptr;
  std::string* text = textField(guest, *path, &time);
  if (text != nullptr) {
    *text = change.value;
    return std::nullopt;
  }
  if (time == nullptr) {
    return "the guest has no such field";
  }
  if (change.value.empty()) {
    time->reset();
    return std::nullopt;
  }
  const auto parsed = parseIso8601(change.value);
  if (!parsed) {
    return "a time must be ISO 8601";
  }
  *time = *parsed;
  return std::nullopt;
}

bool isTimeField(std::string_view field) {
  return field.ends_with(".pickup_time") || field.ends_with(".starts_at");
}

std::optional<std::string> fieldValue(const Guest& guest, std::string_view field) {
  const auto path = splitField(field);
  if (!path) {
    return std::nullopt;
  }
  Guest copy = guest;  // textField hands out pointers into a guest it may change
  std::optional<TimePoint>* time = nullptr;
  if (const std::string* text = textField(copy, *path, &time)) {
    return *text;
  }
  if (time == nullptr) {
    return std::nullopt;
  }
  return *time ? formatIso8601(**time) : std::string();
}

}  // namespace kiosk
