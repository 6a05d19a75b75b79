// In-memory implementations of the core's store ports, for core tests only.
// (The real implementations live in offline-cache and have their own tests.)
#pragma once

#include <map>
#include <set>
#include <vector>

#include "kiosk/core/checkin_service.h"

namespace kiosk::testing {

class FakeStore final : public RosterReader, public CheckinLedger {
 public:
  std::map<EventId, Event> events;
  std::map<GuestId, Guest> guests;
  std::map<KeyId, SigningKey> keys;  // public parts
  std::set<std::string> revoked;
  std::set<GuestId> guestsWithRevokedCodes;
  std::vector<CheckinRecord> checkins;
  std::vector<RejectedScan> rejections;
  std::vector<AuditEvent> audit;
  std::vector<std::string> hostNotices;
  std::vector<Feedback> feedback;
  bool failWrites = false;

  Result<std::optional<Event>> findEvent(EventId id) override {
    auto it = events.find(id);
    return it == events.end() ? std::optional<Event>{} : std::optional<Event>{it->second};
  }
  Result<std::optional<Guest>> findGuest(EventId, GuestId id) override {
    auto it = guests.find(id);
    return it == guests.end() ? std::optional<Guest>{} : std::optional<Guest>{it->second};
  }
  Result<std::optional<Guest>> findGuestByBookingCode(EventId, std::string_view code) override {
    for (const auto& [id, g] : guests) {
      if (g.bookingCode == code) {
        return std::optional<Guest>{g};
      }
    }
    return std::optional<Guest>{};
  }
  Result<std::optional<CheckinRecord>> findActiveCheckin(EventId, GuestId id) override {
    for (const auto& c : checkins) {
      if (c.guestId == id && !c.undoneAt) {
        return std::optional<CheckinRecord>{c};
      }
    }
    return std::optional<CheckinRecord>{};
  }
  Result<std::optional<CheckinRecord>> findCheckin(std::string_view id) override {
    for (const auto& c : checkins) {
      if (c.id == id) {
        return std::optional<CheckinRecord>{c};
      }
    }
    return std::optional<CheckinRecord>{};
  }
  Result<std::optional<SigningKey>> findSigningKey(EventId, KeyId id) override {
    auto it = keys.find(id);
    return it == keys.end() ? std::optional<SigningKey>{} : std::optional<SigningKey>{it->second};
  }
  Result<bool> isTokenRevoked(EventId, std::string_view tokenId) override {
    return revoked.count(std::string(tokenId)) > 0;
  }
  Result<bool> hasRevokedCode(EventId, GuestId id) override {
    return guestsWithRevokedCodes.count(id) > 0;
  }
  Result<CommitResult> commitCheckin(const CheckinRecord& r, const AuditEvent& a,
                                     bool notifyHost) override {
    if (failWrites) {
      return makeError(ErrorKind::kTransient, "disk full");
    }
    if (auto active = *findActiveCheckin(r.eventId, r.guestId); active) {
      return CommitResult{false, active};
    }
    checkins.push_back(r);
    audit.push_back(a);
    if (notifyHost) {
      hostNotices.push_back(r.id);
    }
    return CommitResult{true, std::nullopt};
  }
  Status commitRejection(const RejectedScan& r, const AuditEvent& a) override {
    if (failWrites) {
      return makeError(ErrorKind::kTransient, "disk full");
    }
    rejections.push_back(r);
    audit.push_back(a);
    return okStatus();
  }
  Status commitUndo(const CheckinRecord& r, const AuditEvent& a) override {
    for (auto& c : checkins) {
      if (c.id == r.id) {
        c = r;
      }
    }
    audit.push_back(a);
    return okStatus();
  }
  Status commitWalkIn(const Guest& g, const CheckinRecord& r, const AuditEvent& a) override {
    guests[g.id] = g;
    checkins.push_back(r);
    audit.push_back(a);
    return okStatus();
  }
  Status commitFeedback(const Feedback& f, const AuditEvent& a) override {
    feedback.push_back(f);
    audit.push_back(a);
    return okStatus();
  }
  Status appendAudit(const AuditEvent& a) override {
    audit.push_back(a);
    return okStatus();
  }
};

}  // namespace kiosk::testing
