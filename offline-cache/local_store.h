// LocalStore: the terminal's SQLite cache of the event, its guests, keys and revocations,
// and the ledger of everything that happened at the terminal (check-ins, refusals,
// audit trail) with the outbox that the sync engine drains.
//
// Implements the core's RosterReader and CheckinLedger ports: each ledger call is one
// transaction that writes the record, its outbox row(s) and its audit row, or nothing.
//
// Thread rules: one LocalStore per thread (it owns one SQLite connection); several may
// be open on the same file (WAL). Failures come back as Result errors; a full disk is
// kTransient with a message that says so, a damaged file kCorrupt.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/checkin_service.h"
#include "kiosk/core/guest_edit.h"
#include "kiosk/core/staff.h"
#include "offline-cache/database.h"

namespace kiosk::cache {

// One line of the check-in report: a check-in or a refused scan.
struct ReportRow {
  TimePoint at{};
  std::string outcome;  // "accepted" for check-ins, the scan outcome for refusals
  std::optional<GuestId> guestId;
  std::string bookingCode;
  std::string guestName;
  std::string terminal;
  std::string method;  // check-in method or scan source
  std::string staffId;
  std::string reason;  // override reason or staff-facing refusal detail
  bool needsChanged = false;
  SpecialNeeds previousNeeds;  // when needsChanged: as the guest was shown them
  SpecialNeeds confirmedNeeds;
  std::optional<TimePoint> undoneAt;
  std::string undoneBy;
  std::string undoReason;
  std::string recordId;
};

// One guest report or rating, with who gave it (for staff; empty for a guest not known).
struct FeedbackRow {
  Feedback feedback;
  std::string bookingCode;
  std::string guestName;
};

struct PurgeStats {
  int events = 0;
  std::size_t guests = 0;
  std::size_t photos = 0;  // photo files of the purged events, removed by their recorded path
  std::size_t files = 0;   // files of purged events' check-ins found in PurgeOptions::fileFolders
  std::size_t outboxDropped = 0;
};

// A settled print attempt of a badge (printed, failed, cancelled), as the terminal keeps
// it: the count of a guest's self-service reprints comes from these rows.
struct PrintJobRecord {
  std::string id;       // this row's id (a new record id)
  std::string badgeId;  // the check-in the badge is for
  GuestId guestId = 0;
  bool reprint = false;
  std::string state;        // the print job's final state, e.g. "completed"
  std::string printer;      // queue or folder it went to
  std::string requestedBy;  // "guest" or "staff:<id>"
  TimePoint at{};
};

struct OutboxCounts {
  std::size_t total = 0;
  std::size_t checkins = 0;
  std::optional<TimePoint> oldest;
};

struct PurgeOptions {
  // Days after an event's end its guests' personal data is kept. nullopt: each event's
  // own retention_days; set (the terminal's [privacy] retention_days): for every event.
  std::optional<int> retentionDays;
  // Folders of files named after a check-in id: photos "<id>.jpg" and badge PDFs
  // "<id>-<attempt>.pdf" (and their temporary ".tmp"/".part" files). Every file there whose
  // check-in belongs to a purged event is removed, on each run: also those a crash left
  // behind between an earlier purge's commit and its file removal.
  std::vector<std::string> fileFolders;
};

class LocalStore final : public RosterReader, public CheckinLedger {
 public:
  // Opens (creating 0600 when absent), checks integrity and migrates.
  static Result<std::unique_ptr<LocalStore>> open(const std::string& path,
                                                  const OpenOptions& options = {});
  ~LocalStore() override;

  Database& database() { return *db_; }

