// Printing through a real CUPS scheduler: a private cupsd on loopback with capture and
// failing backends (see private_cupsd.h). Asserts on the documents that reached the
// "printer", on job state transitions and on the printer states the kiosk shows.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "devices/printing/badge_renderer.h"
#include "devices/printing/cups_print_device.h"
#include "devices/printing/print_service.h"
#include "devices/printing/printer_test_page.h"
#include "private_cupsd.h"
#include "support/run_command.h"
#include "support/temp_dir.h"
#include "test_names.h"

namespace kiosk::devices {
namespace {

namespace fs = std::filesystem;
using testing::PrivateCupsd;

constexpr Millis kWait{30000};
constexpr double kPointsPerMm = 72.0 / 25.4;

class CupsPrinting : public ::testing::Test {
 protected:
  void SetUp() override {
    if (auto reason = PrivateCupsd::unavailableReason()) {
      GTEST_SKIP() << "needs a private CUPS scheduler: " << *reason;
    }
    std::string error;
    cupsd_ = PrivateCupsd::start(error);
    ASSERT_NE(cupsd_, nullptr) << error;
    auto t = defaultBadgeTemplate();
    ASSERT_TRUE(t.ok());
    renderer_.emplace(std::move(*t));
  }

  void TearDown() override {
    if (HasFailure() && cupsd_) {
      std::cerr << "---- cupsd error_log (tail) ----\n" << cupsd_->errorLog() << "\n";
    }
    service_.reset();  // before cupsd goes away
    cupsd_.reset();
  }

  void addQueue(const std::string& queue, const std::string& mode,
                const std::vector<std::string>& extra = {}) {
    const std::string error = cupsd_->addQueue(queue, mode, extra);
    ASSERT_TRUE(error.empty()) << error;
  }

  std::unique_ptr<CupsPrintDevice> device(const std::string& queue, bool viaSocket = false) {
    CupsPrinterConfig config;
    config.server = viaSocket ? cupsd_->socketPath() : cupsd_->server();
    config.queue = queue;
    config.timeout = Millis{5000};
    return std::make_unique<CupsPrintDevice>(config);
  }

  static PrintServiceOptions options() {
    PrintServiceOptions o;
    o.pollInterval = Millis{50};
    o.idleStatusInterval = Millis{200};
    o.stuckGrace = Millis{1000};
    o.jobTimeout = Millis{20000};
    return o;
  }

  void startService(const std::string& primary, const std::string& fallback = {}) {
    service_ = std::make_unique<PrintService>(
        device(primary), fallback.empty() ? nullptr : device(fallback), clock_, options());
  }

  PrintRequest badge(const std::string& badgeId, const std::string& name,
                     BadgeSize size = BadgeSize::kCr80) {
    BadgeData data;
    data.eventName = "2026 Global Logistics Summit";
    data.guestName = name;
    data.company = "Harbour Logistics GmbH";
    data.title = "Head of Operations";
    data.category = GuestCategory::kBusiness;
    data.categoryLabel = "Business";
    data.qrText = "KT1:" + badgeId;
    auto pdf = renderer_->renderPdf(data, size);
    EXPECT_TRUE(pdf.ok());
    PrintRequest r;
    r.badgeId = badgeId;
    r.pdf = std::move(*pdf);
    r.media = renderer_->badgeTemplate().layout(size).media;
    r.title = "Badge " + name;
    return r;
  }

