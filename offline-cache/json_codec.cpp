#include "offline-cache/json_codec.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "kiosk/core/encoding.h"

namespace kiosk::cache {

namespace {

template <typename T>
T number(const Json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    return fallback;
  }
  return integerFromJson<T>(*it);
}

}  // namespace

std::string stringField(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    return {};
  }
  return it->get<std::string>();
}

std::optional<TimePoint> optionalTimeField(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    return std::nullopt;
  }
  return timeFromJson(*it);
}

Json optionalTimeJson(const std::optional<TimePoint>& t) {
  return t ? toJson(*t) : Json(nullptr);
}

std::int64_t integerFromJson(const Json& j, std::int64_t min, std::int64_t max) {
  if (j.is_number_unsigned()) {
    const auto v = j.get<std::uint64_t>();
    if (std::cmp_less_equal(v, max) && std::cmp_greater_equal(v, min)) {
      return static_cast<std::int64_t>(v);
    }
  } else if (j.is_number_integer()) {
    const auto v = j.get<std::int64_t>();
    if (v >= min && v <= max) {
      return v;
    }
  } else {
    throw std::invalid_argument("expected an integer, got " + std::string(j.type_name()));
  }
  throw std::invalid_argument("integer out of range: " + j.dump().substr(0, 40));
}

Json toJson(TimePoint t) {
  return formatIso8601(t, true);
}

TimePoint timeFromJson(const Json& j) {
  const auto text = j.get<std::string>();
  auto t = parseIso8601(text);
  if (!t) {
    throw std::invalid_argument("not an ISO 8601 time: " + text.substr(0, 40));
  }
  return *t;
}

Json toJson(const Event& e) {
  Json contacts = Json::array();
  for (const auto& c : e.emergencyContacts) {
    contacts.push_back({{"label", c.label}, {"phone", c.phone}});
  }
  return {{"id", e.id},
          {"name", e.name},
          {"starts_at", toJson(e.startsAt)},
          {"ends_at", toJson(e.endsAt)},
          {"timezone", e.timezone},
          {"venue", e.venue},
          {"venue_address", e.venueAddress},
          {"wifi_ssid", e.wifiSsid},
          {"wifi_password", e.wifiPassword},
          {"emergency_contacts", contacts},
          {"hospital",
           {{"name", e.hospitalName}, {"address", e.hospitalAddress}, {"phone", e.hospitalPhone}}},
          {"required_fields", e.requiredFields},
          {"retention_days", e.retentionDays},
          {"self_reprint_limit", e.selfReprintLimit}};
}

Event eventFromJson(const Json& j) {
  Event e;
  e.id = integerFromJson<EventId>(j.at("id"));
  e.name = j.at("name").get<std::string>();
  e.startsAt = timeFromJson(j.at("starts_at"));
  e.endsAt = timeFromJson(j.at("ends_at"));
  e.timezone = j.value("timezone", e.timezone);
  e.venue = stringField(j, "venue");
  e.venueAddress = stringField(j, "venue_address");
  e.wifiSsid = stringField(j, "wifi_ssid");
  e.wifiPassword = stringField(j, "wifi_password");
  if (auto it = j.find("emergency_contacts"); it != j.end() && it->is_array()) {
    for (const auto& c : *it) {
      e.emergencyContacts.push_back({stringField(c, "label"), stringField(c, "phone")});
    }
  }
  if (auto it = j.find("hospital"); it != j.end() && it->is_object()) {
    e.hospitalName = stringField(*it, "name");
    e.hospitalAddress = stringField(*it, "address");
    e.hospitalPhone = stringField(*it, "phone");
  }
  if (auto it = j.find("required_fields"); it != j.end() && it->is_array()) {
    e.requiredFields = it->get<std::vector<std::string>>();
  }
  e.retentionDays = number(j, "retention_days", e.retentionDays);
  e.selfReprintLimit = number(j, "self_reprint_limit", e.selfReprintLimit);
  return e;
}

Json toJson(const SpecialNeeds& n) {
  return {{"diet", n.diet}, {"allergies", n.allergies}, {"accessibility", n.accessibility}};
}