  // --- events and keys ---
  Status saveEvent(const Event& event);
  Result<std::vector<Event>> listEvents();
  // The event with this id, or when id is nullopt the only event in the database; a
  // kInvalidInput error lists the choices when there are several.
  Result<Event> resolveEvent(std::optional<EventId> id);
  Status saveSigningKey(const SigningKey& key);
  Result<std::vector<SigningKey>> signingKeys(EventId eventId);
  // The newest key of the event that holds a secret and is not retired (standalone
  // issuer), if any.
  Result<std::optional<SigningKey>> issuingKey(EventId eventId);
  // From `at` on, codes the key signed are refused; a key stays retired.
  Status retireSigningKey(EventId eventId, KeyId keyId, TimePoint at);
  // `guestId`: the guest the code was issued to, when known (then that guest's booking
  // code admits no more either).
  Status revokeToken(EventId eventId, std::string_view tokenId, std::string_view reason,
                     TimePoint at, std::optional<GuestId> guestId = std::nullopt);

  // --- guests ---
  // Inserts or updates guests (matched by id, or by booking code when id is 0; new
  // guests get the next free id; a code given twice in `guests` is one guest, the later
  // row) with their search keys, in one transaction. Returns the guests as stored (with
  // ids).
  Result<std::vector<Guest>> upsertGuests(EventId eventId, std::vector<Guest> guests,
                                          TimePoint now);
  Result<std::vector<Guest>> listGuests(EventId eventId);
  Result<std::size_t> guestCount(EventId eventId);
  // Staff search by name, pinyin, initials, phone tail or booking code (prefix match).
  Result<std::vector<Guest>> searchGuests(EventId eventId, std::string_view query,
                                          std::size_t limit);
  // A guest finding their own booking: guests whose name (or its pinyin, initials, a
  // later word) starts with `name` AND whose phone number ends with the digits of
  // `phoneTail`, both asked of the search index in one query, so that hundreds of guests
  // of a common name on a large roster cannot push the right one out of a first page.
  // At most `limit`; empty when either part has nothing to look up.
  Result<std::vector<Guest>> findByNameAndPhoneTail(EventId eventId, std::string_view name,
                                                    std::string_view phoneTail, std::size_t limit);

  // --- RosterReader ---
  Result<std::optional<Event>> findEvent(EventId eventId) override;
  Result<std::optional<Guest>> findGuest(EventId eventId, GuestId guestId) override;
  Result<std::optional<Guest>> findGuestByBookingCode(EventId eventId,
                                                      std::string_view bookingCode) override;
  Result<std::optional<CheckinRecord>> findActiveCheckin(EventId eventId, GuestId guestId) override;
  Result<std::optional<CheckinRecord>> findCheckin(std::string_view checkinId) override;
  Result<std::optional<SigningKey>> findSigningKey(EventId eventId, KeyId keyId) override;
  Result<bool> isTokenRevoked(EventId eventId, std::string_view tokenId) override;
  Result<bool> hasRevokedCode(EventId eventId, GuestId guestId) override;

  // --- CheckinLedger ---
  Result<CommitResult> commitCheckin(const CheckinRecord& record, const AuditEvent& audit,
                                     bool notifyHost) override;
  Status commitRejection(const RejectedScan& rejection, const AuditEvent& audit) override;
  Status commitUndo(const CheckinRecord& undone, const AuditEvent& audit) override;
  Status commitWalkIn(const Guest& guest, const CheckinRecord& record,
                      const AuditEvent& audit) override;
  Status commitFeedback(const Feedback& feedback, const AuditEvent& audit) override;
  // A staff edit of the guest's lodging, transport or meeting fields (GuestEdit): the
  // guest row, its outbox row ("guest_edit") and the audit row in one transaction.
  // kNotFound for a guest this store does not have, kInvalidInput for a change that
  // cannot apply (nothing is written). Returns the guest as it is now.
  Result<Guest> commitGuestEdit(const GuestEdit& edit);
  // An audit row; those central must see (api::sentToCentral) also get an outbox row, in
  // the same transaction.
  Status appendAudit(const AuditEvent& audit) override;

  // --- staff ---
  Status saveStaff(const StaffMember& member, TimePoint now);
  Result<std::vector<StaffMember>> listStaff();
  Result<std::optional<StaffMember>> findStaff(std::string_view staffId);
  Result<std::optional<StaffMember>> findStaffByBadgeHash(std::string_view badgeHash);