  // Waits until the worker has seen the printer in `state` (polling the snapshot like
  // the UI does).
  PrinterStatus waitForPrinter(std::size_t index, PrinterState state) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    PrinterStatus last;
    while (std::chrono::steady_clock::now() < deadline) {
      last = service_->printers().at(index);
      if (last.state == state) {
        return last;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return last;
  }

  std::unique_ptr<PrivateCupsd> cupsd_;
  std::optional<BadgeRenderer> renderer_;
  SystemClock clock_;
  std::unique_ptr<PrintService> service_;
};

TEST_F(CupsPrinting, BadgeReachesThePrinterAsAPdfOfTheCardSize) {
  addQueue("badges", "capture");
  startService("badges");
  const std::string name = "Zoë Müller-Lüdenscheidt";
  const PrintJob queued = service_->submit(badge("evt-42", name));
  EXPECT_EQ(queued.state, PrintJobState::kQueued);

  // Every state the UI saw, in order.
  std::vector<PrintJobState> seen{queued.state};
  auto done = service_->waitFor(
      "evt-42",
      [&](const PrintJob& j) {
        if (seen.back() != j.state) {
          seen.push_back(j.state);
        }
        return isSettled(j.state);
      },
      kWait);
  ASSERT_TRUE(done);
  ASSERT_EQ(done->state, PrintJobState::kCompleted) << done->reason;
  EXPECT_GT(done->deviceJobId, 0);
  EXPECT_FALSE(done->usedFallback);
  ASSERT_TRUE(done->acceptedAt && done->finishedAt);
  EXPECT_LE(*done->acceptedAt, *done->finishedAt);
  ASSERT_GE(seen.size(), 3u);
  EXPECT_EQ(seen.front(), PrintJobState::kQueued);
  EXPECT_EQ(seen.back(), PrintJobState::kCompleted);
  EXPECT_NE(std::find(seen.begin(), seen.end(), PrintJobState::kAccepted), seen.end());

  const auto files = cupsd_->captured("badges");
  ASSERT_EQ(files.size(), 1u);
  const auto info = testing::pdfInfo(files[0]);
  ASSERT_TRUE(info) << "pdfinfo (poppler-utils) missing or failed";
  EXPECT_EQ(info->pages, 1);
  EXPECT_NEAR(info->widthPt, 85.60 * kPointsPerMm, 0.01);
  EXPECT_NEAR(info->heightPt, 53.98 * kPointsPerMm, 0.01);
  const auto text = testing::pdfText(files[0]);
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("Zoë"), std::string::npos) << *text;
  EXPECT_NE(text->find("Müller-"), std::string::npos) << *text;
  EXPECT_NE(text->find("Harbour Logistics GmbH"), std::string::npos) << *text;
  // The job carried the media and the title.
  const std::string options = testing::readText(fs::path(files[0]).replace_extension(".options"));
  EXPECT_NE(options.find("media=oe_cr80-card_2.125x3.37in"), std::string::npos) << options;
  const std::string title = testing::readText(fs::path(files[0]).replace_extension(".title"));
  EXPECT_NE(title.find("Badge Zoë"), std::string::npos) << title;
  EXPECT_EQ(waitForPrinter(0, PrinterState::kReady).state, PrinterState::kReady);
}

TEST_F(CupsPrinting, EverySizeKeepsItsPageSizeAndHardNamesSurviveTheSpooler) {
  addQueue("badges", "capture");
  startService("badges");
  const BadgeSize sizes[] = {BadgeSize::kCr80, BadgeSize::k4x3, BadgeSize::k62mm, BadgeSize::kA6};
  const auto names = testing::hardNames();
  for (std::size_t i = 0; i < 4; ++i) {
    service_->submit(badge("size-" + std::to_string(i), names[i].text, sizes[i]));
  }
  for (std::size_t i = 0; i < 4; ++i) {
    auto done = service_->waitUntilSettled("size-" + std::to_string(i), kWait);
    ASSERT_TRUE(done);
    ASSERT_EQ(done->state, PrintJobState::kCompleted) << done->reason;
  }
  const auto files = cupsd_->captured("badges");
  ASSERT_EQ(files.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    const auto info = testing::pdfInfo(files[i]);
    ASSERT_TRUE(info);
    EXPECT_NEAR(info->widthPt, renderer_->widthMm(sizes[i]) * kPointsPerMm, 0.01);
    EXPECT_NEAR(info->heightPt, renderer_->heightMm(sizes[i]) * kPointsPerMm, 0.01);
    const auto text = testing::pdfText(files[i]);
    ASSERT_TRUE(text);
    // pdftotext gives the characters back through the fonts' ToUnicode maps: the rare
    // CJK characters are real glyphs, not boxes.
    if (i == 0) {
      EXPECT_NE(text->find("㛃"), std::string::npos) << *text;
    } else if (i == 1) {
      EXPECT_NE(text->find("𠮷"), std::string::npos) << *text;
    } else if (i == 2) {
      EXPECT_NE(text->find("Chris"), std::string::npos) << *text;
    }
  }
}

TEST_F(CupsPrinting, PrintOnceAndReprint) {
  addQueue("badges", "capture");
  startService("badges");
  service_->submit(badge("g-1", "Ada Lovelace"));
  auto first = service_->waitUntilSettled("g-1", kWait);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->state, PrintJobState::kCompleted) << first->reason;

