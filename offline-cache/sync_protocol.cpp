#include "offline-cache/sync_protocol.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace kiosk::cache::api {

// The codec's overloads (times, events, check-ins) next to this file's own.
using cache::toJson;

namespace {

constexpr std::array<PushRoute, 8> kRoutes{{
    {RecordKind::kWalkIn, "walk_in", kWalkInsPath, "walk_ins"},
    {RecordKind::kCheckin, "checkin", kCheckinsPath, "checkins"},
    {RecordKind::kUndo, "undo", kUndosPath, "undos"},
    {RecordKind::kGuestEdit, "guest_edit", kGuestEditsPath, "edits"},
    {RecordKind::kRejection, "rejection", kRejectionsPath, "rejections"},
    {RecordKind::kArrivalNotice, "arrival_notice", kArrivalNoticesPath, "notices"},
    {RecordKind::kFeedback, "feedback", kFeedbackPath, "feedback"},
    {RecordKind::kAudit, "audit", kAuditPath, "audit"},
}};

template <typename T, typename F>
void readArray(const Json& body, const char* key, std::vector<T>& out, F&& convert) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    return;
  }
  if (!it->is_array()) {
    throw std::invalid_argument(std::string(key) + " must be an array");
  }
  out.reserve(it->size());
  for (const auto& item : *it) {
    out.push_back(convert(item));
  }
}

}  // namespace

std::span<const PushRoute> pushRoutes() {
  return kRoutes;
}

const PushRoute* pushRouteForKind(std::string_view kind) {
  for (const auto& r : kRoutes) {
    if (r.kind == kind) {
      return &r;
    }
  }
  return nullptr;
}

const PushRoute* pushRouteForPath(std::string_view path) {
  for (const auto& r : kRoutes) {
    if (r.path == path) {
      return &r;
    }
  }
  return nullptr;
}

std::string problemBody(const Problem& p) {
  Json j{{"type", p.type}, {"title", p.title}, {"status", p.status}};
  if (!p.detail.empty()) {
    j["detail"] = p.detail;
  }
  if (p.serverTime) {
    j["server_time"] = toJson(*p.serverTime);
  }
  return dump(j);
}

