// Printer state mapping, and PrintService's job rules (print-once, reprint, retry,
// waiting for a printer) over the real folder device. The CUPS side is in
// cups_printing_test.cpp against a real cupsd.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "devices/printing/badge_renderer.h"
#include "devices/printing/pdf_directory_printer.h"
#include "devices/printing/printer_test_page.h"
#include "documents/invitation_pdf.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace kiosk::devices {
namespace {

namespace fs = std::filesystem;
using testing::runCommand;
using testing::TempDir;

constexpr Millis kWait{10000};

PrintServiceOptions fastOptions() {
  PrintServiceOptions o;
  o.pollInterval = Millis{20};
  o.idleStatusInterval = Millis{100};
  o.stuckGrace = Millis{200};
  return o;
}

PrintRequest request(const std::string& badgeId, std::string body = "%PDF-1.4 badge\n") {
  PrintRequest r;
  r.badgeId = badgeId;
  r.pdf.assign(body.begin(), body.end());
  r.title = "Badge " + badgeId;
  return r;
}

std::size_t countPdfs(const fs::path& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    n += e.path().extension() == ".pdf" ? 1 : 0;
  }
  return n;
}

TEST(PrinterState, MapsIppStatesAndReasons) {
  using S = PrinterState;
  struct Case {
    IppPrinterState state;
    std::vector<std::string> reasons;
    bool accepting;
    S expected;
    const char* inReason;
  } cases[] = {
      {IppPrinterState::kIdle, {"none"}, true, S::kReady, "ready"},
      {IppPrinterState::kProcessing, {"none"}, true, S::kPrinting, "printing"},
      {IppPrinterState::kProcessing,
       {"cups-waiting-for-job-completed"},
       true,
       S::kPrinting,
       "cups-waiting-for-job-completed"},
      {IppPrinterState::kIdle, {"media-low-warning"}, true, S::kReady, "media-low-warning"},
      {IppPrinterState::kProcessing, {"offline-report"}, true, S::kOffline, "offline"},
      {IppPrinterState::kIdle,
       {"connecting-to-device", "offline-report"},
       true,
       S::kOffline,
       "offline-report"},
      {IppPrinterState::kStopped,
       {"media-empty-error", "paused"},
       true,
       S::kOutOfMedia,
       "media-empty-error"},
      {IppPrinterState::kStopped, {"media-needed"}, true, S::kOutOfMedia, "media-needed"},
      {IppPrinterState::kStopped, {"marker-supply-empty-error"}, true, S::kOutOfMedia, "ribbon"},
      {IppPrinterState::kStopped,
       {"media-jam-error", "media-empty-error"},
       true,
       S::kJammed,
       "jam"},
      {IppPrinterState::kStopped, {"paused"}, true, S::kPaused, "cupsenable"},
      {IppPrinterState::kStopped, {"none"}, true, S::kPaused, "stopped"},
      {IppPrinterState::kIdle, {"none"}, false, S::kPaused, "cupsaccept"},
      {IppPrinterState::kIdle, {"cover-open-error"}, true, S::kError, "cover"},
      {IppPrinterState::kIdle,
       {"vendor-specific-thing-error"},
       true,
       S::kError,
       "vendor-specific-thing-error"},
      {IppPrinterState::kStopped,
       {"offline-report", "media-jam-error", "paused"},
       true,
       S::kOffline,
       "offline"},
  };
  for (const auto& c : cases) {
    const PrinterStatus s = classifyIppPrinter("q1", c.state, c.reasons, c.accepting, "");
    EXPECT_EQ(s.state, c.expected) << c.reasons[0] << " -> " << toString(s.state);
    EXPECT_NE(s.reason.find(c.inReason), std::string::npos) << s.reason;
    EXPECT_EQ(s.reason.rfind("q1: ", 0), 0u) << s.reason;
  }
  EXPECT_NE(classifyIppPrinter("q", IppPrinterState::kStopped, {"paused"}, true, "Out of cards")
                .reason.find("Out of cards"),
            std::string::npos);
  // Reasons CUPS kept from the last job: stale on an idle, enabled, empty queue...
  const PrinterStatus stale =
      classifyIppPrinter("q", IppPrinterState::kIdle, {"media-empty-error"}, true, "", 0);
  EXPECT_EQ(stale.state, PrinterState::kReady);
  EXPECT_NE(stale.reason.find("last job reported"), std::string::npos) << stale.reason;
  // ...but not while jobs wait (retry-job policy) or when the count is unknown.
  EXPECT_EQ(
      classifyIppPrinter("q", IppPrinterState::kIdle, {"media-empty-error"}, true, "", 2).state,
      PrinterState::kOutOfMedia);
  EXPECT_EQ(classifyIppPrinter("q", IppPrinterState::kIdle, {"media-empty-error"}, true, "").state,
            PrinterState::kOutOfMedia);
  EXPECT_EQ(classifyIppPrinter("q", IppPrinterState::kStopped, {"media-empty-error", "paused"},
                               true, "", 0)
                .state,
            PrinterState::kOutOfMedia);
  EXPECT_EQ(
      classifyIppPrinter("q", IppPrinterState::kProcessing, {"offline-report"}, true, "", 1).state,
      PrinterState::kOffline);

  EXPECT_TRUE(isUsable(PrinterState::kReady));
  EXPECT_TRUE(isUsable(PrinterState::kPrinting));
  EXPECT_FALSE(isUsable(PrinterState::kUnknown));
  EXPECT_FALSE(isUsable(PrinterState::kPaused));
}