  const PrintJob again = service_->submit(badge("g-1", "Ada Lovelace"));
  EXPECT_EQ(again.deviceJobId, first->deviceJobId);
  EXPECT_EQ(again.attempt, 1);

  const PrintJob reprint = service_->reprint(badge("g-1", "Ada Lovelace"));
  EXPECT_EQ(reprint.attempt, 2);
  auto second = service_->waitUntilSettled("g-1", kWait);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->state, PrintJobState::kCompleted) << second->reason;
  EXPECT_NE(second->deviceJobId, first->deviceJobId);

  // Submitting once more after the reprint is still a no-op. Another guest's badge comes
  // next: the queue prints in order, so once it is out, a third copy would be out too.
  service_->submit(badge("g-1", "Ada Lovelace"));
  service_->submit(badge("g-2", "Grace Hopper"));
  auto next = service_->waitUntilSettled("g-2", kWait);
  ASSERT_TRUE(next);
  ASSERT_EQ(next->state, PrintJobState::kCompleted) << next->reason;
  const auto files = cupsd_->captured("badges");
  ASSERT_EQ(files.size(), 3u) << "print-once failed or the reprint was lost";
  for (std::size_t i = 0; i < files.size(); ++i) {
    auto text = testing::pdfText(files[i]);
    ASSERT_TRUE(text);
    EXPECT_NE(text->find(i < 2 ? "Ada Lovelace" : "Grace Hopper"), std::string::npos) << files[i];
  }
}

TEST_F(CupsPrinting, OutOfMediaWithoutFallbackLeavesTheBadgeWaitingForAPrinter) {
  addQueue("cards", "nomedia");
  startService("cards");
  service_->submit(badge("g-2", "Grace Hopper"));
  auto settled = service_->waitUntilSettled("g-2", kWait);
  ASSERT_TRUE(settled);
  EXPECT_EQ(settled->state, PrintJobState::kWaitingForPrinter) << settled->reason;
  EXPECT_EQ(settled->printerState, PrinterState::kOutOfMedia) << settled->reason;
  EXPECT_NE(settled->reason.find("media-empty-error"), std::string::npos) << settled->reason;
  const PrinterStatus status = service_->printerStatus();
  EXPECT_EQ(status.state, PrinterState::kOutOfMedia) << status.reason;
  EXPECT_NE(std::find(status.rawReasons.begin(), status.rawReasons.end(), "media-empty-error"),
            status.rawReasons.end());
  EXPECT_TRUE(cupsd_->captured("cards").empty());

  // A retry while the printer is still empty goes straight back to waiting, without a
  // second job at the spooler.
  ASSERT_TRUE(service_->retry("g-2"));
  auto again = service_->waitUntilSettled("g-2", kWait);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->state, PrintJobState::kWaitingForPrinter);
  EXPECT_EQ(again->deviceJobId, 0);

  // Staff load cards and resume the queue (cupsenable): the retry prints. CUPS keeps
  // the backend's media-empty-error after cupsenable (only a later job clears it); the
  // kiosk reads it as stale on an idle, enabled, empty queue.
  ASSERT_EQ(cupsd_->setMode("cards", "capture"), "");
  ASSERT_EQ(cupsd_->tool("cupsenable", {"cards"}), "");
  const PrinterStatus resumed = waitForPrinter(0, PrinterState::kReady);
  EXPECT_EQ(resumed.state, PrinterState::kReady) << resumed.reason;
  EXPECT_NE(std::find(resumed.rawReasons.begin(), resumed.rawReasons.end(), "media-empty-error"),
            resumed.rawReasons.end())
      << "CUPS cleared the reason by itself: the stale-reason rule is no longer exercised";
  EXPECT_NE(resumed.reason.find("last job reported"), std::string::npos) << resumed.reason;
  ASSERT_TRUE(service_->retry("g-2"));
  auto printed = service_->waitUntilSettled("g-2", kWait);
  ASSERT_TRUE(printed);
  EXPECT_EQ(printed->state, PrintJobState::kCompleted) << printed->reason;
  EXPECT_EQ(cupsd_->captured("cards").size(), 1u);
}