std::optional<Problem> parseProblem(std::string_view body) {
  try {
    const auto j = Json::parse(body);
    if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) {
      return std::nullopt;
    }
    Problem p;
    p.type = j["type"].get<std::string>();
    if (auto it = j.find("title"); it != j.end() && it->is_string()) {
      p.title = it->get<std::string>();
    }
    if (auto it = j.find("status"); it != j.end() && it->is_number_integer()) {
      p.status = integerFromJson<int>(*it);
    }
    if (auto it = j.find("detail"); it != j.end() && it->is_string()) {
      p.detail = it->get<std::string>();
    }
    if (auto it = j.find("server_time"); it != j.end() && it->is_string()) {
      p.serverTime = parseIso8601(it->get<std::string>());
    }
    return p;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

Json toJson(const ItemResult& r) {
  Json j{{"id", r.id}, {"status", r.status == ItemStatus::kAccepted ? "accepted" : "rejected"}};
  if (r.flagged) {
    j["flagged"] = true;
  }
  if (!r.detail.empty()) {
    j["detail"] = r.detail;
  }
  return j;
}

std::vector<ItemResult> parsePushResults(std::string_view body) {
  const auto j = Json::parse(body);
  std::vector<ItemResult> results;
  for (const auto& item : j.at("results")) {
    ItemResult r;
    r.id = item.at("id").get<std::string>();
    const auto status = item.at("status").get<std::string>();
    if (status == "accepted") {
      r.status = ItemStatus::kAccepted;
    } else if (status == "rejected") {
      r.status = ItemStatus::kRejected;
    } else {
      throw std::invalid_argument("unknown item status");
    }
    r.flagged = item.value("flagged", false);
    r.detail = stringField(item, "detail");
    results.push_back(std::move(r));
  }
  return results;
}

Json toJson(const UndoRecord& u) {
  return {{"checkin_id", u.checkinId},       {"event_id", u.eventId},   {"guest_id", u.guestId},
          {"undone_at", toJson(u.undoneAt)}, {"undone_by", u.undoneBy}, {"reason", u.reason},
          {"terminal", u.terminal}};
}

UndoRecord undoFromJson(const Json& j) {
  UndoRecord u;
  u.checkinId = j.at("checkin_id").get<std::string>();
  u.eventId = integerFromJson<EventId>(j.at("event_id"));
  u.guestId = j.contains("guest_id") ? integerFromJson<GuestId>(j.at("guest_id")) : GuestId{0};
  u.undoneAt = timeFromJson(j.at("undone_at"));
  u.undoneBy = stringField(j, "undone_by");
  u.reason = stringField(j, "reason");
  u.terminal = stringField(j, "terminal");
  if (u.checkinId.empty()) {
    throw std::invalid_argument("undo without checkin_id");
  }
  return u;
}

Json toJson(const ArrivalNotice& n) {
  return {{"id", n.id},
          {"checkin_id", n.checkinId},
          {"event_id", n.eventId},
          {"guest_id", n.guestId},
          {"host", n.host},
          {"host_contact", n.hostContact},
          {"terminal", n.terminal},
          {"arrived_at", toJson(n.arrivedAt)}};
}

ArrivalNotice arrivalNoticeFromJson(const Json& j) {
  ArrivalNotice n;
  n.id = j.at("id").get<std::string>();
  n.checkinId = j.at("checkin_id").get<std::string>();
  n.eventId = integerFromJson<EventId>(j.at("event_id"));
  n.guestId = integerFromJson<GuestId>(j.at("guest_id"));
  n.host = stringField(j, "host");
  n.hostContact = stringField(j, "host_contact");
  n.terminal = stringField(j, "terminal");
  n.arrivedAt = timeFromJson(j.at("arrived_at"));
  if (n.id.empty()) {
    throw std::invalid_argument("arrival notice without id");
  }
  return n;
}

Json toJson(const Feedback& f) {
  return {{"id", f.id},
          {"event_id", f.eventId},
          {"guest_id", f.guestId ? Json(*f.guestId) : Json(nullptr)},
          {"terminal", f.terminal},
          {"at", toJson(f.at)},
          {"kind", toString(f.kind)},
          {"rating", f.rating ? Json(*f.rating) : Json(nullptr)},
          {"category", f.category},
          {"text", f.text}};
}

Json toJson(const GuestEdit& e) {
  Json changes = Json::array();
  for (const auto& c : e.changes) {
    changes.push_back({{"field", c.field}, {"value", c.value}});
  }
  return {{"id", e.id},
          {"event_id", e.eventId},
          {"guest_id", e.guestId},
          {"terminal", e.terminal},
          {"staff_id", e.staffId},
          {"reason", e.reason},
          {"at", toJson(e.at)},
          {"changes", changes}};
}

GuestEdit guestEditFromJson(const Json& j) {
  GuestEdit e;
  e.id = j.at("id").get<std::string>();
  e.eventId = integerFromJson<EventId>(j.at("event_id"));
  e.guestId = integerFromJson<GuestId>(j.at("guest_id"));
  e.terminal = stringField(j, "terminal");
  e.staffId = stringField(j, "staff_id");
  e.reason = stringField(j, "reason");
  e.at = timeFromJson(j.at("at"));
  const auto& changes = j.at("changes");
  if (!changes.is_array()) {
    throw std::invalid_argument("changes must be an array");
  }
  for (const auto& c : changes) {
    e.changes.push_back({c.at("field").get<std::string>(), c.at("value").get<std::string>()});
  }
  return e;
}

bool sentToCentral(AuditAction action) {
  return action == AuditAction::kStaffLockedOut;
}

Json toJson(const std::string& id, const AuditEvent& audit) {
  Json j = cache::toJson(audit);
  j["id"] = id;
  return j;
}

std::pair<std::string, AuditEvent> auditFromJson(const Json& j, bool anyAction) {
  std::pair<std::string, AuditEvent> out;
  out.first = j.at("id").get<std::string>();
  AuditEvent& a = out.second;
  const auto action = parseAuditAction(j.at("action").get<std::string>());
  if (!action || (!anyAction && !sentToCentral(*action))) {
    throw std::invalid_argument("audit action central does not take from terminals");
  }
  a.action = *action;
  a.at = timeFromJson(j.at("at"));
  a.eventId = integerFromJson<EventId>(j.at("event_id"));
  if (auto it = j.find("guest_id"); it != j.end() && !it->is_null()) {
    a.guestId = integerFromJson<GuestId>(*it);
  }
  a.terminal = stringField(j, "terminal");
  a.actor = stringField(j, "actor");
  a.outcome = stringField(j, "outcome");
  a.reason = stringField(j, "reason");
  a.refId = stringField(j, "ref_id");
  if (out.first.empty()) {
    throw std::invalid_argument("audit row without id");
  }
  return out;
}

Feedback feedbackFromJson(const Json& j) {
  Feedback f;
  f.id = j.at("id").get<std::string>();
  f.eventId = integerFromJson<EventId>(j.at("event_id"));
  if (auto it = j.find("guest_id"); it != j.end() && !it->is_null()) {
    f.guestId = integerFromJson<GuestId>(*it);
  }
  f.terminal = stringField(j, "terminal");
  f.at = timeFromJson(j.at("at"));
  const auto kind = parseFeedbackKind(j.at("kind").get<std::string>());
  if (!kind) {
    throw std::invalid_argument("unknown feedback kind");
  }
  f.kind = *kind;
  if (auto it = j.find("rating"); it != j.end() && !it->is_null()) {
    f.rating = integerFromJson<int>(*it);
    if (*f.rating < 1 || *f.rating > 5) {
      throw std::invalid_argument("rating must be 1 to 5");
    }
  }
  f.category = stringField(j, "category");
  f.text = stringField(j, "text");
  if (f.id.empty()) {
    throw std::invalid_argument("feedback without id");
  }
  return f;
}

Json toJson(const Revocation& r) {
  return {{"event_id", r.eventId},
          {"token_id", r.tokenId},
          {"reason", r.reason},
          {"revoked_at", toJson(r.revokedAt)},
          {"guest_id", r.guestId ? Json(*r.guestId) : Json(nullptr)}};
}

Revocation revocationFromJson(const Json& j) {
  Revocation r;
  r.eventId = integerFromJson<EventId>(j.at("event_id"));
  r.tokenId = j.at("token_id").get<std::string>();
  r.reason = stringField(j, "reason");
  r.revokedAt = timeFromJson(j.at("revoked_at"));
  if (auto it = j.find("guest_id"); it != j.end() && !it->is_null()) {
    r.guestId = integerFromJson<GuestId>(*it);
  }
  return r;
}

Json toJson(const StaffMember& m) {
  return {{"id", m.id},
          {"name", m.name},
          {"role", m.role},
          {"pin_hash", m.pinHash},
          {"badge_hash", m.badgeHash},
          {"active", m.active},
          {"language", m.language}};
}

StaffMember staffFromJson(const Json& j) {
  StaffMember m;
  m.id = j.at("id").get<std::string>();
  m.name = j.at("name").get<std::string>();
  m.role = j.value("role", m.role);
  m.pinHash = stringField(j, "pin_hash");
  m.badgeHash = stringField(j, "badge_hash");
  m.active = j.value("active", true);
  m.language = stringField(j, "language");  // absent before staff had a language
  if (m.id.empty()) {
    throw std::invalid_argument("staff member without id");
  }
  return m;
}

Json toJson(const BadgeTemplate& t) {
  return {{"name", t.name}, {"toml", t.toml}, {"updated_at", toJson(t.updatedAt)}};
}

BadgeTemplate badgeTemplateFromJson(const Json& j) {
  BadgeTemplate t;
  t.name = j.at("name").get<std::string>();
  t.toml = j.at("toml").get<std::string>();
  t.updatedAt = timeFromJson(j.at("updated_at"));
  return t;
}

Json toJson(const SyncedCheckin& c) {
  Json j = toJson(c.record);
  j["flagged"] = c.flagged;
  return j;
}

SyncedCheckin syncedCheckinFromJson(const Json& j) {
  SyncedCheckin c;
  c.record = checkinFromJson(j);
  c.flagged = j.value("flagged", false);
  return c;
}

ChangesPage parseChangesPage(std::string_view body) {
  const auto j = Json::parse(body);
  if (!j.is_object()) {
    throw std::invalid_argument("a changes page must be an object");
  }
  ChangesPage page;
  page.cursor = j.at("cursor").get<std::string>();
  page.hasMore = j.at("has_more").get<bool>();
  page.serverTime = optionalTimeField(j, "server_time");
  readArray(j, "events", page.events, eventFromJson);
  readArray(j, "signing_keys", page.signingKeys, signingKeyFromJson);
  readArray(j, "guests", page.guests, guestFromJson);
  readArray(j, "revocations", page.revocations, revocationFromJson);
  readArray(j, "staff", page.staff, staffFromJson);
  readArray(j, "badge_templates", page.badgeTemplates, badgeTemplateFromJson);
  readArray(j, "checkins", page.checkins, syncedCheckinFromJson);
  for (auto& k : page.signingKeys) {
    k.secretKey.reset();  // a terminal never keeps a secret it was sent by mistake
  }
  return page;
}

Json toJson(const Enrollment& e) {
  return {{"device_id", e.deviceId},  {"terminal", e.terminal},
          {"token", e.token},         {"token_expires_at", toJson(e.tokenExpiresAt)},
          {"event", toJson(e.event)}, {"server_time", optionalTimeJson(e.serverTime)}};
}

Enrollment enrollmentFromJson(const Json& j) {
  Enrollment e;
  e.deviceId = j.at("device_id").get<std::string>();
  e.terminal = j.at("terminal").get<std::string>();
  e.token = j.at("token").get<std::string>();
  e.tokenExpiresAt = timeFromJson(j.at("token_expires_at"));
  e.event = eventFromJson(j.at("event"));
  e.serverTime = optionalTimeField(j, "server_time");
  if (e.deviceId.empty() || e.token.empty()) {
    throw std::invalid_argument("enrollment without device id or token");
  }
  return e;
}

namespace {
Json stateJson(const DeviceState& s) {
  Json j{{"state", s.state}};
  if (!s.detail.empty()) {
    j["detail"] = s.detail;
  }
  return j;
}
DeviceState stateFromJson(const Json& j, const char* key) {
  DeviceState s;
  if (auto it = j.find(key); it != j.end() && it->is_object()) {
    s.state = it->value("state", s.state);
    s.detail = stringField(*it, "detail");
  }
  return s;
}
Json updateStateJson(const UpdateState& u) {
  Json j{{"state", u.state}};
  if (!u.version.empty()) {
    j["version"] = u.version;
  }
  if (!u.detail.empty()) {
    j["detail"] = u.detail;
  }
  return j;
}
}  // namespace

Json toJson(const Heartbeat& h) {
  return {{"version", h.version},
          {"terminal_time", toJson(h.terminalTime)},
          {"camera", stateJson(h.camera)},
          {"printer", stateJson(h.printer)},
          {"queue_depth", h.queueDepth},
          {"oldest_queued_at", optionalTimeJson(h.oldestQueuedAt)},
          {"disk_free_bytes", h.diskFreeBytes ? Json(*h.diskFreeBytes) : Json(nullptr)},
          {"last_sync_at", optionalTimeJson(h.lastSyncAt)},
          {"settings_version", h.settingsVersion},
          {"settings_failed_version", h.settingsFailedVersion},
          {"os_version", h.osVersion},
          {"update", updateStateJson(h.update)}};
}

Heartbeat heartbeatFromJson(const Json& j) {
  Heartbeat h;
  h.version = stringField(j, "version");
  h.terminalTime = timeFromJson(j.at("terminal_time"));
  h.camera = stateFromJson(j, "camera");
  h.printer = stateFromJson(j, "printer");
  h.queueDepth = j.contains("queue_depth") ? integerFromJson<std::size_t>(j.at("queue_depth"))
                                           : std::size_t{0};
  h.oldestQueuedAt = optionalTimeField(j, "oldest_queued_at");
  if (auto it = j.find("disk_free_bytes"); it != j.end() && !it->is_null()) {
    h.diskFreeBytes = integerFromJson<std::uint64_t>(*it);
  }
  h.lastSyncAt = optionalTimeField(j, "last_sync_at");
  // Terminals of earlier versions send neither.
  if (auto it = j.find("settings_version"); it != j.end()) {
    h.settingsVersion = integerFromJson<std::int64_t>(*it);
  }
  if (auto it = j.find("settings_failed_version"); it != j.end()) {
    h.settingsFailedVersion = integerFromJson<std::int64_t>(*it);
  }
  h.osVersion = stringField(j, "os_version");
  if (auto it = j.find("update"); it != j.end() && it->is_object()) {
    h.update.state = it->value("state", h.update.state);
    h.update.version = stringField(*it, "version");
    h.update.detail = stringField(*it, "detail");
  }
  return h;
}

void checkOsUpdate(const OsUpdate& u) {
  const auto printable = [](std::string_view v) {
    return std::all_of(v.begin(), v.end(),
                       [](char c) { return static_cast<unsigned char>(c) > 0x20 && c != 0x7f; });
  };
  if (u.version.empty() || u.version.size() > 64 || !printable(u.version)) {
    throw std::invalid_argument("update version: 1 to 64 printable characters, no spaces");
  }
  if (u.url.size() > kMaxUrlBytes || !u.url.starts_with("https://") || u.url.size() <= 8 ||
      !printable(u.url)) {
    throw std::invalid_argument("update url: an https:// URL of at most 2000 characters");
  }
  if (u.sha256.size() != 64 || !std::all_of(u.sha256.begin(), u.sha256.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      })) {
    throw std::invalid_argument("update sha256: 64 lower-case hexadecimal digits");
  }
  if (u.size == 0) {
    throw std::invalid_argument("update size: the bundle's size in bytes, above zero");
  }
}

