// CentralStore: kiosk-central's database - events with their signing keys (secret halves
// included: codes are issued here), the roster, staff and badge templates - and the owner of
// the parts that keep the rest, each with its own responsibility:
// - DeviceRegistry (device_registry.h): enrollment codes, devices and their tokens,
//   heartbeats;
// - ChangeFeed (change_feed.h): what terminals pull, with their cursors;
// - PushedRecords (pushed_records.h): every fact the terminals push, and its admin views;
// - NoticeQueue (notice_queue.h): arrival notices for the webhook and their deliveries.
// The schema is central_schema.h.
//
// Thread rules: one CentralStore per thread (one SQLite connection; WAL lets readers and
// one writer work at once). Failures are Result errors classified as in offline-cache.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "central/change_feed.h"
#include "central/device_registry.h"
#include "central/notice_queue.h"
#include "central/pushed_records.h"
#include "kiosk/core/event.h"
#include "kiosk/core/guest.h"
#include "kiosk/core/staff.h"
#include "kiosk/core/token.h"
#include "offline-cache/database.h"
#include "offline-cache/sync_protocol.h"

namespace kiosk::central {

using cache::Json;

class CentralStore {
 public:
  static Result<std::unique_ptr<CentralStore>> open(const std::string& path,
                                                    const cache::OpenOptions& options = {});
  ~CentralStore();
  CentralStore(const CentralStore&) = delete;
  CentralStore& operator=(const CentralStore&) = delete;
  cache::Database& database() { return *db_; }
  ChangeFeed& feed() { return feed_; }
  DeviceRegistry& devices() { return devices_; }
  PushedRecords& records() { return records_; }
  NoticeQueue& notices() { return notices_; }

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

  // One guest as a roster import, a walk-in or a staff edit left it; fed when it changed.
  // Inside the caller's transaction; throws DatabaseError.
  void upsertGuest(EventId eventId, const Guest& guest, TimePoint now);

 private:
  explicit CentralStore(std::unique_ptr<cache::Database> db);

  std::unique_ptr<cache::Database> db_;
  ChangeFeed feed_;
  DeviceRegistry devices_;
  PushedRecords records_;
  NoticeQueue notices_;
};

}  // namespace kiosk::central