TEST_F(CupsPrinting, FallbackPrinterTakesOverFromAnEmptyPrimary) {
  addQueue("primary", "nomedia");
  addQueue("spare", "capture");
  startService("primary", "spare");
  service_->submit(badge("g-3", "Katherine Johnson"));
  auto done = service_->waitUntilSettled("g-3", kWait);
  ASSERT_TRUE(done);
  ASSERT_EQ(done->state, PrintJobState::kCompleted) << done->reason;
  EXPECT_TRUE(done->usedFallback);
  EXPECT_EQ(done->printer, "spare");
  EXPECT_NE(done->reason.find("media-empty"), std::string::npos) << done->reason;
  ASSERT_EQ(cupsd_->captured("spare").size(), 1u);
  EXPECT_TRUE(cupsd_->captured("primary").empty());
  // The stuck job was cancelled at the primary: it will not come out after a refill.
  const auto jobs =
      testing::runCommand({"lpstat", "-h", cupsd_->server(), "-o", "primary"}, cupsd_->root());
  EXPECT_EQ(jobs.out, "") << jobs.out;

  // The next badge goes straight to the spare (the primary is known to be empty).
  service_->submit(badge("g-4", "Dorothy Vaughan"));
  auto next = service_->waitUntilSettled("g-4", kWait);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->state, PrintJobState::kCompleted);
  EXPECT_TRUE(next->usedFallback);
  EXPECT_EQ(service_->printerStatus().printer, "spare");
  EXPECT_EQ(service_->printers()[0].state, PrinterState::kOutOfMedia);
}

TEST_F(CupsPrinting, OfflinePrinterIsShownAndTheJobMovesToTheFallback) {
  addQueue("lobby", "offline");
  addQueue("spare", "capture");
  startService("lobby", "spare");
  service_->submit(badge("g-5", "Mary Jackson"));
  // While the backend retries the dead printer, the kiosk shows it offline.
  const PrinterStatus offline = waitForPrinter(0, PrinterState::kOffline);
  EXPECT_EQ(offline.state, PrinterState::kOffline) << offline.reason;
  EXPECT_NE(std::find(offline.rawReasons.begin(), offline.rawReasons.end(), "offline-report"),
            offline.rawReasons.end());
  auto done = service_->waitUntilSettled("g-5", kWait);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, PrintJobState::kCompleted) << done->reason;
  EXPECT_TRUE(done->usedFallback);
  EXPECT_NE(done->reason.find("offline"), std::string::npos) << done->reason;
  EXPECT_EQ(cupsd_->captured("spare").size(), 1u);
}

TEST_F(CupsPrinting, JammedAndStoppedPrintersAreTold) {
  addQueue("jammed", "jam");
  addQueue("stopper", "stop");
  startService("jammed", "stopper");
  service_->submit(badge("g-6", "Hedy Lamarr"));
  auto settled = service_->waitUntilSettled("g-6", kWait);
  ASSERT_TRUE(settled);
  EXPECT_EQ(settled->state, PrintJobState::kWaitingForPrinter) << settled->reason;
  EXPECT_NE(settled->reason.find("media-jam"), std::string::npos) << settled->reason;
  const auto printers = service_->printers();
  EXPECT_EQ(printers[0].state, PrinterState::kJammed) << printers[0].reason;
  EXPECT_EQ(printers[1].state, PrinterState::kPaused) << printers[1].reason;
}

