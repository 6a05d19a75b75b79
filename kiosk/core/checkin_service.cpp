#include "kiosk/core/checkin_service.h"

#include <cstdio>
#include <utility>
#include <variant>

#include "kiosk/core/encoding.h"
#include "kiosk/core/ids.h"
#include "kiosk/core/local_time.h"

namespace kiosk {

namespace {

std::string hex8(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) {
      out += ", ";
    }
    out += item;
  }
  return out;
}

void explain(ScanDecision& d, std::string key, std::string english,
             std::vector<std::pair<std::string, std::string>> args = {}) {
  d.detail = std::move(english);
  d.detailKey = key.empty() ? std::string() : "detail." + key;
  d.detailArgs = std::move(args);
}

}  // namespace

std::vector<std::string> missingRequiredFields(const Event& event, const Guest& guest) {
  std::vector<std::string> missing;
  for (const auto& field : event.requiredFields) {
    const std::string* value = nullptr;
    if (field == "phone") {
      value = &guest.phone;
    } else if (field == "email") {
      value = &guest.email;
    } else if (field == "company") {
      value = &guest.company;
    } else if (field == "title") {
      value = &guest.title;
    } else if (field == "language") {
      value = &guest.language;
    } else if (field == "diet") {
      value = &guest.needs.diet;
    } else if (field == "allergies") {
      value = &guest.needs.allergies;
    } else if (field == "accessibility") {
      value = &guest.needs.accessibility;
    }
    if (value != nullptr && value->empty()) {
      missing.push_back(field);
    }
  }
  return missing;
}

CheckinService::CheckinService(RosterReader& roster, CheckinLedger& ledger, const Clock& clock,
                               std::string terminalName, EventId eventId, CheckinPolicy policy)
    : roster_(roster),
      ledger_(ledger),
      clock_(clock),
      terminal_(std::move(terminalName)),
      eventId_(eventId),
      policy_(policy) {}

