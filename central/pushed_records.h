// PushedRecords: every fact the terminals push (check-ins, walk-ins, undos, guest edits,
// refusals, arrival notices, feedback, audit rows) and their photos, and the admin views
// of them.
//
// Offline check-ins are facts: deduplicated by their client id within their event (a
// repeated push changes nothing and answers the same; another event's records never
// block an id nor answer for it), never refused for being a second admission. Among a
// guest's check-ins that are not undone, the earliest scan is the admission; every other
// one is flagged, and flags are recomputed (and re-fed) whenever that set changes.
//
// Thread rules: as the Database it is given (one per thread).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "central/change_feed.h"
#include "central/device_registry.h"
#include "central/record_checks.h"
#include "kiosk/core/audit.h"
#include "kiosk/core/checkin.h"
#include "kiosk/core/feedback.h"
#include "kiosk/core/guest.h"
#include "offline-cache/json_codec.h"

namespace kiosk::central {

class CentralStore;

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

// What one push request did.
struct PushSummary {
  std::vector<api::ItemResult> results;
  std::size_t accepted = 0;
  std::size_t rejected = 0;
  std::size_t flagged = 0;
  std::size_t notices = 0;  // arrival notices that need delivering
};

class PushedRecords {
 public:
  // `roster` holds the guests a walk-in or a guest edit changes.
  PushedRecords(cache::Database& db, ChangeFeed& feed, CentralStore& roster)
      : db_(db), feed_(feed), roster_(roster) {}

  // --- the sync API ---
  // One push request (items = the request's array), in one transaction.
  Result<PushSummary> push(const Device& device, const api::PushRoute& route,
                           const cache::Json& items, TimePoint now);
  Status putPhoto(const Device& device, std::string_view checkinId, std::string_view contentType,
                  std::string_view bytes, TimePoint now);
  Result<std::optional<std::string>> photoContentType(EventId eventId, std::string_view checkinId);

  // --- admin views ---
  Result<std::vector<CentralCheckin>> listCheckins(std::optional<EventId> eventId);
  Result<std::vector<CentralCheckin>> listDuplicates(std::optional<EventId> eventId);
  Result<std::vector<ConflictRow>> listConflicts(std::optional<EventId> eventId);
  // Audit rows the terminals sent (api::sentToCentral), oldest first; terminal = the
  // sending device's name.
  Result<std::vector<AuditEvent>> listAudit(std::optional<EventId> eventId);
  // Guest feedback the terminals sent (ratings, repairs, complaints with the guest's
  // words), oldest first; terminal = the sending device's name.
  Result<std::vector<Feedback>> listFeedback(std::optional<EventId> eventId);
  Result<std::size_t> countRows(std::string_view table);

 private:
  struct Item;  // one pushed item being answered
  void ingestCheckin(Item& item, const cache::Json& json);
  void ingestWalkIn(Item& item, const cache::Json& json);
  void ingestUndo(Item& item, const cache::Json& json);
  void ingestGuestEdit(Item& item, const cache::Json& json);
  void ingestRejection(Item& item, const cache::Json& json);
  void ingestFeedback(Item& item, const cache::Json& json);
  void ingestAudit(Item& item, const cache::Json& json);
  void ingestArrivalNotice(Item& item, const cache::Json& json);
  bool eventStaff(Item& item, std::string_view field, const std::string& staffId);
  bool takenBy(Item& item, std::string_view table, std::string_view key, const std::string& id,
               const std::string& doc, bool perEvent = false);

  api::ItemResult insertCheckin(const Device& device, const CheckinRecord& record,
                                const checks::TimeWindow& window, TimePoint now,
                                PushSummary& summary);
  void recomputeFlags(EventId eventId, GuestId guestId);
  void applyUndo(const api::UndoRecord& undo, EventId eventId);
  bool isEventStaff(EventId eventId, std::string_view staffId);
  void recordConflict(const Device& device, std::string_view kind, std::string_view recordId,
                      std::string_view reason, const std::string& doc, TimePoint now);
  bool checkinFlagged(EventId eventId, std::string_view id);

  cache::Database& db_;
  ChangeFeed& feed_;
  CentralStore& roster_;
};

}  // namespace kiosk::central
