#include "kiosk/core/checkin.h"

#include <array>
#include <utility>

#include "kiosk/core/audit.h"
#include "kiosk/core/encoding.h"
#include "kiosk/core/feedback.h"

namespace kiosk {

namespace {

template <typename E, std::size_t N>
std::optional<E> lookupByName(const std::array<std::pair<E, const char*>, N>& table,
                              std::string_view text) {
  for (const auto& [value, name] : table) {
    if (text == name) {
      return value;
    }
  }
  return std::nullopt;
}

template <typename E, std::size_t N>
const char* lookupName(const std::array<std::pair<E, const char*>, N>& table, E value) {
  for (const auto& [v, name] : table) {
    if (v == value) {
      return name;
    }
  }
  return "unknown";
}

constexpr std::array<std::pair<ScanOutcome, const char*>, 9> kOutcomes{{
    {ScanOutcome::kAccepted, "accepted"},
    {ScanOutcome::kAlreadyCheckedIn, "already_checked_in"},
    {ScanOutcome::kRevoked, "revoked"},
    {ScanOutcome::kWrongEvent, "wrong_event"},
    {ScanOutcome::kNotYetValid, "not_yet_valid"},
    {ScanOutcome::kExpired, "expired"},
    {ScanOutcome::kUnknownCode, "unknown_code"},
    {ScanOutcome::kBadSignature, "bad_signature"},
    {ScanOutcome::kNeedsStaff, "needs_staff"},
}};

constexpr std::array<std::pair<StaffReason, const char*>, 4> kStaffReasons{{
    {StaffReason::kNone, ""},
    {StaffReason::kBlocked, "blocked"},
    {StaffReason::kVipEscort, "vip_escort"},
    {StaffReason::kMissingAnswers, "missing_answers"},
}};

constexpr std::array<std::pair<CheckinMethod, const char*>, 5> kMethods{{
    {CheckinMethod::kQrCode, "qr_code"},
    {CheckinMethod::kBookingCode, "booking_code"},
    {CheckinMethod::kStaffManual, "staff_manual"},
    {CheckinMethod::kStaffOverride, "staff_override"},
    {CheckinMethod::kWalkIn, "walk_in"},
}};

constexpr std::array<std::pair<ScanSource, const char*>, 4> kSources{{
    {ScanSource::kCamera, "camera"},
    {ScanSource::kWedgeScanner, "scanner"},
    {ScanSource::kTyped, "typed"},
    {ScanSource::kCommandLine, "command_line"},
}};

constexpr std::array<std::pair<AuditAction, const char*>, 26> kAuditActions{{
    {AuditAction::kEventCreated, "event_created"},
    {AuditAction::kGuestsImported, "guests_imported"},
    {AuditAction::kCodesIssued, "codes_issued"},
    {AuditAction::kCheckin, "checkin"},
    {AuditAction::kScanRejected, "scan_rejected"},
    {AuditAction::kCheckinUndone, "checkin_undone"},
    {AuditAction::kOverride, "override"},
    {AuditAction::kManualCheckin, "manual_checkin"},
    {AuditAction::kWalkIn, "walk_in"},
    {AuditAction::kNeedsChanged, "needs_changed"},
    {AuditAction::kGuestEdited, "guest_edited"},
    {AuditAction::kBadgePrinted, "badge_printed"},
    {AuditAction::kBadgeReprinted, "badge_reprinted"},
    {AuditAction::kPrintFailed, "print_failed"},
    {AuditAction::kStaffUnlocked, "staff_unlocked"},
    {AuditAction::kStaffUnlockFailed, "staff_unlock_failed"},
    {AuditAction::kStaffLockedOut, "staff_locked_out"},
    {AuditAction::kStaffLocked, "staff_locked"},
    {AuditAction::kFeedback, "feedback"},
    {AuditAction::kProblemReported, "problem_reported"},
    {AuditAction::kHostNotified, "host_notified"},
    {AuditAction::kRetentionPurge, "retention_purge"},
    {AuditAction::kDeviceWiped, "device_wiped"},
    {AuditAction::kTokenRevoked, "token_revoked"},
    {AuditAction::kSyncApplied, "sync_applied"},
    {AuditAction::kKeyRetired, "key_retired"},
}};

}  // namespace

const char* toString(ScanOutcome outcome) {
  return lookupName(kOutcomes, outcome);
}
std::optional<ScanOutcome> parseScanOutcome(std::string_view text) {
  return lookupByName(kOutcomes, text);
}
const char* toString(StaffReason reason) {
  return lookupName(kStaffReasons, reason);
}
const char* toString(CheckinMethod method) {
  return lookupName(kMethods, method);
}
std::optional<CheckinMethod> parseCheckinMethod(std::string_view text) {
  return lookupByName(kMethods, text);
}
const char* toString(ScanSource source) {
  return lookupName(kSources, source);
}
const char* toString(FeedbackKind kind) {
  switch (kind) {
    case FeedbackKind::kRating:
      return "rating";
    case FeedbackKind::kRepair:
      return "repair";
    case FeedbackKind::kComplaint:
      return "complaint";
  }
  return "rating";
}
std::optional<FeedbackKind> parseFeedbackKind(std::string_view text) {
  for (auto kind : {FeedbackKind::kRating, FeedbackKind::kRepair, FeedbackKind::kComplaint}) {
    if (text == toString(kind)) {
      return kind;
    }
  }
  return std::nullopt;
}
std::string cleanFeedbackText(std::string_view text) {
  std::string out;
  std::size_t kept = 0;
  std::size_t pos = 0;
  while (pos < text.size() && kept < kMaxFeedbackText) {
    const std::size_t start = pos;
    const auto c = nextCodePoint(text, pos);
    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
      continue;  // ill-formed (-1) or a control
    }
    if (out.empty() && (c == ' ' || c == 0x3000)) {
      continue;  // leading spaces, the ideographic one included
    }
    out.append(text.substr(start, pos - start));
    ++kept;
  }
  for (;;) {
    if (!out.empty() && out.back() == ' ') {
      out.pop_back();
    } else if (out.size() >= 3 && out.compare(out.size() - 3, 3, "\xE3\x80\x80") == 0) {
      out.resize(out.size() - 3);  // U+3000
    } else {
      return out;
    }
  }
}

const char* toString(AuditAction action) {
  return lookupName(kAuditActions, action);
}
std::optional<AuditAction> parseAuditAction(std::string_view text) {
  return lookupByName(kAuditActions, text);
}

std::string describeNeedsChange(const SpecialNeeds& needs, const SpecialNeeds& other) {
  std::string out;
  auto add = [&](const char* label, const std::string& value, const std::string& was) {
    if (value == was) {
      return;
    }
    if (!out.empty()) {
      out += "; ";
    }
    out += label;
    out += ": ";
    out += value.empty() ? "none" : value;
  };
  add("diet", needs.diet, other.diet);
  add("allergies", needs.allergies, other.allergies);
  add("accessibility", needs.accessibility, other.accessibility);
  return out;
}

}  // namespace kiosk
