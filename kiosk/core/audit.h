// Audit events: who did what, when, at which terminal, with which override.
// Written in the same transaction as the change they describe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "kiosk/core/guest.h"
#include "kiosk/core/time.h"

namespace kiosk {

enum class AuditAction {
  kEventCreated,
  kGuestsImported,
  kCodesIssued,
  kCheckin,
  kScanRejected,
  kCheckinUndone,
  kOverride,
  kManualCheckin,
  kWalkIn,
  kNeedsChanged,
  kBadgePrinted,
  kBadgeReprinted,
  kPrintFailed,
  kStaffUnlocked,
  kStaffUnlockFailed,
  kStaffLockedOut,
  kStaffLocked,
  kFeedback,
  kProblemReported,
  kHostNotified,
  kRetentionPurge,
  kDeviceWiped,
  kTokenRevoked,
  kSyncApplied,
  kKeyRetired,
  kGuestEdited,  // staff changed a guest's room, transport or meeting fields
};
const char* toString(AuditAction action);
std::optional<AuditAction> parseAuditAction(std::string_view text);

struct AuditEvent {
  TimePoint at{};
  std::string terminal;
  std::string actor;  // "guest", "staff:<id>", "admin", "central"
  AuditAction action = AuditAction::kCheckin;
  EventId eventId = 0;
  std::optional<GuestId> guestId;
  std::string outcome;  // scan outcome id when relevant
  std::string reason;   // the reason staff typed, or the staff-facing detail
  std::string refId;    // the check-in / rejection / job id this is about
};

}  // namespace kiosk
