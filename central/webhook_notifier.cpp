#include "central/webhook_notifier.h"

#include <httplib.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stop_token>
#include <thread>

#include "central/central_log.h"
#include "central/central_store.h"

namespace kiosk::central {

namespace {

struct Target {
  std::string origin;  // scheme://host[:port]
  std::string path;
};

std::optional<Target> splitUrl(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) {
    return std::nullopt;
  }
  const auto s = url.substr(0, scheme);
  if (s != "http" && s != "https") {
    return std::nullopt;
  }
  const auto slash = url.find('/', scheme + 3);
  if (slash == std::string::npos) {
    return Target{url, "/"};
  }
  return Target{url.substr(0, slash), url.substr(slash)};
}

}  // namespace

struct WebhookNotifier::Impl {
  Impl(WebhookOptions o, const Clock& c) : options(std::move(o)), clock(c) {}
  void run(std::stop_token stop);
  void deliver(CentralStore& store, const NoticeRow& row);

  WebhookOptions options;
  const Clock& clock;
  std::mutex mutex;
  std::condition_variable_any cv;
  bool woken = false;
  std::jthread thread;
};

void WebhookNotifier::Impl::deliver(CentralStore& store, const NoticeRow& row) {
  const auto now = clock.now();
  DeliveryRow d;
  d.noticeId = row.notice.id;
  d.url = row.webhookUrl;
  d.attemptedAt = now;
  if (row.webhookUrl.empty()) {
    d.error = "no webhook URL for the event (kiosk-central event set-webhook)";
    (void)store.notices().recordDelivery(d, false, now + std::chrono::minutes(1));
    return;
  }
  auto target = splitUrl(row.webhookUrl);
  if (!target) {
    d.error = "the webhook URL is not http:// or https://";
    (void)store.notices().recordDelivery(d, false, now + std::chrono::minutes(10));
    return;
  }
  auto doc = api::toJson(row.notice);
  if (auto guest = [&]() -> std::optional<Guest> {
        auto s = store.database().prepare(
            "SELECT doc FROM guests WHERE event_id = ?1 AND guest_id = ?2");
        s.bind(1, row.notice.eventId).bind(2, row.notice.guestId);
        if (!s.step()) {
          return std::nullopt;
        }
        return cache::guestFromJson(cache::parseJson(s.columnText(0)));
      }()) {
    doc["guest"] = {{"name", guest->name},
                    {"company", guest->company},
                    {"category", toString(guest->category)},
                    {"booking_code", guest->bookingCode}};
  }
  // The needs the guest confirmed at arrival, and what they were when the guest changed
  // them: whoever receives the guest must not serve the old allergy.
  {
    auto s = store.database().prepare("SELECT doc FROM checkins WHERE id = ?1 AND event_id = ?2");
    s.bind(1, row.notice.checkinId).bind(2, row.notice.eventId);
    if (s.step()) {
      const auto checkin = cache::checkinFromJson(cache::parseJson(s.columnText(0)));
      doc["needs"] = cache::toJson(checkin.confirmedNeeds);
      doc["needs_changed"] = checkin.needsChanged;
      if (checkin.previousNeeds) {
        doc["previous_needs"] = cache::toJson(*checkin.previousNeeds);
      }
    }
  }
  httplib::Client client(target->origin);
  const auto seconds = std::max<long>(1, static_cast<long>(options.timeout.count() / 1000));
  client.set_connection_timeout(seconds, 0);
  client.set_read_timeout(seconds, 0);
  client.set_write_timeout(seconds, 0);
  client.enable_server_certificate_verification(true);
  if (!options.caFile.empty()) {
    client.set_ca_cert_path(options.caFile);
  }
  const auto start = std::chrono::steady_clock::now();
  auto result = client.Post(target->path, cache::dump(doc), "application/json");
  d.durationMs =
      std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now() - start).count();
  bool delivered = false;
  if (result) {
    d.httpStatus = result->status;
    delivered = result->status >= 200 && result->status < 300;
    if (!delivered) {
      d.error = "answered " + std::to_string(result->status);
    }
  } else {
    d.error = httplib::to_string(result.error());
  }
  std::optional<TimePoint> next;
  if (!delivered) {
    Millis delay = options.retryBase;
    for (int i = 0; i < row.attempts && delay < options.retryMax; ++i) {
      delay *= 2;
    }
    next = now + std::min(delay, options.retryMax);
  }
  if (auto s = store.notices().recordDelivery(d, delivered, next); !s) {
    centralLog().error("webhook: cannot record the delivery of notice {}: {}", d.noticeId,
                       s.error().message);
  }
  if (delivered) {
    centralLog().info("webhook: delivered arrival notice {} ({} ms)", d.noticeId, d.durationMs);
  } else {
    centralLog().warn("webhook: arrival notice {} not delivered: {}", d.noticeId, d.error);
  }
}

void WebhookNotifier::Impl::run(std::stop_token stop) {
  std::unique_ptr<CentralStore> store;
  while (!stop.stop_requested()) {
    if (!store) {
      cache::OpenOptions o;
      o.checkIntegrity = false;  // the server checked it at start
      auto opened = CentralStore::open(options.databasePath, o);
      if (opened) {
        store = std::move(*opened);
      } else {
        centralLog().error("webhook: {}", opened.error().message);
      }
    }
    if (store) {
      // Long enough for every claimed notice to be tried (each within its timeout).
      const auto lease = options.timeout * 25 + std::chrono::minutes(1);
      auto due = store->notices().claimDue(clock.now(), 20, lease);
      if (due) {
        for (const auto& row : *due) {
          if (stop.stop_requested()) {
            break;
          }
          deliver(*store, row);
        }
      } else {
        centralLog().error("webhook: {}", due.error().message);
      }
    }
    std::unique_lock lock(mutex);
    cv.wait_for(lock, stop, options.pollInterval, [this] { return woken; });
    woken = false;
  }
}

WebhookNotifier::WebhookNotifier(WebhookOptions options, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(options), clock)) {}

WebhookNotifier::~WebhookNotifier() {
  stop();
}

void WebhookNotifier::start() {
  if (!impl_->thread.joinable()) {
    impl_->thread = std::jthread([impl = impl_.get()](std::stop_token stop) {
      try {
        impl->run(stop);
      } catch (const std::exception& e) {
        centralLog().critical("webhook: worker stopped: {}", e.what());
      }
    });
  }
}

void WebhookNotifier::stop() {
  if (impl_->thread.joinable()) {
    impl_->thread.request_stop();
    impl_->cv.notify_all();
    impl_->thread.join();
    impl_->thread = std::jthread();
  }
}

void WebhookNotifier::wake() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->woken = true;
  }
  impl_->cv.notify_all();
}

}  // namespace kiosk::central