SpecialNeeds needsFromJson(const Json& j) {
  return SpecialNeeds{stringField(j, "diet"), stringField(j, "allergies"),
                      stringField(j, "accessibility")};
}

namespace {

// A lodging date is YYYY-MM-DD or unknown; unknown is null on the wire (`format: date` in
// docs/api/openapi.yaml), never "". Readers take "" too (older peers sent it).
Json optionalDateJson(const std::string& date) {
  return date.empty() ? Json(nullptr) : Json(date);
}

}  // namespace

Json toJson(const Lodging& l) {
  return {{"hotel", l.hotel},
          {"room", l.room},
          {"floor", l.floor},
          {"checkin_date", optionalDateJson(l.checkinDate)},
          {"checkout_date", optionalDateJson(l.checkoutDate)},
          {"door_card_pickup", l.doorCardPickup},
          {"wifi", l.wifi},
          {"breakfast", l.breakfast}};
}

Lodging lodgingFromJson(const Json& j) {
  Lodging l;
  l.hotel = stringField(j, "hotel");
  l.room = stringField(j, "room");
  l.floor = stringField(j, "floor");
  l.checkinDate = stringField(j, "checkin_date");
  l.checkoutDate = stringField(j, "checkout_date");
  l.doorCardPickup = stringField(j, "door_card_pickup");
  l.wifi = stringField(j, "wifi");
  l.breakfast = stringField(j, "breakfast");
  return l;
}

Json toJson(const TransportLeg& t) {
  return {{"vehicle", t.vehicle},          {"driver", t.driver},
          {"driver_phone", t.driverPhone}, {"pickup_time", optionalTimeJson(t.pickupTime)},
          {"pickup_place", t.pickupPlace}, {"flight", t.flight}};
}

TransportLeg transportLegFromJson(const Json& j) {
  TransportLeg t;
  t.vehicle = stringField(j, "vehicle");
  t.driver = stringField(j, "driver");
  t.driverPhone = stringField(j, "driver_phone");
  t.pickupTime = optionalTimeField(j, "pickup_time");
  t.pickupPlace = stringField(j, "pickup_place");
  t.flight = stringField(j, "flight");
  return t;
}

Json toJson(const Meeting& m) {
  return {{"name", m.name},
          {"room", m.room},
          {"starts_at", optionalTimeJson(m.startsAt)},
          {"seat", m.seat}};
}

Meeting meetingFromJson(const Json& j) {
  Meeting m;
  m.name = stringField(j, "name");
  m.room = stringField(j, "room");
  m.startsAt = optionalTimeField(j, "starts_at");
  m.seat = stringField(j, "seat");
  return m;
}

Json toJson(const Guest& g) {
  Json transport = Json::array();
  for (const auto& t : g.transport) {
    transport.push_back(toJson(t));
  }
  Json meetings = Json::array();
  for (const auto& m : g.meetings) {
    meetings.push_back(toJson(m));
  }
  Json j = {{"event_id", g.eventId},
            {"id", g.id},
            {"booking_code", g.bookingCode},
            {"name", g.name},
            {"company", g.company},
            {"title", g.title},
            {"category", toString(g.category)},
            {"language", g.language},
            {"phone", g.phone},
            {"email", g.email},
            {"needs", toJson(g.needs)},
            {"host", g.host},
            {"host_contact", g.hostContact},
            {"status", toString(g.status)},
            {"escort_required", g.escortRequired},
            {"lodging", toJson(g.lodging)},
            {"transport", transport},
            {"meetings", meetings}};
  if (!g.nameReading.empty()) {  // rare: left out rather than sent empty for every guest
    j["name_reading"] = g.nameReading;
  }
  return j;
}

