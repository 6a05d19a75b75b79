#include "central/notice_queue.h"

#include <nlohmann/json.hpp>

#include "offline-cache/json_codec.h"

namespace kiosk::central {

using cache::guarded;
using cache::guardedStatus;
using cache::parseJson;

Result<std::vector<NoticeRow>> NoticeQueue::list() {
  return guarded("listing arrival notices", [&] {
    std::vector<NoticeRow> out;
    auto s = db_.prepare(
        "SELECT n.doc, COALESCE(e.webhook_url, ''), n.delivered_at, n.attempts, n.last_error FROM "
        "arrival_notices n LEFT JOIN events e ON e.id = n.event_id ORDER BY n.received_at, n.id");
    while (s.step()) {
      NoticeRow r;
      r.notice = api::arrivalNoticeFromJson(parseJson(s.columnText(0)));
      r.webhookUrl = s.columnText(1);
      if (auto d = s.columnOptionalInt(2)) {
        r.deliveredAt = fromUnixMillis(*d);
      }
      r.attempts = static_cast<int>(s.columnInt(3));
      r.lastError = s.columnText(4);
      out.push_back(std::move(r));
    }
    return out;
  });
}

Result<std::vector<DeliveryRow>> NoticeQueue::deliveries(std::size_t limit) {
  return guarded("listing webhook deliveries", [&] {
    std::vector<DeliveryRow> out;
    auto s = db_.prepare(
        "SELECT notice_id, url, attempted_at, http_status, error, duration_ms FROM "
        "webhook_deliveries ORDER BY seq DESC LIMIT ?1");
    s.bind(1, static_cast<std::int64_t>(limit));
    while (s.step()) {
      out.push_back({s.columnText(0), s.columnText(1), fromUnixMillis(s.columnInt(2)),
                     static_cast<int>(s.columnInt(3)), s.columnText(4), s.columnInt(5)});
    }
    return out;
  });
}
Result<std::vector<NoticeRow>> NoticeQueue::claimDue(TimePoint now, std::size_t limit,
                                                     Millis lease) {
  return guarded("claiming arrival notices to deliver", [&] {
    return db_.transaction([&] {
      std::vector<NoticeRow> out;
      // Rows another instance is claiming right now are passed over, not waited for.
      auto s = db_.prepare(
          std::string("SELECT n.doc, COALESCE(e.webhook_url, ''), n.attempts FROM "
                      "arrival_notices n LEFT JOIN events e ON e.id = n.event_id WHERE "
                      "n.delivered_at IS NULL AND n.next_attempt_at <= ?1 ORDER BY "
                      "n.next_attempt_at LIMIT ?2") +
          (db_.dialect() == cache::Dialect::kPostgres ? " FOR UPDATE OF n SKIP LOCKED" : ""));
      s.bind(1, toUnixMillis(now)).bind(2, static_cast<std::int64_t>(limit));
      while (s.step()) {
        NoticeRow r;
        r.notice = api::arrivalNoticeFromJson(parseJson(s.columnText(0)));
        r.webhookUrl = s.columnText(1);
        r.attempts = static_cast<int>(s.columnInt(2));
        out.push_back(std::move(r));
      }
      s.reset();
      auto claim = db_.prepare("UPDATE arrival_notices SET next_attempt_at = ?2 WHERE id = ?1");
      for (const auto& r : out) {
        claim.bind(1, r.notice.id).bind(2, toUnixMillis(now + lease)).run();
      }
      return out;
    });
  });
}

Status NoticeQueue::recordDelivery(const DeliveryRow& d, bool delivered,
                                   std::optional<TimePoint> nextAttempt) {
  return guardedStatus("recording a webhook delivery", [&] {
    db_.transaction([&] {
      if (!d.url.empty()) {
        db_.prepare(
               "INSERT INTO webhook_deliveries (notice_id, url, attempted_at, http_status, error, "
               "duration_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .bind(1, d.noticeId)
            .bind(2, d.url)
            .bind(3, toUnixMillis(d.attemptedAt))
            .bind(4, d.httpStatus)
            .bind(5, d.error)
            .bind(6, d.durationMs)
            .run();
      }
      db_.prepare(
             "UPDATE arrival_notices SET attempts = attempts + ?5, delivered_at = ?2, "
             "next_attempt_at = ?3, last_error = ?4 WHERE id = ?1")
          .bind(1, d.noticeId)
          .bind(2,
                delivered ? std::optional<std::int64_t>(toUnixMillis(d.attemptedAt)) : std::nullopt)
          .bind(3, toUnixMillis(nextAttempt.value_or(d.attemptedAt)))
          .bind(4, d.error)
          .bind(5, d.url.empty() ? 0 : 1)
          .run();
    });
  });
}

}  // namespace kiosk::central
