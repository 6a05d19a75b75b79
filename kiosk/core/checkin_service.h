// CheckinService: the one check-in path of the product. The terminal UI, `kiosk
// checkin` and `kioskctl checkin` all go through it.
//
//   evaluate(text)  -> ScanDecision   (reads only: verify offline, roster lookup, rules)
//   confirm(decision, details)        (one transaction: check-in + outbox + audit)
//   reject(decision)                  (one transaction: rejection + outbox + audit)
//
// Owns nothing but references to its ports; one instance per thread (the ports are
// single-connection stores). Infrastructure failures (disk full, corrupt database)
// come back as Result errors; every domain answer is a ScanDecision.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kiosk/core/audit.h"
#include "kiosk/core/checkin.h"
#include "kiosk/core/event.h"
#include "kiosk/core/feedback.h"
#include "kiosk/core/guest.h"
#include "kiosk/core/result.h"
#include "kiosk/core/time.h"
#include "kiosk/core/token.h"

namespace kiosk {

// Port: the read side of the local roster. Implemented by offline-cache's LocalStore.
class RosterReader {
 public:
  virtual ~RosterReader() = default;
  virtual Result<std::optional<Event>> findEvent(EventId eventId) = 0;
  virtual Result<std::optional<Guest>> findGuest(EventId eventId, GuestId guestId) = 0;
  virtual Result<std::optional<Guest>> findGuestByBookingCode(EventId eventId,
                                                              std::string_view bookingCode) = 0;
  // The guest's check-in that has not been undone, if any.
  virtual Result<std::optional<CheckinRecord>> findActiveCheckin(EventId eventId,
                                                                 GuestId guestId) = 0;
  virtual Result<std::optional<CheckinRecord>> findCheckin(std::string_view checkinId) = 0;
  // The key's public part (no secret) and whether it was retired.
  virtual Result<std::optional<SigningKey>> findSigningKey(EventId eventId, KeyId keyId) = 0;
  virtual Result<bool> isTokenRevoked(EventId eventId, std::string_view tokenId) = 0;
  // True once any code issued to the guest was revoked: the booking code printed on the
  // same invitation then admits no more (the guest comes with a new code or to staff).
  virtual Result<bool> hasRevokedCode(EventId eventId, GuestId guestId) = 0;
};

// What the ledger did with a check-in.
struct CommitResult {
  bool committed = false;                 // false: the guest was checked in meanwhile
  std::optional<CheckinRecord> existing;  // the earlier check-in when !committed
};

// Port: the write side. Each call is one transaction that writes the record, its
// outbox row(s) and its audit row, or nothing at all.
class CheckinLedger {
 public:
  virtual ~CheckinLedger() = default;
  // Writes the check-in unless the guest already has an active one (then nothing is
  // written and the existing one is returned). With `notifyHost`, an arrival notice for
  // the guest's host is queued in the same transaction.
  virtual Result<CommitResult> commitCheckin(const CheckinRecord& record, const AuditEvent& audit,
                                             bool notifyHost) = 0;
  virtual Status commitRejection(const RejectedScan& rejection, const AuditEvent& audit) = 0;
  virtual Status commitUndo(const CheckinRecord& undone, const AuditEvent& audit) = 0;
  // A guest registered at the terminal, with the check-in, in one transaction (the
  // guest's id and booking code are new; the outbox carries both to central).
  virtual Status commitWalkIn(const Guest& guest, const CheckinRecord& record,
                              const AuditEvent& audit) = 0;
  virtual Status commitFeedback(const Feedback& feedback, const AuditEvent& audit) = 0;
  virtual Status appendAudit(const AuditEvent& audit) = 0;
};

struct CheckinPolicy {
  Millis clockSkewGrace = std::chrono::minutes(5);  // tolerance on a code's validity window
  Millis undoWindow = std::chrono::minutes(15);
};

// What the guest (or staff) settled between the proposal and the commit.
struct ConfirmDetails {
  SpecialNeeds confirmedNeeds;  // as the guest confirmed them a second time
  bool photoTaken = false;
};

struct StaffAction {
  std::string staffId;
  std::string reason;  // required, shown in the audit trail and synced
};

class CheckinService {
 public:
  CheckinService(RosterReader& roster, CheckinLedger& ledger, const Clock& clock,
                 std::string terminalName, EventId eventId, CheckinPolicy policy = {});

  // What would happen if `scannedText` were presented now. Reads only.
  Result<ScanDecision> evaluate(std::string_view scannedText, ScanSource source) const;

  // Commits an accepted decision. If the guest was checked in meanwhile (another
  // terminal, synced after evaluate), nothing is written and the decision comes back
  // as already_checked_in.
  Result<ScanDecision> confirm(const ScanDecision& decision, const ConfirmDetails& details);

  // Records a refusal (any outcome but accepted) with its audit row and outbox row.
  Status reject(const ScanDecision& decision);

  // evaluate, then confirm (needs taken as on file) or reject. The command-line path.
  Result<ScanDecision> checkInNow(std::string_view scannedText, ScanSource source);

  // Staff: check a guest in by hand (search result) or override a refusal. Both need a
  // reason. An override of an already-checked-in guest records a second admission.
  Result<ScanDecision> checkInByStaff(GuestId guestId, const StaffAction& staff,
                                      CheckinMethod method);

  // Staff: undo a check-in made at most policy.undoWindow ago.
  Status undo(std::string_view checkinId, const StaffAction& staff);

  // Staff: register a guest without an invitation and check them in. The draft needs a
  // name; its id and booking code are assigned here (walk-in ids have the top bit set so
  // they never collide with ids central assigns).
  Result<ScanDecision> registerWalkIn(Guest draft, const StaffAction& staff);

  // Guest feedback at the terminal (rating 1-5, or a repair/complaint report).
  Status recordFeedback(Feedback feedback);

  EventId eventId() const { return eventId_; }
  const std::string& terminalName() const { return terminal_; }

 private:
  ScanDecision decideForGuest(ScanDecision decision, const Guest& guest,
                              const std::optional<CheckinRecord>& active) const;
  Result<ScanDecision> commit(ScanDecision decision, CheckinRecord record, const AuditEvent& audit);
  std::string localTime(TimePoint t) const;
  void explainAlreadyCheckedIn(ScanDecision& d, const CheckinRecord& existing) const;

  RosterReader& roster_;
  CheckinLedger& ledger_;
  const Clock& clock_;
  std::string terminal_;
  EventId eventId_;
  CheckinPolicy policy_;
};

// Which of the event's required fields the guest left empty ("phone", "diet", ...).
std::vector<std::string> missingRequiredFields(const Event& event, const Guest& guest);

}  // namespace kiosk