Guest guestFromJson(const Json& j) {
  Guest g;
  g.eventId = integerFromJson<EventId>(j.at("event_id"));
  g.id = integerFromJson<GuestId>(j.at("id"));
  g.bookingCode = j.at("booking_code").get<std::string>();
  g.name = j.at("name").get<std::string>();
  g.nameReading = stringField(j, "name_reading");
  g.company = stringField(j, "company");
  g.title = stringField(j, "title");
  const auto category = parseGuestCategory(stringField(j, "category"));
  g.category = category.value_or(GuestCategory::kOther);
  g.language = stringField(j, "language");
  g.phone = stringField(j, "phone");
  g.email = stringField(j, "email");
  if (auto it = j.find("needs"); it != j.end() && it->is_object()) {
    g.needs = needsFromJson(*it);
  }
  g.host = stringField(j, "host");
  g.hostContact = stringField(j, "host_contact");
  const auto status = parseGuestStatus(stringField(j, "status"));
  if (!status) {
    throw std::invalid_argument("unknown guest status");
  }
  g.status = *status;
  g.escortRequired = j.value("escort_required", false);
  if (auto it = j.find("lodging"); it != j.end() && it->is_object()) {
    g.lodging = lodgingFromJson(*it);
  }
  if (auto it = j.find("transport"); it != j.end() && it->is_array()) {
    for (const auto& t : *it) {
      g.transport.push_back(transportLegFromJson(t));
    }
  }
  if (auto it = j.find("meetings"); it != j.end() && it->is_array()) {
    for (const auto& m : *it) {
      g.meetings.push_back(meetingFromJson(m));
    }
  }
  return g;
}

Json toJson(const CheckinRecord& r) {
  Json j = {{"id", r.id},
            {"event_id", r.eventId},
            {"guest_id", r.guestId},
            {"terminal", r.terminal},
            {"scanned_at", toJson(r.scannedAt)},
            {"method", toString(r.method)},
            {"staff_id", r.staffId},
            {"override_reason", r.overrideReason},
            {"confirmed_needs", toJson(r.confirmedNeeds)},
            {"needs_changed", r.needsChanged},
            {"photo_taken", r.photoTaken},
            {"undone_at", optionalTimeJson(r.undoneAt)},
            {"undone_by", r.undoneBy},
            {"undo_reason", r.undoReason}};
  if (r.previousNeeds) {
    j["previous_needs"] = toJson(*r.previousNeeds);
  }
  return j;
}

CheckinRecord checkinFromJson(const Json& j) {
  CheckinRecord r;
  r.id = j.at("id").get<std::string>();
  r.eventId = integerFromJson<EventId>(j.at("event_id"));
  r.guestId = integerFromJson<GuestId>(j.at("guest_id"));
  r.terminal = j.at("terminal").get<std::string>();
  r.scannedAt = timeFromJson(j.at("scanned_at"));
  const auto method = parseCheckinMethod(j.at("method").get<std::string>());
  if (!method) {
    throw std::invalid_argument("unknown check-in method");
  }
  r.method = *method;
  r.staffId = stringField(j, "staff_id");
  r.overrideReason = stringField(j, "override_reason");
  if (auto it = j.find("confirmed_needs"); it != j.end() && it->is_object()) {
    r.confirmedNeeds = needsFromJson(*it);
  }
  r.needsChanged = j.value("needs_changed", false);
  if (auto it = j.find("previous_needs"); it != j.end() && it->is_object()) {
    r.previousNeeds = needsFromJson(*it);
  }
  r.photoTaken = j.value("photo_taken", false);
  r.undoneAt = optionalTimeField(j, "undone_at");
  r.undoneBy = stringField(j, "undone_by");
  r.undoReason = stringField(j, "undo_reason");
  return r;
}

Json toJson(const RejectedScan& r) {
  return {{"id", r.id},
          {"event_id", r.eventId},
          {"guest_id", r.guestId ? Json(*r.guestId) : Json(nullptr)},
          {"terminal", r.terminal},
          {"scanned_at", toJson(r.scannedAt)},
          {"outcome", toString(r.outcome)},
          {"staff_reason", toString(r.staffReason)},
          {"detail", r.detail},
          {"scan_hash", r.scanHash},
          {"source", toString(r.source)}};
}