TEST_F(CupsPrinting, PausedQueueIsSkippedWithoutSendingAJob) {
  addQueue("paused", "capture");
  addQueue("spare", "capture");
  ASSERT_EQ(cupsd_->tool("cupsdisable", {"-r", "maintenance", "paused"}), "");
  startService("paused", "spare");
  EXPECT_EQ(waitForPrinter(0, PrinterState::kPaused).state, PrinterState::kPaused);
  service_->submit(badge("g-7", "Radia Perlman"));
  auto done = service_->waitUntilSettled("g-7", kWait);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, PrintJobState::kCompleted);
  EXPECT_TRUE(done->usedFallback);
  EXPECT_NE(service_->printers()[0].reason.find("maintenance"), std::string::npos)
      << service_->printers()[0].reason;
  EXPECT_TRUE(cupsd_->captured("paused").empty());
  const auto jobs =
      testing::runCommand({"lpstat", "-h", cupsd_->server(), "-o", "paused"}, cupsd_->root());
  EXPECT_EQ(jobs.out, "");
}

TEST_F(CupsPrinting, AbortedJobMovesToTheFallback) {
  addQueue("flaky", "fail", {"-o", "printer-error-policy=abort-job"});
  addQueue("spare", "capture");
  startService("flaky", "spare");
  service_->submit(badge("g-8", "Barbara Liskov"));
  auto done = service_->waitUntilSettled("g-8", kWait);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, PrintJobState::kCompleted) << done->reason;
  EXPECT_TRUE(done->usedFallback);
  EXPECT_NE(done->reason.find("aborted"), std::string::npos) << done->reason;
}

TEST_F(CupsPrinting, CancelWhilePrintingStopsTheJobAtTheSpooler) {
  addQueue("slow", "slow");
  startService("slow");
  service_->submit(badge("g-9", "Frances Allen"));
  auto printing = service_->waitFor(
      "g-9", [](const PrintJob& j) { return j.state == PrintJobState::kPrinting; }, kWait);
  ASSERT_TRUE(printing);
  ASSERT_EQ(printing->state, PrintJobState::kPrinting) << printing->reason;
  ASSERT_TRUE(service_->cancel("g-9"));
  auto done = service_->waitUntilSettled("g-9", kWait);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, PrintJobState::kCancelled) << done->reason;
  // The next badge on the same queue: once it has come out, the cancelled one would have
  // come out before it (one job at a time, in order) had the spooler let it finish.
  service_->submit(badge("g-9b", "Grace Hopper"));
  auto next = service_->waitUntilSettled("g-9b", kWait);
  ASSERT_TRUE(next);
  ASSERT_EQ(next->state, PrintJobState::kCompleted) << next->reason;
  const auto files = cupsd_->captured("slow");
  ASSERT_EQ(files.size(), 1u) << "the cancelled badge was printed";
  const auto text = testing::pdfText(files[0]);
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("Grace Hopper"), std::string::npos) << *text;
}

TEST_F(CupsPrinting, UnreachableServerIsOfflineAndTheCheckInStands) {
  CupsPrinterConfig config;
  config.server = "127.0.0.1:1";  // nothing listens there
  config.queue = "badges";
  config.timeout = Millis{1000};
  service_ = std::make_unique<PrintService>(std::make_unique<CupsPrintDevice>(config), nullptr,
                                            clock_, options());
  service_->submit(badge("g-10", "Lynn Conway"));
  auto settled = service_->waitUntilSettled("g-10", kWait);
  ASSERT_TRUE(settled);
  EXPECT_EQ(settled->state, PrintJobState::kWaitingForPrinter);
  EXPECT_EQ(service_->printerStatus().state, PrinterState::kOffline)
      << service_->printerStatus().reason;
  EXPECT_NE(settled->reason.find("cannot reach"), std::string::npos) << settled->reason;
}

