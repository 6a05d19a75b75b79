// WebhookNotifier: delivers arrival notices (a guest with a host has checked in) to the
// event's webhook URL by HTTP(S) POST of a JSON document, with retries and backoff
// (5 s doubling up to 10 min), writing every attempt to the delivery log. Receivers
// deduplicate by the notice's `id` (delivery is at least once).
//
// The posted JSON is the notice (docs/api/openapi.yaml ArrivalNotice) plus a `guest`
// object with the guest's name, company, category and booking code from central's roster,
// since the host needs to know who arrived. Notices of an event without a webhook URL wait
// (checked every minute) until one is set.
//
// Owns a worker std::jthread with its own database connection. start()/stop()/wake() may
// be called from any thread; stop() waits for a delivery in flight (bounded by the 5 s
// timeouts). Log lines carry notice ids and statuses only.
#pragma once

#include <memory>
#include <string>

#include "kiosk/core/time.h"

namespace kiosk::central {

struct WebhookOptions {
  std::string databasePath;
  std::string caFile;  // for https webhooks; empty = system CAs
  Millis pollInterval{1000};
  Millis timeout{5000};
  Millis retryBase{5000};
  Millis retryMax{600000};
};

class WebhookNotifier {
 public:
  WebhookNotifier(WebhookOptions options, const Clock& clock);
  ~WebhookNotifier();
  WebhookNotifier(const WebhookNotifier&) = delete;
  WebhookNotifier& operator=(const WebhookNotifier&) = delete;

  void start();
  void stop();
  void wake();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::central