Result<ScanDecision> CheckinService::evaluate(std::string_view scannedText,
                                              ScanSource source) const {
  ScanDecision d;
  d.source = source;
  d.scannedAt = clock_.now();
  d.scanHash = sha256Hex(scannedText);
  d.eventId = eventId_;

  auto parsed = parseToken(scannedText);
  if (const auto* problem = std::get_if<TokenProblem>(&parsed)) {
    if (*problem != TokenProblem::kNotAToken) {
      d.outcome = ScanOutcome::kBadSignature;
      if (*problem == TokenProblem::kUnsupportedVersion) {
        explain(d, "unsupported_version", "guest code of a version this terminal does not know");
      } else {
        explain(d, "damaged", "damaged guest code (truncated or altered characters)");
      }
      return d;
    }
    const auto code = normalizeBookingCode(scannedText);
    if (!code) {
      d.outcome = ScanOutcome::kUnknownCode;
      explain(d, "not_a_code", "neither a guest code nor a booking code");
      return d;
    }
    auto guest = roster_.findGuestByBookingCode(eventId_, *code);
    if (!guest) {
      return guest.error();
    }
    if (!guest.value()) {
      d.outcome = ScanOutcome::kUnknownCode;
      explain(d, "unknown_booking_code", "no guest with this booking code");
      return d;
    }
    // A booking code obeys the window the event's QR codes have by default.
    auto event = roster_.findEvent(eventId_);
    if (!event) {
      return event.error();
    }
    if (event.value()) {
      const TimePoint from = event.value()->startsAt - kCodesValidBeforeStart;
      const TimePoint until = event.value()->endsAt + kCodesValidAfterEnd;
      if (d.scannedAt + policy_.clockSkewGrace < from) {
        d.outcome = ScanOutcome::kNotYetValid;
        explain(d, "booking_code_not_yet", "booking codes are valid from " + formatIso8601(from),
                {{"time", localTime(from)}});
        return d;
      }
      if (d.scannedAt - policy_.clockSkewGrace > until) {
        d.outcome = ScanOutcome::kExpired;
        explain(d, "booking_code_expired", "booking codes expired at " + formatIso8601(until),
                {{"time", localTime(until)}});
        return d;
      }
    }
    // The booking code is printed on the invitation beside the QR code: once a code of
    // the guest was revoked (a lost or copied invitation), it is no key either.
    auto revokedCode = roster_.hasRevokedCode(eventId_, guest.value()->id);
    if (!revokedCode) {
      return revokedCode.error();
    }
    if (revokedCode.value() && guest.value()->status != GuestStatus::kCancelled) {
      d.guest = *guest.value();
      d.outcome = ScanOutcome::kRevoked;
      explain(d, "booking_code_of_revoked",
              "a code of this guest was revoked, so the booking code admits no more: the "
              "guest's new code or staff");
      return d;
    }
    auto active = roster_.findActiveCheckin(eventId_, guest.value()->id);
    if (!active) {
      return active.error();
    }
    return decideForGuest(std::move(d), *guest.value(), active.value());
  }

  const auto& token = std::get<ParsedToken>(parsed);
  const auto& claims = token.claims;
  d.tokenId = token.tokenId();
  if (claims.eventId != eventId_) {
    d.outcome = ScanOutcome::kWrongEvent;
    explain(d, "wrong_event",
            "code is for event " + hex8(claims.eventId) + ", this terminal serves event " +
                hex8(eventId_),
            {{"code_event", hex8(claims.eventId)}, {"event", hex8(eventId_)}});
    return d;
  }
  auto key = roster_.findSigningKey(eventId_, claims.keyId);
  if (!key) {
    return key.error();
  }
  if (!key.value()) {
    d.outcome = ScanOutcome::kBadSignature;
    explain(
        d, "unknown_key",
        "signed with key " + std::to_string(claims.keyId) + ", which this terminal does not have",
        {{"key", std::to_string(claims.keyId)}});
    return d;
  }
  if (key.value()->retiredAt) {
    d.outcome = ScanOutcome::kRevoked;
    explain(d, "retired_key",
            "signed with key " + std::to_string(claims.keyId) + ", which was retired at " +
                formatIso8601(*key.value()->retiredAt),
            {{"key", std::to_string(claims.keyId)}, {"time", localTime(*key.value()->retiredAt)}});
    return d;
  }
  if (!verifyTokenSignature(token, key.value()->publicKey)) {
    d.outcome = ScanOutcome::kBadSignature;
    explain(d, "forged", "signature does not verify (forged or altered code)");
    return d;
  }
  auto revoked = roster_.isTokenRevoked(eventId_, *d.tokenId);
  if (!revoked) {
    return revoked.error();
  }
  if (revoked.value()) {
    d.outcome = ScanOutcome::kRevoked;
    explain(d, "revoked", "code " + *d.tokenId + " is on the revocation list",
            {{"code", *d.tokenId}});
    return d;
  }
  if (d.scannedAt + policy_.clockSkewGrace < claims.notBefore) {
    d.outcome = ScanOutcome::kNotYetValid;
    explain(d, "not_yet", "code valid from " + formatIso8601(claims.notBefore),
            {{"time", localTime(claims.notBefore)}});
    return d;
  }
  if (d.scannedAt - policy_.clockSkewGrace > claims.notAfter) {
    d.outcome = ScanOutcome::kExpired;
    explain(d, "expired", "code expired at " + formatIso8601(claims.notAfter),
            {{"time", localTime(claims.notAfter)}});
    return d;
  }
  auto guest = roster_.findGuest(eventId_, claims.guestId);
  if (!guest) {
    return guest.error();
  }
  if (!guest.value()) {
    d.outcome = ScanOutcome::kUnknownCode;
    explain(d, "not_in_roster",
            "validly signed code for guest #" + std::to_string(claims.guestId) +
                ", who is not in this terminal's roster",
            {{"guest", std::to_string(claims.guestId)}});
    return d;
  }
  auto active = roster_.findActiveCheckin(eventId_, claims.guestId);
  if (!active) {
    return active.error();
  }
  return decideForGuest(std::move(d), *guest.value(), active.value());
}