TEST(PdfDirectoryPrinter, PrintsOnceReprintsOnRequest) {
  TempDir tmp;
  SystemClock clock;
  const fs::path out = tmp.path() / "badges";
  PdfDirectoryPrinter printer(out, clock, fastOptions());

  const PrintJob first = printer.submit(request("evt1-guest7"));
  EXPECT_EQ(first.attempt, 1);
  auto done = printer.waitUntilSettled("evt1-guest7", kWait);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, PrintJobState::kCompleted) << done->reason;
  EXPECT_TRUE(done->acceptedAt.has_value());
  EXPECT_TRUE(fs::exists(out / "evt1-guest7-1.pdf"));

  // Print-once: the same badge again is the same job, nothing new is written.
  const PrintJob again = printer.submit(request("evt1-guest7"));
  EXPECT_EQ(again.attempt, 1);
  EXPECT_EQ(again.state, PrintJobState::kCompleted);
  EXPECT_EQ(again.revision, done->revision);

  const PrintJob reprint = printer.reprint(request("evt1-guest7", "%PDF-1.4 second\n"));
  EXPECT_EQ(reprint.attempt, 2);
  auto second = printer.waitUntilSettled("evt1-guest7", kWait);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->state, PrintJobState::kCompleted);
  EXPECT_EQ(second->attempt, 2);
  EXPECT_EQ(countPdfs(out), 2u);
  std::ifstream in(out / "evt1-guest7-2.pdf");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "%PDF-1.4 second\n");

  EXPECT_EQ(printer.jobs().size(), 1u);
  EXPECT_EQ(printer.printerStatus().state, PrinterState::kReady);
  EXPECT_FALSE(printer.job("unknown").has_value());
  EXPECT_FALSE(printer.retry("evt1-guest7").has_value());  // not waiting
}

TEST(PdfDirectoryPrinter, FileNamesAreSafe) {
  PdfDirectoryDevice device("/x");
  EXPECT_EQ(device.fileFor("../../etc/passwd", 1).filename().string(), "______etc_passwd-1.pdf");
  EXPECT_EQ(device.fileFor("", 2).filename().string(), "badge-2.pdf");
}