RejectedScan rejectionFromJson(const Json& j) {
  RejectedScan r;
  r.id = j.at("id").get<std::string>();
  r.eventId = integerFromJson<EventId>(j.at("event_id"));
  if (auto it = j.find("guest_id"); it != j.end() && !it->is_null()) {
    r.guestId = integerFromJson<GuestId>(*it);
  }
  r.terminal = j.at("terminal").get<std::string>();
  r.scannedAt = timeFromJson(j.at("scanned_at"));
  const auto outcome = parseScanOutcome(j.at("outcome").get<std::string>());
  if (!outcome) {
    throw std::invalid_argument("unknown scan outcome");
  }
  r.outcome = *outcome;
  const auto reason = stringField(j, "staff_reason");
  for (auto candidate : {StaffReason::kNone, StaffReason::kBlocked, StaffReason::kVipEscort,
                         StaffReason::kMissingAnswers}) {
    if (reason == toString(candidate)) {
      r.staffReason = candidate;
    }
  }
  r.detail = stringField(j, "detail");
  r.scanHash = stringField(j, "scan_hash");
  const auto source = stringField(j, "source");
  for (auto candidate : {ScanSource::kCamera, ScanSource::kWedgeScanner, ScanSource::kTyped,
                         ScanSource::kCommandLine}) {
    if (source == toString(candidate)) {
      r.source = candidate;
    }
  }
  return r;
}

Json toJson(const AuditEvent& a) {
  return {{"at", toJson(a.at)},    {"terminal", a.terminal},
          {"actor", a.actor},      {"action", toString(a.action)},
          {"event_id", a.eventId}, {"guest_id", a.guestId ? Json(*a.guestId) : Json(nullptr)},
          {"outcome", a.outcome},  {"reason", a.reason},
          {"ref_id", a.refId}};
}

Json toJson(const SigningKey& k, bool withSecret) {
  Json j{{"event_id", k.eventId},
         {"key_id", k.id},
         {"public_key", hexEncode(k.publicKey)},
         {"created_at", toJson(k.createdAt)},
         {"retired_at", k.retiredAt ? toJson(*k.retiredAt) : Json(nullptr)}};
  if (withSecret && k.secretKey) {
    j["secret_key"] = hexEncode(*k.secretKey);
  }
  return j;
}

SigningKey signingKeyFromJson(const Json& j) {
  SigningKey k;
  k.eventId = integerFromJson<EventId>(j.at("event_id"));
  k.id = integerFromJson<KeyId>(j.at("key_id"));
  const auto pub = hexDecode(j.at("public_key").get<std::string>());
  if (!pub || pub->size() != k.publicKey.size()) {
    throw std::invalid_argument("public_key must be 32 bytes of hex");
  }
  std::copy(pub->begin(), pub->end(), k.publicKey.begin());
  k.createdAt = timeFromJson(j.at("created_at"));
  if (auto it = j.find("retired_at"); it != j.end() && !it->is_null()) {
    k.retiredAt = timeFromJson(*it);
  }
  if (auto it = j.find("secret_key"); it != j.end() && it->is_string()) {
    const auto secret = hexDecode(it->get<std::string>());
    if (!secret || secret->size() != 64) {
      throw std::invalid_argument("secret_key must be 64 bytes of hex");
    }
    SecretKey s{};
    std::copy(secret->begin(), secret->end(), s.begin());
    k.secretKey = s;
  }
  return k;
}

std::string dump(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

namespace {
Json withoutEmpty(const Json& j) {
  if (j.is_object()) {
    Json out = Json::object();
    for (const auto& [key, value] : j.items()) {
      if (value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty())) {
        continue;
      }
      Json compact = withoutEmpty(value);
      if (compact.is_object() && compact.empty()) {
        continue;
      }
      out[key] = std::move(compact);
    }
    return out;
  }
  if (j.is_array()) {
    Json out = Json::array();
    for (const auto& value : j) {
      out.push_back(withoutEmpty(value));
    }
    return out;
  }
  return j;
}
}  // namespace

std::string dumpCompact(const Json& j) {
  return dump(withoutEmpty(j));
}

Json parseJson(std::string_view text) {
  return Json::parse(text);
}

}  // namespace kiosk::cache