ScanDecision CheckinService::decideForGuest(ScanDecision d, const Guest& guest,
                                            const std::optional<CheckinRecord>& active) const {
  d.guest = guest;
  if (guest.status == GuestStatus::kCancelled) {
    d.outcome = ScanOutcome::kRevoked;
    explain(d, "cancelled", "invitation cancelled");
    return d;
  }
  if (guest.status == GuestStatus::kBlocked) {
    d.outcome = ScanOutcome::kNeedsStaff;
    d.staffReason = StaffReason::kBlocked;
    explain(d, "blocked", "guest is blocked: staff must see the guest");
    return d;
  }
  if (active) {
    d.outcome = ScanOutcome::kAlreadyCheckedIn;
    d.previous = active;
    explainAlreadyCheckedIn(d, *active);
    return d;
  }
  if (guest.escortRequired) {
    d.outcome = ScanOutcome::kNeedsStaff;
    d.staffReason = StaffReason::kVipEscort;
    explain(d, "escort", "guest is to be escorted by staff");
    return d;
  }
  auto event = roster_.findEvent(eventId_);
  if (event && event.value()) {
    const auto missing = missingRequiredFields(*event.value(), guest);
    if (!missing.empty()) {
      d.outcome = ScanOutcome::kNeedsStaff;
      d.staffReason = StaffReason::kMissingAnswers;
      explain(d, "missing_answers", "required answers missing: " + join(missing),
              {{"fields", join(missing)}});
      return d;
    }
  }
  d.outcome = ScanOutcome::kAccepted;
  explain(d, "", "");
  return d;
}

// Refusal times for staff: the event's local time (as every time staff and guests see).
std::string CheckinService::localTime(TimePoint t) const {
  auto event = roster_.findEvent(eventId_);
  if (event && event.value()) {
    return formatLocal(t, event.value()->timezone, "yyyy-MM-dd HH:mm");
  }
  return formatIso8601(t);
}

void CheckinService::explainAlreadyCheckedIn(ScanDecision& d, const CheckinRecord& existing) const {
  explain(d, "already_checked_in",
          "already checked in at " + existing.terminal + " at " + formatIso8601(existing.scannedAt),
          {{"terminal", existing.terminal}, {"time", localTime(existing.scannedAt)}});
}

Result<ScanDecision> CheckinService::commit(ScanDecision decision, CheckinRecord record,
                                            const AuditEvent& audit) {
  const bool notifyHost = decision.guest && !decision.guest->host.empty();
  auto result = ledger_.commitCheckin(record, audit, notifyHost);
  if (!result) {
    return result.error();
  }
  if (!result->committed) {
    decision.outcome = ScanOutcome::kAlreadyCheckedIn;
    decision.previous = result->existing;
    if (result->existing) {
      explainAlreadyCheckedIn(decision, *result->existing);
    }
    return decision;
  }
  decision.checkin = std::move(record);
  return decision;
}

Result<ScanDecision> CheckinService::confirm(const ScanDecision& decision,
                                             const ConfirmDetails& details) {
  if (!decision.accepted() || !decision.guest || decision.eventId != eventId_) {
    return makeError(ErrorKind::kInvalidInput,
                     "only an accepted scan of this event can be confirmed");
  }
  const auto now = clock_.now();
  CheckinRecord record;
  record.id = newRecordId(now);
  record.eventId = eventId_;
  record.guestId = decision.guest->id;
  record.terminal = terminal_;
  record.scannedAt = decision.scannedAt;
  record.method = decision.tokenId ? CheckinMethod::kQrCode : CheckinMethod::kBookingCode;
  record.confirmedNeeds = details.confirmedNeeds;
  record.needsChanged = !(details.confirmedNeeds == decision.guest->needs);
  if (record.needsChanged) {
    record.previousNeeds = decision.guest->needs;
  }
  record.photoTaken = details.photoTaken;

  AuditEvent audit;
  audit.at = now;
  audit.terminal = terminal_;
  audit.actor = "guest";
  audit.action = AuditAction::kCheckin;
  audit.eventId = eventId_;
  audit.guestId = record.guestId;
  audit.outcome = toString(ScanOutcome::kAccepted);
  audit.reason = record.needsChanged ? "guest changed special needs at the terminal" : "";
  audit.refId = record.id;
  return commit(decision, std::move(record), audit);
}

