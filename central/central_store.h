// CentralStore: kiosk-central's SQLite database - events with their signing keys (secret
// halves included: codes are issued here), the roster, staff, badge templates, enrolled
// devices, and every fact the terminals pushed (check-ins, refusals, undos, walk-ins,
// feedback, arrival notices, photos, heartbeats, security audit rows).
//
// The change feed: every object a terminal pulls (event, public signing key, guest,
// revocation, staff member, badge template, check-in) has one row in `feed` holding its
// wire JSON, re-inserted with a new sequence number whenever it changes. GET /v1/changes
// is a range scan of that table from the terminal's cursor; the cursor is "<database
// id>:<sequence>", so a cursor of another database starts over instead of skipping data.
//
// Offline check-ins are facts: deduplicated by their client id within their event (a
// repeated push changes nothing and answers the same; another event's records never
// block an id nor answer for it), never refused for being a second admission. Among a
// guest's check-ins that are not undone, the earliest scan is the admission; every other
// one is flagged, and flags are recomputed (and re-fed) whenever that set changes.
//
// Thread rules: one CentralStore per thread (one SQLite connection; WAL lets readers and
// one writer work at once). Failures are Result errors classified as in offline-cache.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "central/record_checks.h"
#include "kiosk/core/audit.h"
#include "kiosk/core/checkin.h"
#include "kiosk/core/event.h"
#include "kiosk/core/guest.h"
#include "kiosk/core/staff.h"
#include "kiosk/core/token.h"
#include "offline-cache/database.h"
#include "offline-cache/sync_protocol.h"

namespace kiosk::central {

namespace api = cache::api;
using cache::Json;

struct Device {
  std::string id;
  std::string terminal;
  EventId eventId = 0;
  TimePoint enrolledAt{};
  TimePoint tokenExpiresAt{};
  std::optional<TimePoint> revokedAt;
  std::string revokeReason;
  std::optional<TimePoint> lastSeenAt;
  std::string lastAddress;
  std::string version;
  std::string health;  // the last heartbeat as JSON ("{}" before the first)
};

enum class AuthFailure { kMissing, kUnknown, kExpired, kRevoked };

struct EnrollmentCode {
  std::string code;  // shown once; stored hashed
  std::string terminal;
  EventId eventId = 0;
  TimePoint expiresAt{};
};

struct CentralCheckin {
  CheckinRecord record;
  std::string deviceId;
  bool flagged = false;
  bool unknownGuest = false;
  TimePoint receivedAt{};
  bool skewed = false;      // scanned_at was not plausible: ordered by receivedAt instead
  std::string admissionId;  // for flagged ones: the check-in that counts as the admission
};

// A pushed record refused because its id already names another record (of this event or
// another one, or with other content); kept for staff to look at.
struct ConflictRow {
  std::string kind;
  std::string recordId;
  EventId eventId = 0;  // the sending device's event
  std::string deviceId;
  std::string terminal;
  std::string reason;
  std::string doc;  // the refused record, as central would have stored it
  TimePoint receivedAt{};
};

struct NoticeRow {
  api::ArrivalNotice notice;
  std::string webhookUrl;
  std::optional<TimePoint> deliveredAt;
  int attempts = 0;
  std::string lastError;
};

struct DeliveryRow {
  std::string noticeId;
  std::string url;
  TimePoint attemptedAt{};
  int httpStatus = 0;  // 0 = no HTTP answer
  std::string error;
  std::int64_t durationMs = 0;
};

// What one push request did.
struct PushSummary {
  std::vector<api::ItemResult> results;
  std::size_t accepted = 0;
  std::size_t rejected = 0;
  std::size_t flagged = 0;
  std::size_t notices = 0;  // arrival notices that need delivering
};

class CentralStore {
 public:
  static Result<std::unique_ptr<CentralStore>> open(const std::string& path,
                                                    const cache::OpenOptions& options = {});
  ~CentralStore();
  cache::Database& database() { return *db_; }

  // --- events, keys, roster (admin) ---
  Status createEvent(const Event& event, const SigningKey& key, const std::string& webhookUrl,
                     TimePoint now);
  Result<std::vector<Event>> listEvents();
  Result<Event> resolveEvent(std::optional<EventId> id);
  Status setWebhook(EventId eventId, const std::string& url);
  Result<std::string> webhookUrl(EventId eventId);
  Result<SigningKey> rotateKey(EventId eventId, TimePoint now);
  // Codes the key signed are refused from `now` on (terminals learn it from the feed).
  Status retireKey(EventId eventId, KeyId keyId, TimePoint now);
  // The newest key that is not retired.
  Result<std::optional<SigningKey>> issuingKey(EventId eventId);
  Result<std::vector<SigningKey>> signingKeys(EventId eventId);
  // Matched by id, or by booking code when the id is 0 (new guests get the next id).
  Result<std::vector<Guest>> upsertGuests(EventId eventId, std::vector<Guest> guests,
                                          TimePoint now);
  Result<std::vector<Guest>> listGuests(EventId eventId);
  Result<std::optional<Guest>> findGuestByBookingCode(EventId eventId, std::string_view code);
  // `guestId`: the guest the code was issued to, when known (their booking code is then
  // refused too).
  Status revokeToken(EventId eventId, std::string_view tokenId, std::string_view reason,
                     TimePoint now, std::optional<GuestId> guestId = std::nullopt);
  Result<bool> isTokenRevoked(EventId eventId, std::string_view tokenId);
  // A staff member works at one event (only that event's terminals pull them) or, with
  // eventId 0, at every event. kNotFound for an unknown event, kInvalidInput for an id
  // or name that is empty, too long or holds control characters.
  Status saveStaff(const StaffMember& member, TimePoint now, EventId eventId = 0);
  Result<std::vector<StaffMember>> listStaff();
  Result<std::vector<std::pair<StaffMember, EventId>>> listStaffWithEvents();
  Status saveBadgeTemplate(const api::BadgeTemplate& badgeTemplate);