// A folder that cannot be written is a printer that does not work: the badge waits, the
// check-in is not affected, and a retry after the repair prints it.
TEST(PdfDirectoryPrinter, UnusableFolderLeavesTheJobWaitingUntilRetried) {
  TempDir tmp;
  SystemClock clock;
  const fs::path out = tmp.path() / "badges";
  { std::ofstream blocker(out); }  // a file where the folder should be
  PdfDirectoryPrinter printer(out, clock, fastOptions());
  printer.submit(request("g1"));
  auto waiting = printer.waitUntilSettled("g1", kWait);
  ASSERT_TRUE(waiting);
  EXPECT_EQ(waiting->state, PrintJobState::kWaitingForPrinter);
  EXPECT_NE(waiting->reason.find("not writable"), std::string::npos) << waiting->reason;
  EXPECT_EQ(printer.printerStatus().state, PrinterState::kError);

  // Print-once holds for waiting jobs too: a second submit does not retry by itself.
  EXPECT_EQ(printer.submit(request("g1")).state, PrintJobState::kWaitingForPrinter);

  fs::remove(out);
  auto retried = printer.retry("g1");
  ASSERT_TRUE(retried);
  EXPECT_EQ(retried->state, PrintJobState::kQueued);
  auto done = printer.waitUntilSettled("g1", kWait);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, PrintJobState::kCompleted) << done->reason;
  EXPECT_TRUE(fs::exists(out / "g1-1.pdf"));
}

TEST(PrintService, FallsBackToTheSecondPrinterWhenTheFirstIsUnusable) {
  TempDir tmp;
  SystemClock clock;
  const fs::path broken = tmp.path() / "broken";
  { std::ofstream blocker(broken); }
  const fs::path spare = tmp.path() / "spare";
  PrintService service(std::make_unique<PdfDirectoryDevice>(broken),
                       std::make_unique<PdfDirectoryDevice>(spare), clock, fastOptions());
  service.submit(request("g2"));
  auto done = service.waitUntilSettled("g2", kWait);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, PrintJobState::kCompleted) << done->reason;
  EXPECT_TRUE(done->usedFallback);
  EXPECT_NE(done->reason.find("not writable"), std::string::npos) << done->reason;
  EXPECT_TRUE(fs::exists(spare / "g2-1.pdf"));
  const auto printers = service.printers();
  ASSERT_EQ(printers.size(), 2u);
  EXPECT_EQ(printers[0].state, PrinterState::kError);
  EXPECT_EQ(printers[1].state, PrinterState::kReady);
  EXPECT_EQ(service.printerStatus().printer, printers[1].printer);
}

TEST(PrintService, ManyBadgesFromSeveralThreads) {
  TempDir tmp;
  SystemClock clock;
  PrintService service(std::make_unique<PdfDirectoryDevice>(tmp.path()), nullptr, clock,
                       fastOptions());
  std::vector<std::jthread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&service, t] {
      for (int i = 0; i < 10; ++i) {
        service.submit(request("t" + std::to_string(t) + "-" + std::to_string(i)));
        service.submit(request("t" + std::to_string(t) + "-" + std::to_string(i)));
        (void)service.jobs();
        (void)service.printerStatus();
      }
    });
  }
  threads.clear();
  for (int t = 0; t < 4; ++t) {
    for (int i = 0; i < 10; ++i) {
      auto j = service.waitUntilSettled("t" + std::to_string(t) + "-" + std::to_string(i), kWait);
      ASSERT_TRUE(j);
      EXPECT_EQ(j->state, PrintJobState::kCompleted);
    }
  }
  EXPECT_EQ(countPdfs(tmp.path()), 40u);
}

TEST(PrintService, CancelOfASettledOrUnknownJobChangesNothing) {
  TempDir tmp;
  SystemClock clock;
  PrintService service(std::make_unique<PdfDirectoryDevice>(tmp.path()), nullptr, clock,
                       fastOptions());
  service.submit(request("c1"));
  auto done = service.waitUntilSettled("c1", kWait);
  ASSERT_TRUE(done);
  ASSERT_EQ(done->state, PrintJobState::kCompleted);
  auto after = service.cancel("c1");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->state, PrintJobState::kCompleted);
  EXPECT_EQ(after->revision, done->revision);
  EXPECT_FALSE(service.cancel("nope").has_value());
}