TEST_F(CupsPrinting, UnknownQueueIsAnError) {
  startService("no-such-queue");
  service_->submit(badge("g-11", "Jean Sammet"));
  auto settled = service_->waitUntilSettled("g-11", kWait);
  ASSERT_TRUE(settled);
  EXPECT_EQ(settled->state, PrintJobState::kWaitingForPrinter);
  EXPECT_EQ(service_->printerStatus().state, PrinterState::kError);
  EXPECT_NE(settled->reason.find("no such queue"), std::string::npos) << settled->reason;
}

// Two services on two worker threads, one over TCP and one over the scheduler's local
// socket: no shared libcups state between them.
TEST_F(CupsPrinting, LocalSocketAndTcpServicesSideBySide) {
  addQueue("a", "capture");
  addQueue("b", "capture");
  PrintService viaTcp(device("a"), nullptr, clock_, options());
  PrintService viaSocket(device("b", true), nullptr, clock_, options());
  for (int i = 0; i < 5; ++i) {
    viaTcp.submit(badge("tcp-" + std::to_string(i), "Guest " + std::to_string(i)));
    viaSocket.submit(badge("sock-" + std::to_string(i), "Guest " + std::to_string(i)));
  }
  for (int i = 0; i < 5; ++i) {
    auto a = viaTcp.waitUntilSettled("tcp-" + std::to_string(i), kWait);
    auto b = viaSocket.waitUntilSettled("sock-" + std::to_string(i), kWait);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->state, PrintJobState::kCompleted) << a->reason;
    EXPECT_EQ(b->state, PrintJobState::kCompleted) << b->reason;
  }
  EXPECT_EQ(cupsd_->captured("a").size(), 5u);
  EXPECT_EQ(cupsd_->captured("b").size(), 5u);
}

TEST_F(CupsPrinting, TestPagePrints) {
  addQueue("badges", "capture");
  startService("badges");
  auto job =
      printTestPage(*service_, "", renderer_->badgeTemplate(), BadgeSize::k62mm, clock_.now());
  ASSERT_TRUE(job.ok());
  auto done = service_->waitUntilSettled(job->badgeId, kWait);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, PrintJobState::kCompleted);
  const auto files = cupsd_->captured("badges");
  ASSERT_EQ(files.size(), 1u);
  const auto info = testing::pdfInfo(files[0]);
  ASSERT_TRUE(info);
  EXPECT_NEAR(info->widthPt, 62 * kPointsPerMm, 0.01);
  const auto text = testing::pdfText(files[0]);
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("Test page"), std::string::npos) << *text;
  EXPECT_NE(text->find("badges"), std::string::npos) << *text;
  const std::string options = testing::readText(fs::path(files[0]).replace_extension(".options"));
  EXPECT_NE(options.find("media=custom_62x100mm"), std::string::npos) << options;
}