  // --- print jobs ---
  // The print row and its audit row, in one transaction (both or neither).
  Status recordPrintJob(EventId eventId, const PrintJobRecord& job, const AuditEvent& audit);
  // Self-service reprints the guest has had (printed ones only: a failed reprint does not
  // use up the allowance). An error is an error, never "none yet".
  Result<int> countSelfReprints(EventId eventId, GuestId guestId);

  // --- reports and state ---
  Result<std::vector<ReportRow>> report(EventId eventId);
  // Ratings, repair requests and complaints with the guest's own words, oldest first.
  Result<std::vector<FeedbackRow>> feedbackReport(EventId eventId);
  Result<std::vector<AuditEvent>> auditTrail(EventId eventId, std::size_t limit);
  Result<OutboxCounts> outboxCounts();
  Result<std::optional<std::string>> setting(std::string_view key);
  Status setSetting(std::string_view key, std::string_view value);
  // The staff PIN lockout (a setting): kept on every change, restored when the terminal
  // starts. Never locked and no failures when none was kept.
  Status saveStaffLockout(const StaffLockoutState& lockout);
  Result<StaffLockoutState> staffLockout();

  // Deletes guest personal data (guest rows, search keys, photos on disk, confirmed
  // needs, feedback texts) of every event that ended more than its retention period
  // (options.retentionDays, else the event's retention_days) before `now`, and the unsent
  // outbox rows of those events; then removes the files of purged events' check-ins from
  // options.fileFolders. Audit rows stay (they carry ids, not personal data). Each
  // event's purge is audited.
  Result<PurgeStats> purgeExpired(TimePoint now, std::string_view terminal,
                                  const PurgeOptions& options);
  Result<PurgeStats> purgeExpired(TimePoint now, std::string_view terminal);  // options {}

 private:
  explicit LocalStore(std::unique_ptr<Database> db);
  void insertAudit(const AuditEvent& audit);
  // What a guest row holds besides the guest's own fields: its search keys joined by '\n'
  // and the JSON texts of its lodging, transport and meetings.
  struct GuestRowTexts {
    std::string joinedKeys;
    std::string lodging;
    std::string transport;
    std::string meetings;
  };
  // The row texts of `guest`, and its search keys (searchKeysFor) in `keys`.
  static GuestRowTexts rowTextsFor(const Guest& guest, std::vector<std::string>& keys);
  // Writes the guest row with `texts` (rowTextsFor(guest)) and removes its old search keys;
  // the caller inserts the new keys (in bulk) with insertSearchKeys. `isNew`: the guest's
  // id was just assigned, so there are no old keys to remove.
  void upsertGuest(EventId eventId, const Guest& guest, const GuestRowTexts& texts, TimePoint now,
                   bool isNew);
  using SearchKeys = std::vector<std::pair<std::string, GuestId>>;
  void insertSearchKeys(EventId eventId, SearchKeys keys);
  // The keys of two sorted lists, each key with its guest's id, or with its guest's place in
  // `idOfPlace`.
  void insertSortedSearchKeys(EventId eventId, const SearchKeys& first, const SearchKeys& second,
                              const std::vector<GuestId>* idOfPlace);
  // Rebuilds guest_search when it was written with other key rules (kSearchKeysVersion).
  Status reindexIfStale();
  // Guests under one of nameKeys AND one of numberKeys, at most `limit`, in one query per
  // name key.
  std::vector<GuestId> guestsUnderBoth(EventId eventId, const std::vector<std::string>& nameKeys,
                                       const std::vector<std::string>& numberKeys,
                                       std::size_t limit);
  void insertOutbox(std::string_view kind, std::string_view refId, EventId eventId,
                    const std::string& payload, TimePoint at);
  std::optional<CheckinRecord> activeCheckin(EventId eventId, GuestId guestId);
  // The guests with these ids, in this order (ids of no guest are skipped).
  std::vector<Guest> guestsByIds(EventId eventId, const std::vector<GuestId>& ids);
  // purgeExpired's folder sweep; returns how many files it removed.
  std::size_t removeFilesOfPurgedEvents(const std::vector<std::string>& folders);

  std::unique_ptr<Database> db_;
};

}  // namespace kiosk::cache
