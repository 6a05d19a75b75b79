// SyncStore: what the sync engine reads and writes in the terminal database - the device
// identity, the server's cursor, the outbox window, pulled pages and the wipe of a revoked
// device. The guest/event/key/staff writes go through LocalStore's own methods (one
// implementation of the search keys); everything a pulled page changes commits in one
// transaction together with the page's cursor.
//
// Settings kept (table `settings`): sync.device_id, sync.token, sync.token_expires_at,
// sync.event_id, sync.terminal, sync.cursor, sync.revoked_at.
//
// Wipe of a revoked device (central answered 401 device-revoked): guests and their search
// keys, photos (rows and files), signing keys, revocations, staff, badge templates, print
// jobs, the whole outbox and its dead letters (they carry personal data and can no longer
// be delivered), confirmed needs on check-ins, feedback texts, the event's wifi password
// and the device token. Kept: the event's name and times, check-in and refusal records
// (ids and times only) and the audit trail, which gets a device_wiped row with the counts.
//
// Thread rules: as LocalStore - one per thread, on that thread's LocalStore. Failures are
// Result errors as in LocalStore.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "offline-cache/local_store.h"
#include "offline-cache/sync_protocol.h"

namespace kiosk::cache {

struct DeviceIdentity {
  std::string deviceId;
  std::string token;
  std::string terminal;
  EventId eventId = 0;
  std::optional<TimePoint> tokenExpiresAt;
};

struct OutboxRow {
  std::int64_t seq = 0;
  std::string kind;
  std::string refId;
  EventId eventId = 0;
  std::string payload;
  TimePoint createdAt{};
  int attempts = 0;
};

struct PageApplied {
  std::size_t events = 0;
  std::size_t signingKeys = 0;
  std::size_t guests = 0;
  std::size_t revocations = 0;
  std::size_t staff = 0;
  std::size_t badgeTemplates = 0;
  std::size_t checkins = 0;
  PageApplied& operator+=(const PageApplied& o);
  std::size_t total() const {
    return events + signingKeys + guests + revocations + staff + badgeTemplates + checkins;
  }
};

struct WipeReport {
  std::size_t guests = 0;
  std::size_t photos = 0;
  std::size_t outboxDropped = 0;
  std::size_t staff = 0;
  std::size_t signingKeys = 0;
};

struct PendingPhoto {
  std::string checkinId;
  std::string path;
};

// photos.uploaded values written by the engine.
inline constexpr int kPhotoPending = 0;
inline constexpr int kPhotoUploaded = 1;
inline constexpr int kPhotoFileMissing = 2;  // the file was gone; never retried

class SyncStore {
 public:
  explicit SyncStore(LocalStore& store) : store_(store), db_(store.database()) {}

  // nullopt until the terminal is enrolled (or after a wipe).
  Result<std::optional<DeviceIdentity>> identity();
  // Saves the event and the identity, clears the cursor (a new enrollment pulls from the
  // start) and any earlier revocation mark.
  Status saveEnrollment(const api::Enrollment& enrollment);
  Result<std::string> cursor();
  Result<std::optional<TimePoint>> revokedAt();

  // The oldest `limit` outbox rows, in order.
  Result<std::vector<OutboxRow>> outboxWindow(std::size_t limit);
  Status removeFromOutbox(std::span<const std::int64_t> seqs);
  // Rows central refused for good: out of the outbox, into outbox_dead (with the status
  // and the problem's text), one transaction.
  Status moveToDeadLetters(std::span<const OutboxRow> rows, long httpStatus,
                           std::string_view problem, TimePoint now);
  Status noteFailedAttempt(std::span<const std::int64_t> seqs, std::string_view error,
                           TimePoint nextAttempt);
  Result<OutboxCounts> outboxCounts() { return store_.outboxCounts(); }

  // Applies a pulled page and stores its cursor, in one transaction (nothing of a page
  // that fails is kept). Remote check-ins are inserted with origin 'central', keyed by id;
  // a check-in the terminal already has gets central's flag and undo (a local undo that
  // is not yet pushed wins).
  Result<PageApplied> applyPage(const api::ChangesPage& page, TimePoint now,
                                std::string_view terminal);

  Result<WipeReport> wipeRevokedDevice(TimePoint now, std::string_view terminal,
                                       std::string_view reason);

  Result<std::vector<PendingPhoto>> pendingPhotos(std::size_t limit);
  Status markPhoto(std::string_view checkinId, int state);

  // Dead letters of events whose retention purge has run (purgeExpired) are dropped too.
  Result<std::size_t> purgeDeadLettersOfPurgedEvents();

 private:
  LocalStore& store_;
  Database& db_;
};

}  // namespace kiosk::cache