// A test page per printer: each goes to the printer it was asked for and only there, the
// fallback's too while the primary is fine, and the primary's stays off the fallback
// when the primary is out of media (a badge would move on; a test page must not).
TEST_F(CupsPrinting, EachPrinterGetsItsOwnTestPage) {
  addQueue("front", "capture");
  addQueue("spare", "capture");
  startService("front", "spare");
  const TimePoint when = clock_.now();
  auto primary =
      printTestPage(*service_, "front", renderer_->badgeTemplate(), BadgeSize::k62mm, when);
  auto fallback =
      printTestPage(*service_, "spare", renderer_->badgeTemplate(), BadgeSize::k62mm, when);
  ASSERT_TRUE(primary.ok() && fallback.ok());
  EXPECT_NE(primary->badgeId, fallback->badgeId) << "asked in the same millisecond";
  for (const auto* job : {&*primary, &*fallback}) {
    auto done = service_->waitUntilSettled(job->badgeId, kWait);
    ASSERT_TRUE(done);
    EXPECT_EQ(done->state, PrintJobState::kCompleted) << done->reason;
  }
  EXPECT_EQ(service_->job(primary->badgeId)->printer, "front");
  EXPECT_EQ(service_->job(fallback->badgeId)->printer, "spare");
  const auto front = cupsd_->captured("front");
  const auto spare = cupsd_->captured("spare");
  ASSERT_EQ(front.size(), 1u);
  ASSERT_EQ(spare.size(), 1u);
  EXPECT_NE(testing::pdfText(front[0]).value_or("").find("front"), std::string::npos);
  EXPECT_NE(testing::pdfText(spare[0]).value_or("").find("spare"), std::string::npos);

  ASSERT_EQ(cupsd_->setMode("front", "nomedia"), "");
  auto stuck =
      printTestPage(*service_, "front", renderer_->badgeTemplate(), BadgeSize::k62mm, clock_.now());
  ASSERT_TRUE(stuck.ok());
  auto done = service_->waitUntilSettled(stuck->badgeId, kWait);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, PrintJobState::kWaitingForPrinter) << done->reason;
  EXPECT_EQ(done->printer, "front");
  EXPECT_EQ(cupsd_->captured("spare").size(), 1u) << "the primary's test page went to the fallback";
  // A retry keeps it to its printer too.
  ASSERT_TRUE(service_->retry(stuck->badgeId));
  done = service_->waitUntilSettled(stuck->badgeId, kWait);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, PrintJobState::kWaitingForPrinter) << done->reason;
  EXPECT_EQ(cupsd_->captured("spare").size(), 1u);
}

// Colour emoji in the PDF itself, checked through poppler's rasteriser (pdftoppm), the
// way the brief's reviewer looks at it.
TEST(BadgePdfRaster, EmojiStayColouredInThePdf) {
  testing::TempDir tmp;
  auto t = defaultBadgeTemplate();
  ASSERT_TRUE(t.ok());
  BadgeRenderer renderer(std::move(*t));
  BadgeData data;
  data.guestName = "Zoë 🚀";
  data.categoryLabel = "Guest";
  BadgeReport report;
  ASSERT_TRUE(renderer.writePdf(data, BadgeSize::kCr80, tmp.file("b.pdf"), &report).ok());
  const auto result = testing::runCommand(
      {"pdftoppm", "-png", "-r", "150", "-singlefile", tmp.file("b.pdf"), tmp.file("b")},
      tmp.path());
  if (result.status == 127 || result.status == -1) {
    GTEST_SKIP() << "pdftoppm (poppler-utils) is not installed";
  }
  ASSERT_EQ(result.status, 0) << result.err;
  std::ifstream png(tmp.file("b.png"), std::ios::binary);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(png)),
                                  std::istreambuf_iterator<char>());
  // Draw the PNG onto a raster canvas of the badge size at the same DPI and read it back.
  auto page = Canvas::raster(85.60, 53.98, 150);
  ASSERT_TRUE(page.ok());
  ASSERT_TRUE(page->drawImage(RectMm{0, 0, 85.60, 53.98}, bytes, Canvas::Fit::kContain).ok());
  const RgbaImage image = page->toRgba();
  const RectMm ink = report.find("name")->fit.ink;
  int coloured = 0;
  for (int y = static_cast<int>(ink.y / 25.4 * 150);
       y < static_cast<int>(ink.bottom() / 25.4 * 150); ++y) {
    for (int x = static_cast<int>(ink.x / 25.4 * 150);
         x < static_cast<int>(ink.right() / 25.4 * 150); ++x) {
      const std::uint8_t* q = image.at(x, y);
      coloured += std::max({q[0], q[1], q[2]}) - std::min({q[0], q[1], q[2]}) > 60 ? 1 : 0;
    }
  }
  EXPECT_GT(coloured, 30) << "the rocket lost its colour in the PDF";
}

}  // namespace
}  // namespace kiosk::devices