Status CheckinService::reject(const ScanDecision& decision) {
  if (decision.accepted()) {
    return makeError(ErrorKind::kInvalidInput, "an accepted scan is not a rejection");
  }
  RejectedScan rejection;
  rejection.id = newRecordId(clock_.now());
  rejection.eventId = eventId_;
  if (decision.guest) {
    rejection.guestId = decision.guest->id;
  }
  rejection.terminal = terminal_;
  rejection.scannedAt = decision.scannedAt;
  rejection.outcome = decision.outcome;
  rejection.staffReason = decision.staffReason;
  rejection.detail = decision.detail;
  rejection.scanHash = decision.scanHash;
  rejection.source = decision.source;

  AuditEvent audit;
  audit.at = clock_.now();
  audit.terminal = terminal_;
  audit.actor = "guest";
  audit.action = AuditAction::kScanRejected;
  audit.eventId = eventId_;
  audit.guestId = rejection.guestId;
  audit.outcome = toString(decision.outcome);
  audit.reason = decision.detail;
  audit.refId = rejection.id;
  return ledger_.commitRejection(rejection, audit);
}

Result<ScanDecision> CheckinService::checkInNow(std::string_view scannedText, ScanSource source) {
  auto decision = evaluate(scannedText, source);
  if (!decision) {
    return decision;
  }
  if (decision->accepted()) {
    ConfirmDetails details;
    details.confirmedNeeds = decision->guest->needs;
    auto confirmed = confirm(*decision, details);
    if (!confirmed || confirmed->accepted()) {
      return confirmed;
    }
    decision = std::move(confirmed);  // checked in elsewhere meanwhile: record it as refused
  }
  if (auto status = reject(*decision); !status) {
    return status.error();
  }
  return decision;
}

Result<ScanDecision> CheckinService::checkInByStaff(GuestId guestId, const StaffAction& staff,
                                                    CheckinMethod method) {
  if (method != CheckinMethod::kStaffManual && method != CheckinMethod::kStaffOverride) {
    return makeError(ErrorKind::kInvalidInput, "staff check-in must be manual or override");
  }
  if (staff.staffId.empty() || staff.reason.empty()) {
    return makeError(ErrorKind::kInvalidInput,
                     "a staff check-in needs the staff member and a reason");
  }
  auto guest = roster_.findGuest(eventId_, guestId);
  if (!guest) {
    return guest.error();
  }
  if (!guest.value()) {
    return makeError(ErrorKind::kNotFound,
                     "no guest #" + std::to_string(guestId) + " in this event");
  }
  const auto now = clock_.now();
  ScanDecision decision;
  decision.source = ScanSource::kTyped;
  decision.scannedAt = now;
  decision.eventId = eventId_;
  decision.guest = *guest.value();
  decision.outcome = ScanOutcome::kAccepted;

  CheckinRecord record;
  record.id = newRecordId(now);
  record.eventId = eventId_;
  record.guestId = guestId;
  record.terminal = terminal_;
  record.scannedAt = now;
  record.method = method;
  record.staffId = staff.staffId;
  record.overrideReason = staff.reason;
  record.confirmedNeeds = decision.guest->needs;

  AuditEvent audit;
  audit.at = now;
  audit.terminal = terminal_;
  audit.actor = "staff:" + staff.staffId;
  audit.action = method == CheckinMethod::kStaffOverride ? AuditAction::kOverride
                                                         : AuditAction::kManualCheckin;
  audit.eventId = eventId_;
  audit.guestId = guestId;
  audit.outcome = toString(ScanOutcome::kAccepted);
  audit.reason = staff.reason;
  audit.refId = record.id;
  return commit(std::move(decision), std::move(record), audit);
}