Json toJson(const HeartbeatAnswer& a, TimePoint serverTime) {
  Json j{{"server_time", toJson(serverTime)}};
  if (a.settings) {
    j["settings"] = {{"version", a.settings->version}, {"toml", a.settings->toml}};
  }
  if (a.update) {
    j["update"] = {{"version", a.update->version},
                   {"url", a.update->url},
                   {"sha256", a.update->sha256},
                   {"size", a.update->size}};
  }
  return j;
}

HeartbeatAnswer heartbeatAnswerFromJson(const Json& j) {
  HeartbeatAnswer a;
  if (auto it = j.find("settings"); it != j.end() && !it->is_null()) {
    TerminalSettings s;
    s.version = integerFromJson<std::int64_t>(it->at("version"));
    s.toml = stringField(*it, "toml");
    if (s.version <= 0 || s.toml.size() > kMaxSettingsBytes) {
      throw std::invalid_argument("settings: version must be positive, text at most 16 KiB");
    }
    a.settings = std::move(s);
  }
  if (auto it = j.find("update"); it != j.end() && !it->is_null()) {
    OsUpdate u;
    u.version = stringField(*it, "version");
    u.url = stringField(*it, "url");
    u.sha256 = stringField(*it, "sha256");
    u.size = integerFromJson<std::uint64_t>(it->at("size"));
    checkOsUpdate(u);
    a.update = std::move(u);
  }
  return a;
}

std::optional<TimePoint> serverTimeOf(const Json& body) {
  try {
    if (body.is_object()) {
      return optionalTimeField(body, "server_time");
    }
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

}  // namespace kiosk::cache::api
