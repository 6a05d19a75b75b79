#include "kiosk/admin/event_file.h"

#include <toml++/toml.h>

#include <set>

#include "kiosk/core/local_time.h"

namespace kiosk::app {

namespace {

std::string where(const std::string& path, const toml::node& node, std::string_view key) {
  return path + ":" + std::to_string(node.source().begin.line) + ": " + std::string(key);
}

Status checkKeys(const std::string& path, const toml::table& table,
                 const std::set<std::string_view>& allowed) {
  for (const auto& [key, node] : table) {
    if (allowed.count(key.str()) == 0) {
      return makeError(ErrorKind::kInvalidInput, where(path, node, key.str()) + ": unknown key");
    }
  }
  return okStatus();
}

Result<std::string> text(const std::string& path, const toml::table& table, std::string_view key,
                         const std::string& fallback) {
  const auto* node = table.get(key);
  if (node == nullptr) {
    return fallback;
  }
  if (const auto* s = node->as_string()) {
    return s->get();
  }
  return makeError(ErrorKind::kInvalidInput, where(path, *node, key) + ": expected a string");
}

}  // namespace

Status applyEventFile(const std::string& path, Event& event) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return makeError(ErrorKind::kInvalidInput, path + ":" + std::to_string(e.source().begin.line) +
                                                   ": " + std::string(e.description()));
  }
  if (auto ok = checkKeys(path, root,
                          {"name", "starts", "ends", "timezone", "venue", "venue_address",
                           "wifi_ssid", "wifi_password", "retention_days", "self_reprint_limit",
                           "required_fields", "hospital", "emergency_contacts"});
      !ok) {
    return ok;
  }
  auto str = [&](std::string_view key, std::string& field) -> Status {
    auto value = text(path, root, key, field);
    if (!value) {
      return value.error();
    }
    field = *value;
    return okStatus();
  };
  for (auto [key, field] : {std::pair<std::string_view, std::string*>{"name", &event.name},
                            {"timezone", &event.timezone},
                            {"venue", &event.venue},
                            {"venue_address", &event.venueAddress},
                            {"wifi_ssid", &event.wifiSsid},
                            {"wifi_password", &event.wifiPassword}}) {
    if (auto ok = str(key, *field); !ok) {
      return ok;
    }
  }
  if (!isKnownTimeZone(event.timezone)) {
    return makeError(ErrorKind::kInvalidInput,
                     path + ": timezone: unknown time zone '" + event.timezone + "'");
  }
  for (auto [key, field] : {std::pair<std::string_view, TimePoint*>{"starts", &event.startsAt},
                            {"ends", &event.endsAt}}) {
    if (const auto* node = root.get(key)) {
      const auto* s = node->as_string();
      const auto t = s != nullptr ? parseLocalTime(s->get(), event.timezone) : std::nullopt;
      if (!t) {
        return makeError(
            ErrorKind::kInvalidInput,
            where(path, *node, key) + ": expected an ISO 8601 date-time like 2026-11-24T08:00");
      }
      *field = *t;
    }
  }
  for (auto [key, field] :
       {std::pair<std::string_view, int*>{"retention_days", &event.retentionDays},
        {"self_reprint_limit", &event.selfReprintLimit}}) {
    if (const auto* node = root.get(key)) {
      const auto* v = node->as_integer();
      if (v == nullptr || v->get() < 0 || v->get() > 3650) {
        return makeError(ErrorKind::kInvalidInput,
                         where(path, *node, key) + ": expected a whole number 0-3650");
      }
      *field = static_cast<int>(v->get());
    }
  }
  if (const auto* node = root.get("required_fields")) {
    const auto* list = node->as_array();
    if (list == nullptr) {
      return makeError(ErrorKind::kInvalidInput,
                       where(path, *node, "required_fields") + ": expected a list");
    }
    event.requiredFields.clear();
    static const std::set<std::string> kKnown{"phone",    "email", "company",   "title",
                                              "language", "diet",  "allergies", "accessibility"};
    for (const auto& item : *list) {
      const auto* s = item.as_string();
      if (s == nullptr || kKnown.count(s->get()) == 0) {
        return makeError(ErrorKind::kInvalidInput,
                         where(path, item, "required_fields") +
                             ": expected field names among phone, email, company, title, language, "
                             "diet, allergies, accessibility");
      }
      event.requiredFields.push_back(s->get());
    }
  }
  if (const auto* node = root.get("hospital")) {
    const auto* table = node->as_table();
    if (table == nullptr) {
      return makeError(ErrorKind::kInvalidInput,
                       where(path, *node, "hospital") + ": expected a table");
    }
    if (auto ok = checkKeys(path, *table, {"name", "address", "phone"}); !ok) {
      return ok;
    }
    for (auto [key, field] :
         {std::pair<std::string_view, std::string*>{"name", &event.hospitalName},
          {"address", &event.hospitalAddress},
          {"phone", &event.hospitalPhone}}) {
      auto value = text(path, *table, key, *field);
      if (!value) {
        return value.error();
      }
      *field = *value;
    }
  }
  if (const auto* node = root.get("emergency_contacts")) {
    const auto* list = node->as_array();
    if (list == nullptr) {
      return makeError(ErrorKind::kInvalidInput, where(path, *node, "emergency_contacts") +
                                                     ": expected [[emergency_contacts]] tables");
    }
    event.emergencyContacts.clear();
    for (const auto& item : *list) {
      const auto* table = item.as_table();
      if (table == nullptr) {
        return makeError(ErrorKind::kInvalidInput,
                         where(path, item, "emergency_contacts") + ": expected a table");
      }
      if (auto ok = checkKeys(path, *table, {"label", "phone"}); !ok) {
        return ok;
      }
      auto label = text(path, *table, "label", "");
      auto phone = text(path, *table, "phone", "");
      if (!label || !phone) {
        return !label ? label.error() : phone.error();
      }
      event.emergencyContacts.push_back({*label, *phone});
    }
  }
  return okStatus();
}

}  // namespace kiosk::app
