// Print path against a real CUPS scheduler: a private cupsd on loopback (the tests'
// PrivateCupsd) with a capture backend. Measures, per badge, the time from the print
// request (PrintService::submit) to "job accepted by cupsd" (Print-Job answered with a
// job id), to "completed", and render + submit -> accepted: the printing share of the
// "confirm -> badge job accepted by CUPS <= 500 ms p95" bar.
#include <chrono>
#include <cstdlib>
#include <thread>

#include "bench_table.h"
#include "devices/printing/badge_renderer.h"
#include "devices/printing/cups_print_device.h"
#include "devices/printing/print_service.h"
#include "private_cupsd.h"

namespace {

using kiosk::bench::row;
using kiosk::bench::Samples;
using namespace kiosk::devices;

constexpr int kBadges = 100;

using Steady = std::chrono::steady_clock;
double ms(Steady::time_point from, Steady::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

}  // namespace

int main() {
  if (auto reason = kiosk::testing::PrivateCupsd::unavailableReason()) {
    row("print", "skipped: " + *reason, 0, "");
    return 0;
  }
  std::string error;
  auto cupsd = kiosk::testing::PrivateCupsd::start(error);
  if (!cupsd) {
    std::fprintf(stderr, "cannot start cupsd: %s\n", error.c_str());
    return 2;
  }
  if (auto e = cupsd->addQueue("badges", "capture"); !e.empty()) {
    std::fprintf(stderr, "%s\n", e.c_str());
    return 2;
  }
  auto t = defaultBadgeTemplate();
  const BadgeRenderer renderer(std::move(*t));
  BadgeData data;
  data.eventName = "2026 Global Logistics Summit";
  data.company = "Harbour Logistics GmbH";
  data.categoryLabel = "Business";
  (void)renderer.renderPdf(data, BadgeSize::kCr80);  // font warm-up

  kiosk::SystemClock clock;
  CupsPrinterConfig config;
  config.server = cupsd->server();
  config.queue = "badges";
  PrintServiceOptions options;
  options.pollInterval = kiosk::Millis{50};
  PrintService service(std::make_unique<CupsPrintDevice>(config), nullptr, clock, options);

  Samples accepted;
  Samples completed;
  Samples endToEnd;
  for (int i = 0; i < kBadges; ++i) {
    data.guestName = "Guest " + std::to_string(i) + " 王";
    data.qrText = "KT1:BENCH" + std::to_string(i);
    const auto start = Steady::now();
    auto pdf = renderer.renderPdf(data, BadgeSize::kCr80);
    PrintRequest request;
    request.badgeId = "bench-" + std::to_string(i);
    request.pdf = std::move(*pdf);
    request.media = renderer.badgeTemplate().layout(BadgeSize::kCr80).media;
    const auto requested = Steady::now();
    const PrintJob queued = service.submit(std::move(request));
    // The UI would see this on its next frame; waitFor wakes on the same change.
    auto job = service.waitFor(
        queued.badgeId, [](const PrintJob& j) { return j.acceptedAt.has_value(); },
        std::chrono::seconds(30));
    const auto acceptedAt = Steady::now();
    job = service.waitUntilSettled(queued.badgeId, std::chrono::seconds(30));
    const auto completedAt = Steady::now();
    if (!job || job->state != PrintJobState::kCompleted) {
      std::fprintf(stderr, "badge %d did not print: %s\n", i, job ? job->reason.c_str() : "?");
      return 1;
    }
    accepted.add(ms(requested, acceptedAt));
    completed.add(ms(requested, completedAt));
    endToEnd.add(ms(start, acceptedAt));
  }
  row("print", "request -> accepted by cupsd p50", accepted.percentile(50), "ms");
  row("print", "request -> accepted by cupsd p95", accepted.percentile(95), "ms");
  row("print", "request -> completed (capture backend) p50", completed.percentile(50), "ms");
  row("print", "request -> completed (capture backend) p95", completed.percentile(95), "ms");
  row("print", "render cr80 PDF + request -> accepted p95", endToEnd.percentile(95), "ms", 500);
  row("print", "badges captured by the backend",
      static_cast<double>(cupsd->captured("badges").size()), "", kBadges, false);
  return 0;
}