  // --- devices (admin) ---
  Result<EnrollmentCode> createEnrollmentCode(const std::string& terminal, EventId eventId,
                                              Millis validFor, TimePoint now);
  Result<std::vector<Device>> listDevices();
  // Revokes every live device with this id or terminal name; returns how many.
  Result<std::size_t> revokeDevice(std::string_view idOrTerminal, std::string_view reason,
                                   TimePoint now);

  // --- facts (admin views) ---
  Result<std::vector<CentralCheckin>> listCheckins(std::optional<EventId> eventId);
  Result<std::vector<CentralCheckin>> listDuplicates(std::optional<EventId> eventId);
  Result<std::vector<ConflictRow>> listConflicts(std::optional<EventId> eventId);
  // Audit rows the terminals sent (api::sentToCentral), oldest first; terminal = the
  // sending device's name.
  Result<std::vector<AuditEvent>> listAudit(std::optional<EventId> eventId);
  // Guest feedback the terminals sent (ratings, repairs, complaints with the guest's
  // words), oldest first; terminal = the sending device's name.
  Result<std::vector<Feedback>> listFeedback(std::optional<EventId> eventId);
  Result<std::vector<NoticeRow>> listNotices();
  Result<std::vector<DeliveryRow>> listDeliveries(std::size_t limit);
  Result<std::size_t> countRows(std::string_view table);

  // --- the sync API ---
  // kUnauthorized: the code is unknown, used or expired.
  Result<api::Enrollment> enroll(std::string_view code, std::string_view version,
                                 Millis tokenLifetime, TimePoint now);
  Result<std::variant<Device, AuthFailure>> authenticate(std::string_view token, TimePoint now);
  // The JSON body of GET /v1/changes.
  Result<std::string> changesPage(const Device& device, std::string_view cursor, std::size_t limit,
                                  TimePoint now);
  // One push request (items = the request's array), in one transaction.
  Result<PushSummary> push(const Device& device, const api::PushRoute& route, const Json& items,
                           TimePoint now);
  Status putPhoto(const Device& device, std::string_view checkinId, std::string_view contentType,
                  std::string_view bytes, TimePoint now);
  Result<std::optional<std::string>> photoContentType(EventId eventId, std::string_view checkinId);
  Status recordHeartbeat(const Device& device, const api::Heartbeat& heartbeat,
                         std::string_view address, TimePoint now);

  // --- arrival-notice delivery (WebhookNotifier) ---
  Result<std::vector<NoticeRow>> dueNotices(TimePoint now, std::size_t limit);
  Status recordDelivery(const DeliveryRow& delivery, bool delivered,
                        std::optional<TimePoint> nextAttempt);

 private:
  explicit CentralStore(std::unique_ptr<cache::Database> db);
  void putFeed(EventId eventId, std::string_view kind, std::string_view key,
               const std::string& doc);
  void upsertGuest(EventId eventId, const Guest& guest, TimePoint now);
  api::ItemResult insertCheckin(const Device& device, const CheckinRecord& record,
                                const checks::TimeWindow& window, TimePoint now,
                                PushSummary& summary);
  void recomputeFlags(EventId eventId, GuestId guestId);
  void applyUndo(const api::UndoRecord& undo, EventId eventId);
  // One pushed guest edit (kind "guest_edit"): checked, applied to the guest, fed and
  // audited. Throws std::invalid_argument for a malformed one.
  api::ItemResult ingestGuestEdit(const Device& device, const Json& item,
                                  const checks::TimeWindow& window, TimePoint now,
                                  PushSummary& summary);
  bool isEventStaff(EventId eventId, std::string_view staffId);
  void recordConflict(const Device& device, std::string_view kind, std::string_view recordId,
                      std::string_view reason, const std::string& doc, TimePoint now);
  bool checkinFlagged(EventId eventId, std::string_view id);
  std::string databaseId();

  std::unique_ptr<cache::Database> db_;
  std::string databaseId_;
};

}  // namespace kiosk::central