TEST(PrinterTestPage, IsOnePageOfTheStock) {
  auto t = defaultBadgeTemplate();
  ASSERT_TRUE(t.ok());
  for (const BadgeSize size : kAllBadgeSizes) {
    auto pdf = renderPrinterTestPage(*t, size, "badges-lobby", fromUnixSeconds(1795402491));
    ASSERT_TRUE(pdf.ok()) << pdf.error().message;
    const std::string text(pdf->begin(), pdf->end());
    EXPECT_NE(text.find("/MediaBox"), std::string::npos);
    EXPECT_EQ(text.find("/Type /Page", text.find("/Type /Page") + 11), text.find("/Type /Pages"))
        << "more than one page";
  }
  TempDir tmp;
  SystemClock clock;
  PdfDirectoryPrinter printer(tmp.path(), clock, fastOptions());
  auto job = printTestPage(printer, "", *t, BadgeSize::kCr80, fromUnixSeconds(1795402491));
  ASSERT_TRUE(job.ok());
  auto done = printer.waitUntilSettled(job->badgeId, kWait);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, PrintJobState::kCompleted);
  EXPECT_EQ(countPdfs(tmp.path()), 1u);
}

TEST(Invitations, OnePageA4PerGuest) {
  Event event;
  event.id = 7;
  event.name = "2026 Global Logistics Summit";
  event.startsAt = fromUnixSeconds(1795399200);  // 2026-11-23 09:00 +08:00
  event.endsAt = fromUnixSeconds(1795597200);
  event.venue = "Grand Hotel";
  std::vector<Invitation> invitations;
  for (const char* name : {"Zoë Müller", "王㛃", "محمد بن سلمان"}) {
    Invitation inv;
    inv.guest.name = name;
    inv.guest.bookingCode = "AB12-CD34";
    inv.codeText = "KT1:AAAABBBBCCCCDDDD";
    invitations.push_back(inv);
  }
  auto pdf = renderInvitationsPdf(event, invitations);
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  // Pages and resources are packed into compressed object streams (a run of thousands of
  // pages is half the size): the bytes hold no page dictionary in the clear.
  const std::string text(pdf->begin(), pdf->end());
  EXPECT_NE(text.find("/Type /ObjStm"), std::string::npos);
  EXPECT_EQ(text.find("/MediaBox"), std::string::npos);
  TempDir tmp;
  { std::ofstream(tmp.file("rendered.pdf"), std::ios::binary) << text; }
  const auto info = runCommand({"pdfinfo", tmp.file("rendered.pdf")}, tmp.path());
  // poppler-utils (a test package) reads it as a PDF viewer would.
  ASSERT_EQ(info.status, 0) << info.err;
  EXPECT_TRUE(std::regex_search(info.out, std::regex("Pages:\\s+3\\n"))) << info.out;
  EXPECT_TRUE(std::regex_search(info.out, std::regex("Page size:\\s+595.2\\d* x 841.8\\d* pts")))
      << info.out;  // A4 portrait

  EXPECT_EQ(renderInvitationsPdf(event, {}).error().kind, ErrorKind::kInvalidInput);
  invitations[1].codeText.clear();
  EXPECT_EQ(renderInvitationsPdf(event, invitations).error().kind, ErrorKind::kInvalidInput);

  invitations[1].codeText = "KT1:X";
  ASSERT_TRUE(writeInvitationsPdf(event, invitations, tmp.file("invitations.pdf")).ok());
  EXPECT_GT(fs::file_size(tmp.file("invitations.pdf")), 10000u);
}

}  // namespace
}  // namespace kiosk::devices
