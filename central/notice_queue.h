// NoticeQueue: arrival notices waiting for their webhook (a VIP's host is told the guest has
// arrived), and the log of every delivery attempt. The WebhookNotifier takes the due ones,
// claims the due ones, tries them and records each attempt; `kiosk-central notices` lists both.
//
// Thread rules: as the Database it is given (one per thread).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kiosk/core/result.h"
#include "kiosk/core/time.h"
#include "offline-cache/database.h"
#include "offline-cache/sync_protocol.h"

namespace kiosk::central {

namespace api = cache::api;

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

class NoticeQueue {
 public:
  explicit NoticeQueue(cache::Database& db) : db_(db) {}

  // Every notice, oldest first.
  Result<std::vector<NoticeRow>> list();
  // The newest delivery attempts first.
  Result<std::vector<DeliveryRow>> deliveries(std::size_t limit);

  // Takes notices not delivered whose next attempt is due, for one deliverer: their next
  // attempt moves `lease` on, so that no other one (another kiosk-central on the same
  // database) takes them meanwhile; recordDelivery() then sets the real next attempt. A
  // deliverer that dies leaves its notices to be taken again when the lease is over.
  Result<std::vector<NoticeRow>> claimDue(TimePoint now, std::size_t limit, Millis lease);
  Status recordDelivery(const DeliveryRow& delivery, bool delivered,
                        std::optional<TimePoint> nextAttempt);

 private:
  cache::Database& db_;
};

}  // namespace kiosk::central