Status CheckinService::undo(std::string_view checkinId, const StaffAction& staff) {
  if (staff.staffId.empty() || staff.reason.empty()) {
    return makeError(ErrorKind::kInvalidInput, "an undo needs the staff member and a reason");
  }
  auto found = roster_.findCheckin(checkinId);
  if (!found) {
    return found.error();
  }
  if (!found.value()) {
    return makeError(ErrorKind::kNotFound, "no check-in " + std::string(checkinId));
  }
  CheckinRecord record = *found.value();
  if (record.undoneAt) {
    return makeError(ErrorKind::kInvalidInput, "this check-in was already undone");
  }
  const auto now = clock_.now();
  if (now - record.scannedAt > policy_.undoWindow) {
    return makeError(
        ErrorKind::kPermanent,
        "check-ins can only be undone within " +
            std::to_string(
                std::chrono::duration_cast<std::chrono::minutes>(policy_.undoWindow).count()) +
            " minutes");
  }
  record.undoneAt = now;
  record.undoneBy = staff.staffId;
  record.undoReason = staff.reason;

  AuditEvent audit;
  audit.at = now;
  audit.terminal = terminal_;
  audit.actor = "staff:" + staff.staffId;
  audit.action = AuditAction::kCheckinUndone;
  audit.eventId = record.eventId;
  audit.guestId = record.guestId;
  audit.reason = staff.reason;
  audit.refId = record.id;
  return ledger_.commitUndo(record, audit);
}

Result<ScanDecision> CheckinService::registerWalkIn(Guest draft, const StaffAction& staff) {
  if (staff.staffId.empty() || staff.reason.empty()) {
    return makeError(ErrorKind::kInvalidInput, "a walk-in needs the staff member and a reason");
  }
  if (draft.name.empty()) {
    return makeError(ErrorKind::kInvalidInput, "a walk-in needs the guest's name");
  }
  const auto now = clock_.now();
  draft.eventId = eventId_;
  draft.id = 0x80000000u | (randomNonZeroU32() & 0x7fffffffu);
  draft.bookingCode = "WALK-" + randomCode(6);
  draft.status = GuestStatus::kActive;

  ScanDecision decision;
  decision.source = ScanSource::kTyped;
  decision.scannedAt = now;
  decision.eventId = eventId_;
  decision.outcome = ScanOutcome::kAccepted;
  decision.guest = draft;

  CheckinRecord record;
  record.id = newRecordId(now);
  record.eventId = eventId_;
  record.guestId = draft.id;
  record.terminal = terminal_;
  record.scannedAt = now;
  record.method = CheckinMethod::kWalkIn;
  record.staffId = staff.staffId;
  record.overrideReason = staff.reason;
  record.confirmedNeeds = draft.needs;

  AuditEvent audit;
  audit.at = now;
  audit.terminal = terminal_;
  audit.actor = "staff:" + staff.staffId;
  audit.action = AuditAction::kWalkIn;
  audit.eventId = eventId_;
  audit.guestId = draft.id;
  audit.outcome = toString(ScanOutcome::kAccepted);
  audit.reason = staff.reason;
  audit.refId = record.id;
  if (auto status = ledger_.commitWalkIn(draft, record, audit); !status) {
    return status.error();
  }
  decision.checkin = std::move(record);
  return decision;
}

Status CheckinService::recordFeedback(Feedback feedback) {
  if (feedback.kind == FeedbackKind::kRating &&
      (!feedback.rating || *feedback.rating < 1 || *feedback.rating > 5)) {
    return makeError(ErrorKind::kInvalidInput, "a rating is 1 to 5");
  }
  const auto now = clock_.now();
  feedback.id = newRecordId(now);
  feedback.eventId = eventId_;
  feedback.terminal = terminal_;
  feedback.at = now;
  feedback.text = cleanFeedbackText(feedback.text);
  AuditEvent audit;
  audit.at = now;
  audit.terminal = terminal_;
  audit.actor = "guest";
  audit.action = feedback.kind == FeedbackKind::kRating ? AuditAction::kFeedback
                                                        : AuditAction::kProblemReported;
  audit.eventId = eventId_;
  audit.guestId = feedback.guestId;
  audit.reason = feedback.kind == FeedbackKind::kRating
                     ? "rating " + std::to_string(*feedback.rating)
                     : std::string(toString(feedback.kind)) + ": " + feedback.category;
  audit.refId = feedback.id;
  return ledger_.commitFeedback(feedback, audit);
}

}  // namespace kiosk
