// The sync API's wire vocabulary (docs/api/openapi.yaml): paths, problem types, limits and
// the JSON forms of the messages that json_codec.h does not cover. Used by the terminal's
// sync engine and by kiosk-central, so that both sides speak exactly one contract.
//
// Pure functions; any thread. Parsers of received bodies throw nlohmann::json::exception or
// std::invalid_argument on malformed input; callers turn that into a kCorrupt error at
// their boundary (a truncated or malformed response is never applied in part).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kiosk/core/audit.h"
#include "kiosk/core/checkin.h"
#include "kiosk/core/event.h"
#include "kiosk/core/feedback.h"
#include "kiosk/core/guest.h"
#include "kiosk/core/guest_edit.h"
#include "kiosk/core/staff.h"
#include "kiosk/core/token.h"
#include "offline-cache/json_codec.h"

namespace kiosk::cache::api {

inline constexpr std::string_view kVersion = "1";
inline constexpr std::string_view kHealthPath = "/v1/health";
inline constexpr std::string_view kEnrollPath = "/v1/enroll";
inline constexpr std::string_view kChangesPath = "/v1/changes";
inline constexpr std::string_view kCheckinsPath = "/v1/checkins";
inline constexpr std::string_view kRejectionsPath = "/v1/rejections";
inline constexpr std::string_view kUndosPath = "/v1/undos";
inline constexpr std::string_view kWalkInsPath = "/v1/walk-ins";
inline constexpr std::string_view kFeedbackPath = "/v1/feedback";
inline constexpr std::string_view kArrivalNoticesPath = "/v1/arrival-notices";
inline constexpr std::string_view kAuditPath = "/v1/audit";
inline constexpr std::string_view kGuestEditsPath = "/v1/guest-edits";
inline constexpr std::string_view kPhotosPrefix = "/v1/photos/";
inline constexpr std::string_view kHeartbeatPath = "/v1/heartbeat";

inline constexpr std::size_t kMaxBatchItems = 1000;
inline constexpr std::size_t kDefaultPageSize = 2000;
inline constexpr std::size_t kMaxPageSize = 5000;
inline constexpr std::size_t kMaxPhotoBytes = 4 * 1024 * 1024;

inline constexpr std::string_view kProblemContentType = "application/problem+json";
inline constexpr std::string_view kProblemUnauthorized = "urn:kiosk:problem:unauthorized";
inline constexpr std::string_view kProblemTokenExpired = "urn:kiosk:problem:token-expired";
inline constexpr std::string_view kProblemDeviceRevoked = "urn:kiosk:problem:device-revoked";
inline constexpr std::string_view kProblemEnrollmentCode =
    "urn:kiosk:problem:enrollment-code-invalid";
inline constexpr std::string_view kProblemRateLimited = "urn:kiosk:problem:rate-limited";
inline constexpr std::string_view kProblemInvalidRequest = "urn:kiosk:problem:invalid-request";
inline constexpr std::string_view kProblemTooLarge = "urn:kiosk:problem:payload-too-large";
inline constexpr std::string_view kProblemMediaType = "urn:kiosk:problem:unsupported-media-type";
inline constexpr std::string_view kProblemNotFound = "urn:kiosk:problem:not-found";
inline constexpr std::string_view kProblemInternal = "urn:kiosk:problem:internal";

// An outbox kind (offline-cache/local_store.h) and where it is pushed. pushRoutes() lists
// them in the order a terminal sends them within one window of its outbox: a walk-in's
// guest before any later check-in of that guest, a check-in before its undo.
// RecordKind is the closed set of what a terminal pushes: a receiver switches on it.
enum class RecordKind {
  kWalkIn,
  kCheckin,
  kUndo,
  kGuestEdit,
  kRejection,
  kArrivalNotice,
  kFeedback,
  kAudit,
};
struct PushRoute {
  RecordKind record;
  std::string_view kind;   // outbox kind: "checkin", "walk_in", ...
  std::string_view path;   // "/v1/checkins"
  std::string_view field;  // the request's array: {"checkins": [...]}
};
std::span<const PushRoute> pushRoutes();
const PushRoute* pushRouteForKind(std::string_view kind);
const PushRoute* pushRouteForPath(std::string_view path);

// --- problems (RFC 7807) ---
struct Problem {
  std::string type;
  std::string title;
  int status = 0;
  std::string detail;
  std::optional<TimePoint> serverTime;  // central's clock when it answered
};
std::string problemBody(const Problem& problem);
// Lenient: nullopt when the body is not a problem document.
std::optional<Problem> parseProblem(std::string_view body);

// --- push results ---
enum class ItemStatus { kAccepted, kRejected };
struct ItemResult {
  std::string id;
  ItemStatus status = ItemStatus::kAccepted;
  bool flagged = false;  // check-ins: a second admission of the guest
  std::string detail;    // why, for rejected items
  bool operator==(const ItemResult&) const = default;
};
Json toJson(const ItemResult& result);
// {"results": [...], "server_time": ...}
std::vector<ItemResult> parsePushResults(std::string_view body);

// --- records pushed besides the json_codec ones ---
struct UndoRecord {
  std::string checkinId;
  EventId eventId = 0;
  GuestId guestId = 0;
  TimePoint undoneAt{};
  std::string undoneBy;
  std::string reason;
  std::string terminal;
};
Json toJson(const UndoRecord& undo);
UndoRecord undoFromJson(const Json& j);

struct ArrivalNotice {
  std::string id;
  std::string checkinId;
  EventId eventId = 0;
  GuestId guestId = 0;
  std::string host;
  std::string hostContact;
  std::string terminal;
  TimePoint arrivedAt{};
};
Json toJson(const ArrivalNotice& notice);
ArrivalNotice arrivalNoticeFromJson(const Json& j);

Json toJson(const Feedback& feedback);
Feedback feedbackFromJson(const Json& j);

// {"id", "event_id", "guest_id", "terminal", "staff_id", "reason", "at",
//  "changes": [{"field", "value"}]}
Json toJson(const GuestEdit& edit);
GuestEdit guestEditFromJson(const Json& j);

// Audit rows central must see although no record of theirs travels: security alerts
// (a staff PIN lockout). The terminal queues these; central accepts only these.
bool sentToCentral(AuditAction action);
// {"id": ..., and the audit row's fields}; the id is the outbox row's record id.
Json toJson(const std::string& id, const AuditEvent& audit);
// The row and its id; throws for an action that is not sentToCentral() (unless
// `anyAction`: central reading back rows it wrote itself, such as a guest edit's).
std::pair<std::string, AuditEvent> auditFromJson(const Json& j, bool anyAction = false);

// --- pulled records besides the json_codec ones ---
struct Revocation {
  EventId eventId = 0;
  std::string tokenId;
  std::string reason;
  TimePoint revokedAt{};
  std::optional<GuestId> guestId;  // the guest the code was issued to, when known
};
Json toJson(const Revocation& revocation);
Revocation revocationFromJson(const Json& j);

Json toJson(const StaffMember& member);
StaffMember staffFromJson(const Json& j);

struct BadgeTemplate {
  std::string name;
  std::string toml;
  TimePoint updatedAt{};
};
Json toJson(const BadgeTemplate& badgeTemplate);
BadgeTemplate badgeTemplateFromJson(const Json& j);

// A check-in as central knows it, with its second-admission flag.
struct SyncedCheckin {
  CheckinRecord record;
  bool flagged = false;
};
Json toJson(const SyncedCheckin& checkin);
SyncedCheckin syncedCheckinFromJson(const Json& j);

// One page of GET /v1/changes.
struct ChangesPage {
  std::string cursor;
  bool hasMore = false;
  std::optional<TimePoint> serverTime;
  std::vector<Event> events;
  std::vector<SigningKey> signingKeys;
  std::vector<Guest> guests;
  std::vector<Revocation> revocations;
  std::vector<StaffMember> staff;
  std::vector<BadgeTemplate> badgeTemplates;
  std::vector<SyncedCheckin> checkins;
  std::size_t size() const {
    return events.size() + signingKeys.size() + guests.size() + revocations.size() + staff.size() +
           badgeTemplates.size() + checkins.size();
  }
};
ChangesPage parseChangesPage(std::string_view body);

// --- enrollment and heartbeat ---
struct Enrollment {
  std::string deviceId;
  std::string terminal;
  std::string token;
  TimePoint tokenExpiresAt{};
  Event event;
  std::optional<TimePoint> serverTime;
};
Json toJson(const Enrollment& enrollment);
Enrollment enrollmentFromJson(const Json& j);

struct DeviceState {
  std::string state = "unknown";  // "ok", "offline", "no_media", "stopped", "absent", ...
  std::string detail;
  bool operator==(const DeviceState&) const = default;
};

// Where a terminal's OS update stands: "idle", "downloading", "ready" (downloaded and
// checked), "installing", "installed" (waiting for its reboot) or "failed", with the version
// it concerns and, for "failed", why ("did not come up healthy; back on 41", "the download's
// SHA-256 is ..., central's offer says ...").
struct UpdateState {
  std::string state = "idle";
  std::string version;
  std::string detail;
  bool operator==(const UpdateState&) const = default;
};

struct Heartbeat {
  std::string version;
  TimePoint terminalTime{};
  DeviceState camera;
  DeviceState printer;
  std::size_t queueDepth = 0;
  std::optional<TimePoint> oldestQueuedAt;
  std::optional<std::uint64_t> diskFreeBytes;
  std::optional<TimePoint> lastSyncAt;
  // The central settings the terminal runs with (0 = none), and the last version it gave up
  // on because it did not start with it (0 = none).
  std::int64_t settingsVersion = 0;
  std::int64_t settingsFailedVersion = 0;
  // The OS the terminal runs (its image's IMAGE_VERSION; empty when it does not know, such as
  // outside the image: central then offers no update) and where its OS update stands.
  std::string osVersion;
  UpdateState update;
};
Json toJson(const Heartbeat& heartbeat);
Heartbeat heartbeatFromJson(const Json& j);

// Central's settings for the terminals of an event (`kiosk-central settings set`): a TOML
// text of kiosk.toml's keys that central may set (kiosk/config/config.h), with its version.
// A heartbeat's answer carries them when the terminal runs another version.
struct TerminalSettings {
  std::int64_t version = 0;
  std::string toml;
};
inline constexpr std::size_t kMaxSettingsBytes = 16 * 1024;
// An OS update central offers the terminals of an event (`kiosk-central update set`): a signed
// RAUC bundle at an https URL, with its version, size and SHA-256 (lower-case hex). A
// heartbeat's answer carries it when the terminal reports another OS version.
struct OsUpdate {
  std::string version;
  std::string url;
  std::string sha256;
  std::uint64_t size = 0;
  bool operator==(const OsUpdate&) const = default;
};
inline constexpr std::size_t kMaxUrlBytes = 2000;
// Throws std::invalid_argument naming the field: a version of 1 to 64 printable bytes, an
// https URL, 64 lower-case hex digits, a size above zero.
void checkOsUpdate(const OsUpdate& update);
struct HeartbeatAnswer {
  std::optional<TerminalSettings> settings;
  std::optional<OsUpdate> update;
};
Json toJson(const HeartbeatAnswer& answer, TimePoint serverTime);
// Throws on a malformed answer (the caller treats it as a bad answer).
HeartbeatAnswer heartbeatAnswerFromJson(const Json& j);

// "server_time" of a response body, if it has one (never throws).
std::optional<TimePoint> serverTimeOf(const Json& body);

}  // namespace kiosk::cache::api
