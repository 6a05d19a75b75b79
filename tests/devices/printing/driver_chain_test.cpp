// Badges through the driver chains Debian ships, to what reaches the printer: CUPS's
// label driver (rastertolabel: Zebra ZPL and DYMO LabelWriter), Brother QL (printer-driver-ptouch)
// and a driverless IPP Everywhere printer (ippeveprinter). Each printed stream is turned back into
// a bitmap (printer_streams.h) and checked: the page size at the printer's resolution, the QR code
// read with the product's decoder, the guest's name drawn. Prints per driver: time from the print
// call to the job completed, page size, QR result.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <thread>

#include "devices/camera/frame_decoder.h"
#include "devices/printing/badge_renderer.h"
#include "devices/printing/cups_print_device.h"
#include "devices/printing/media_match.h"
#include "devices/printing/print_service.h"
#include "ipp_everywhere_printer.h"
#include "printer_streams.h"
#include "private_cupsd.h"
#include "test_names.h"

namespace kiosk::devices {
namespace {

namespace fs = std::filesystem;
using testing::DecodedStream;
using testing::IppEverywherePrinter;
using testing::PrintedPage;
using testing::PrivateCupsd;

constexpr Millis kWait{60000};

// How far the printed name's ink agrees with the badge as designed, at the printer's
// resolution: intersection over union of the ink pixels in the name's box, at the best
// offset within a few dots (drivers place the page a few dots off).
struct NameMatch {
  double iou = 0;
  int dx = 0;
  int dy = 0;
};

struct PixelBox {
  int x = 0;
  int y = 0;
  int w = 0;
  int h = 0;
};

bool ink(std::uint8_t gray) {
  return gray < 128;
}

// Turns the page by quarter turns clockwise.
PrintedPage rotated(const PrintedPage& page, int quarterTurns) {
  PrintedPage out = page;
  for (int t = 0; t < quarterTurns % 4; ++t) {
    PrintedPage next;
    next.width = out.height;
    next.height = out.width;
    next.gray.resize(out.gray.size());
    for (int y = 0; y < out.height; ++y) {
      for (int x = 0; x < out.width; ++x) {
        // (x, y) -> (height - 1 - y, x)
        next.gray[static_cast<std::size_t>(x) * static_cast<std::size_t>(next.width) +
                  static_cast<std::size_t>(out.height - 1 - y)] = out.at(x, y);
      }
    }
    out = std::move(next);
  }
  return out;
}

NameMatch matchAt(const PrintedPage& printed, const PrintedPage& reference, PixelBox box, int fromX,
                  int toX, int fromY, int toY, int step) {
  NameMatch best;
  for (int dy = fromY; dy <= toY; dy += step) {
    for (int dx = fromX; dx <= toX; dx += step) {
      long both = 0;
      long either = 0;
      for (int y = box.y; y < box.y + box.h; ++y) {
        for (int x = box.x; x < box.x + box.w; ++x) {
          const bool r = ink(reference.at(x, y));
          const int px = x + dx;
          const int py = y + dy;
          const bool p = px >= 0 && py >= 0 && px < printed.width && py < printed.height &&
                         ink(printed.at(px, py));
          both += (r && p) ? 1 : 0;
          either += (r || p) ? 1 : 0;
        }
      }
      const double iou = either == 0 ? 0 : static_cast<double>(both) / static_cast<double>(either);
      if (iou > best.iou) {
        best = {iou, dx, dy};
      }
    }
  }
  return best;
}

// Drivers crop to the printable area and shift the page by up to a few millimetres:
// a coarse search over +-`search` dots, then every offset around the best.
NameMatch matchRegion(const PrintedPage& printed, const PrintedPage& reference, PixelBox box,
                      int search) {
  const NameMatch coarse = matchAt(printed, reference, box, -search, search, -search, search, 3);
  return matchAt(printed, reference, box, coarse.dx - 3, coarse.dx + 3, coarse.dy - 3,
                 coarse.dy + 3, 1);
}

PrintedPage fromRgba(const RgbaImage& image) {
  PrintedPage page;
  page.width = image.width;
  page.height = image.height;
  page.gray.resize(static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height));
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      const std::uint8_t* p = image.at(x, y);
      page.gray[static_cast<std::size_t>(y) * static_cast<std::size_t>(image.width) +
                static_cast<std::size_t>(x)] =
          static_cast<std::uint8_t>((p[0] * 30 + p[1] * 59 + p[2] * 11) / 100);
    }
  }
  return page;
}

std::string decodeQr(const PrintedPage& page) {
  GrayFrame frame;
  frame.width = page.width;
  frame.height = page.height;
  frame.pixels = page.gray;
  const auto codes = decodeStill(frame);
  return codes.empty() ? std::string() : codes.front().text;
}

struct Chain {
  std::string label;  // for the report
  BadgeSize size;
  int dpi;
  // The page the printer should get, in dots; 0 = the badge's size at `dpi`.
  int wantWidth = 0;
  int wantHeight = 0;
};

struct Printed {
  PrintJob job;
  double millis = 0;  // print call -> job completed
};

class DriverChains : public ::testing::Test {
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
    service_.reset();
    cupsd_.reset();
  }

  static bool haveFile(const char* path) { return fs::exists(path); }

  BadgeData badgeData(const std::string& code, const std::string& name) const {
    BadgeData data;
    data.eventName = "2026 Global Logistics Summit";
    data.guestName = name;
    data.company = "Harbour Logistics GmbH";
    data.title = "Head of Operations";
    data.category = GuestCategory::kBusiness;
    data.categoryLabel = "Business";
    data.qrText = code;
    return data;
  }

  // Prints through the kiosk's own path (PrintService over CupsPrintDevice) and waits
  // for the job to complete at the printer.
  Printed print(const std::string& queue, const BadgeData& data, BadgeSize size) {
    CupsPrinterConfig config;
    config.server = cupsd_->server();
    config.queue = queue;
    PrintServiceOptions options;
    options.pollInterval = Millis{20};
    options.idleStatusInterval = Millis{200};
    options.jobTimeout = Millis{50000};
    service_ = std::make_unique<PrintService>(std::make_unique<CupsPrintDevice>(config), nullptr,
                                              clock_, options);
    auto pdf = renderer_->renderPdf(data, size);
    EXPECT_TRUE(pdf.ok());
    PrintRequest request;
    request.badgeId = data.qrText;
    request.pdf = std::move(*pdf);
    request.media = renderer_->badgeTemplate().layout(size).media;
    request.title = "Badge";
    const auto start = std::chrono::steady_clock::now();
    service_->submit(std::move(request));
    Printed printed;
    auto done = service_->waitUntilSettled(data.qrText, kWait);
    printed.millis =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (done) {
      printed.job = *done;
    }
    return printed;
  }

  // The checks every chain must pass; also prints the figures.
  void checkPage(const Chain& chain, const PrintedPage& raw, const BadgeData& data, double millis,
                 const std::string& dumpName) {
    const double wantW =
        chain.wantWidth > 0 ? chain.wantWidth : renderer_->widthMm(chain.size) / 25.4 * chain.dpi;
    const double wantH = chain.wantHeight > 0 ? chain.wantHeight
                                              : renderer_->heightMm(chain.size) / 25.4 * chain.dpi;
    // A landscape badge may reach the printer turned onto portrait stock.
    const bool turned = (raw.width > raw.height) != (wantW > wantH);
    const double gotW = turned ? raw.height : raw.width;
    const double gotH = turned ? raw.width : raw.height;
    const std::string qr = decodeQr(raw);

    auto reference = renderer_->renderRgba(data, chain.size, chain.dpi, &report_);
    ASSERT_TRUE(reference.ok());
    const PrintedPage want = fromRgba(*reference);
    const auto* nameField = report_.find("name");
    ASSERT_NE(nameField, nullptr);
    const double pxPerMm = chain.dpi / 25.4;
    const int margin = 3;
    PixelBox box{static_cast<int>(nameField->fit.ink.x * pxPerMm) - margin,
                 static_cast<int>(nameField->fit.ink.y * pxPerMm) - margin,
                 static_cast<int>(nameField->fit.ink.w * pxPerMm) + 2 * margin,
                 static_cast<int>(nameField->fit.ink.h * pxPerMm) + 2 * margin};
    box.x = std::max(box.x, 0);
    box.y = std::max(box.y, 0);
    box.w = std::min(box.w, want.width - box.x);
    box.h = std::min(box.h, want.height - box.y);
    NameMatch name;
    int bestTurn = 0;
    for (int turn = 0; turn < 4; ++turn) {
      if ((turn % 2 == 1) != turned) {
        continue;
      }
      const NameMatch m = matchRegion(rotated(raw, turn), want, box, chain.dpi / 4);
      if (m.iou > name.iou) {
        name = m;
        bestTurn = turn;
      }
    }
    // The same check against another guest's badge must fail, or it proves nothing.
    BadgeReport otherReport;
    BadgeData other = data;
    other.guestName = "Zoë Müller";
    auto otherImage = renderer_->renderRgba(other, chain.size, chain.dpi, &otherReport);
    ASSERT_TRUE(otherImage.ok());
    const auto& otherInk = otherReport.find("name")->fit.ink;
    PixelBox otherBox{
        static_cast<int>(otherInk.x * pxPerMm), static_cast<int>(otherInk.y * pxPerMm),
        static_cast<int>(otherInk.w * pxPerMm), static_cast<int>(otherInk.h * pxPerMm)};
    const NameMatch wrongName =
        matchRegion(rotated(raw, bestTurn), fromRgba(*otherImage), otherBox, chain.dpi / 4);
    EXPECT_LT(wrongName.iou, 0.5) << chain.label << ": another guest's name matched too";

    std::cout << "[driver] " << chain.label << ": confirm->completed " << std::lround(millis)
              << " ms, page " << raw.width << "x" << raw.height << " px (want "
              << std::lround(wantW) << "x" << std::lround(wantH) << " at " << chain.dpi << " dpi"
              << (turned ? ", turned" : "") << "), QR "
              << (qr.empty() ? "NOT READ" : "\"" + qr + "\"") << ", name IoU " << name.iou
              << " (turn " << bestTurn << ", offset " << name.dx << "," << name.dy
              << "; another name " << wrongName.iou << ")\n";

    const double tolerance = 0.01 * chain.dpi;  // 1/100 inch: drivers round to bytes
    EXPECT_NEAR(gotW, wantW, tolerance) << chain.label;
    EXPECT_NEAR(gotH, wantH, tolerance) << chain.label;
    EXPECT_EQ(qr, data.qrText) << chain.label;
    EXPECT_EQ(nameField->fit.unknownGlyphs, 0) << chain.label << ": the name has tofu";
    EXPECT_GE(name.iou, 0.8) << chain.label << ": the printed name is not the designed one";
    if (HasFailure()) {
      const auto dump = fs::temp_directory_path() / (dumpName + ".pgm");
      testing::writePgm(raw, dump.string());
      std::cerr << "printed page: " << dump << "\n";
    }
  }

  std::unique_ptr<PrivateCupsd> cupsd_;
  std::optional<BadgeRenderer> renderer_;
  BadgeReport report_;
  SystemClock clock_;
  std::unique_ptr<PrintService> service_;
};

const std::string kRareName = "王㛃";  // U+36C3: only the CJK fonts have it

TEST_F(DriverChains, ZebraZplAt203And300Dpi) {
  if (!haveFile("/usr/lib/cups/filter/rastertolabel")) {
    GTEST_SKIP() << "rastertolabel is not installed (Debian package cups)";
  }
  for (const int dpi : {203, 300}) {
    const std::string queue = "zebra" + std::to_string(dpi);
    const std::string error = cupsd_->addDriverQueue(
        queue, "drv:///sample.drv/zebra.ppd", {"-o", "Resolution=" + std::to_string(dpi) + "dpi"});
    ASSERT_TRUE(error.empty()) << error;
    const BadgeData data = badgeData("KT1:zpl-" + std::to_string(dpi), kRareName);
    const Printed printed = print(queue, data, BadgeSize::k4x3);
    ASSERT_EQ(printed.job.state, PrintJobState::kCompleted) << printed.job.reason;
    const auto files = cupsd_->captured(queue, ".prn");
    ASSERT_EQ(files.size(), 1u);
    const DecodedStream stream = testing::decodeZpl(testing::readText(files[0]));
    ASSERT_TRUE(stream.error.empty()) << stream.error;
    ASSERT_EQ(stream.pages.size(), 1u);
    checkPage({"Zebra ZPL 4x3in @" + std::to_string(dpi), BadgeSize::k4x3, dpi}, stream.pages[0],
              data, printed.millis, queue);
  }
}

// A site with DYMO LabelWriters prints on DYMO's 2.25 x 4 in name badge labels, the
// widest stock the driver knows (its head is 2.3 in): none of the shipped badge sizes fits,
// so the site's own template gives its 62 mm label layout that stock's size (the
// default's layout narrowed to 57.15 mm).
BadgeTemplate dymoTemplate() {
  BadgeTemplate t = *defaultBadgeTemplate();
  BadgeLayout& label = t.layouts[static_cast<std::size_t>(BadgeSize::k62mm)];
  const double sx = 57.15 / label.widthMm;
  const double sy = 101.6 / label.heightMm;
  auto scale = [&](RectMm& r) { r = {r.x * sx, r.y * sy, r.w * sx, r.h * sy}; };
  for (auto* box : {&label.header, &label.logo, &label.qr}) {
    if (*box) {
      scale(**box);
    }
  }
  for (auto* text : {&label.event, &label.company, &label.title, &label.meeting, &label.band}) {
    if (*text) {
      scale((*text)->box);
    }
  }
  scale(label.name.box);
  if (label.photo) {
    scale(label.photo->box);
  }
  label.widthMm = 57.15;
  label.heightMm = 101.6;
  label.media = "custom_57.15x101.6mm";
  return t;
}

TEST_F(DriverChains, DymoLabelWriterAt300Dpi) {
  if (!haveFile("/usr/lib/cups/filter/rastertolabel")) {
    GTEST_SKIP() << "rastertolabel is not installed (Debian package cups)";
  }
  renderer_.emplace(dymoTemplate());
  const std::string error = cupsd_->addDriverQueue("dymo", "drv:///sample.drv/dymo.ppd", {});
  ASSERT_TRUE(error.empty()) << error;
  const BadgeData data = badgeData("KT1:dymo-300", kRareName);
  const Printed printed = print("dymo", data, BadgeSize::k62mm);
  ASSERT_EQ(printed.job.state, PrintJobState::kCompleted) << printed.job.reason;
  const auto files = cupsd_->captured("dymo", ".prn");
  ASSERT_EQ(files.size(), 1u);
  const DecodedStream stream = testing::decodeDymo(testing::readText(files[0]));
  ASSERT_TRUE(stream.error.empty()) << stream.error;
  ASSERT_EQ(stream.pages.size(), 1u);
  // rastertolabel sends the printable area only: the PPD's hardware margins (2 pt left
  // and right, 14.9 pt top and bottom) leave 158 x 258 pt, 658 dots a line rounded up to
  // 83 bytes (ESC D), 1076 lines; ESC L gives the whole label, 4 in = 1200 lines, so the
  // printer feeds to the next label. The picture thus starts 8 dots left and 62 lines up
  // of the design (the name's offset), and the badge loses its top and bottom 5.3 mm.
  checkPage({"DYMO LabelWriter 2.25x4in @300", BadgeSize::k62mm, 300, 664, 1200}, stream.pages[0],
            data, printed.millis, "dymo");
}

TEST_F(DriverChains, BrotherQlOn62mmLabels) {
  if (!haveFile("/usr/lib/cups/filter/rastertoptch")) {
    GTEST_SKIP() << "rastertoptch is not installed (Debian package printer-driver-ptouch)";
  }
  const std::string error =
      cupsd_->addDriverQueue("ql", "ptouch:0/ppd/ptouch-driver/Brother-QL-570-ptouch-ql.ppd", {});
  ASSERT_TRUE(error.empty()) << error;
  const BadgeData data = badgeData("KT1:ql-300", kRareName);
  const Printed printed = print("ql", data, BadgeSize::k62mm);
  ASSERT_EQ(printed.job.state, PrintJobState::kCompleted) << printed.job.reason;
  const auto files = cupsd_->captured("ql", ".prn");
  ASSERT_EQ(files.size(), 1u);
  const DecodedStream stream = testing::decodePtouch(testing::readText(files[0]));
  ASSERT_TRUE(stream.error.empty()) << stream.error;
  ASSERT_EQ(stream.pages.size(), 1u);
  // Brother's raster: the head is 720 dots (a 62 mm label uses 696 of them), and the
  // label is fed 35 dots (ESC i d) before and after the print: 100 mm at 300 dpi is
  // 1181 dots, 1111 of them printed.
  checkPage({"Brother QL-570 62x100mm @300", BadgeSize::k62mm, 300, 720, 1111}, stream.pages[0],
            data, printed.millis, "ql");
}

TEST_F(DriverChains, DriverlessIppEverywhereAt203And300Dpi) {
  if (auto reason = IppEverywherePrinter::unavailableReason()) {
    GTEST_SKIP() << *reason;
  }
  for (const int dpi : {203, 300}) {
    testing::IppPrinterSpec spec;
    spec.mediaSupported = {"oe_cr80-card_2.125x3.37in", "custom_101.6x76.2mm"};
    spec.mediaReady = {"oe_cr80-card_2.125x3.37in"};
    spec.mediaDefault = "oe_cr80-card_2.125x3.37in";
    spec.dpi = dpi;
    std::string error;
    auto printer = IppEverywherePrinter::start(spec, error);
    ASSERT_NE(printer, nullptr) << error;
    const std::string queue = "card" + std::to_string(dpi);
    error = cupsd_->addNetworkQueue(queue, printer->uri());
    ASSERT_TRUE(error.empty()) << error;
    const BadgeData data = badgeData("KT1:ipp-" + std::to_string(dpi), kRareName);
    const Printed printed = print(queue, data, BadgeSize::kCr80);
    ASSERT_EQ(printed.job.state, PrintJobState::kCompleted) << printed.job.reason << printer->log();
    const auto files = printer->documents();
    std::string names;
    for (const auto& f : files) {
      names += f.string() + " ";
    }
    ASSERT_EQ(files.size(), 1u) << names << printer->log();
    const DecodedStream stream = testing::decodePwgRaster(testing::readText(files[0]));
    ASSERT_TRUE(stream.error.empty()) << stream.error << " in " << files[0];
    ASSERT_EQ(stream.pages.size(), 1u);
    EXPECT_EQ(stream.pages[0].dpiX, dpi);
    checkPage({"IPP Everywhere CR80 @" + std::to_string(dpi), BadgeSize::kCr80, dpi},
              stream.pages[0], data, printed.millis, queue);
  }
}

// Media from the printer: the status carries what the queue reports as loaded and
// supported, and says whether it fits the badge stock.
class MediaFromThePrinter : public DriverChains {
 protected:
  PrinterStatus statusOf(const std::string& queue, const std::string& badgeMedia) {
    CupsPrinterConfig config;
    config.server = cupsd_->server();
    config.queue = queue;
    PrintServiceOptions options;
    options.idleStatusInterval = Millis{20};
    options.badgeMedia = badgeMedia;
    PrintService service(std::make_unique<CupsPrintDevice>(config), nullptr, clock_, options);
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    PrinterStatus status = service.printerStatus();
    while (status.state == PrinterState::kUnknown && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      status = service.printerStatus();
    }
    return status;
  }

  std::unique_ptr<IppEverywherePrinter> cardPrinter(const std::string& loaded) {
    testing::IppPrinterSpec spec;
    spec.mediaSupported = {"oe_cr80-card_2.125x3.37in", "custom_101.6x76.2mm"};
    spec.mediaReady = {loaded};
    spec.mediaDefault = loaded;
    std::string error;
    auto printer = IppEverywherePrinter::start(spec, error);
    EXPECT_NE(printer, nullptr) << error;
    return printer;
  }
};

TEST_F(MediaFromThePrinter, LoadedCardsMatchTheBadgeOrStaffAreTold) {
  if (auto reason = IppEverywherePrinter::unavailableReason()) {
    GTEST_SKIP() << *reason;
  }
  const std::string cr80 = renderer_->badgeTemplate().layout(BadgeSize::kCr80).media;
  auto cards = cardPrinter("oe_cr80-card_2.125x3.37in");
  auto labels = cardPrinter("custom_101.6x76.2mm");
  ASSERT_TRUE(cards && labels);
  ASSERT_EQ(cupsd_->addNetworkQueue("cards", cards->uri()), "");
  ASSERT_EQ(cupsd_->addNetworkQueue("labels", labels->uri()), "");

  const PrinterStatus good = statusOf("cards", cr80);
  EXPECT_EQ(good.state, PrinterState::kReady) << good.reason;
  EXPECT_EQ(good.mediaReady, std::vector<std::string>{"oe_cr80-card_2.125x3.37in"});
  EXPECT_EQ(good.mediaFit, MediaFit::kLoaded);
  EXPECT_EQ(good.badgeMedia, "oe_cr80-card_2.125x3.37in");

  const PrinterStatus wrong = statusOf("labels", cr80);
  EXPECT_EQ(wrong.mediaReady, std::vector<std::string>{"custom_101.6x76.2mm"});
  EXPECT_EQ(wrong.mediaFit, MediaFit::kNotLoaded);
  // The 4x3 badge fits what that printer has loaded.
  EXPECT_EQ(statusOf("labels", "custom_101.6x76.2mm").mediaFit, MediaFit::kLoaded);
}

TEST_F(MediaFromThePrinter, ADriverQueueGetsTheBadgeInItsOwnSizeName) {
  if (!haveFile("/usr/lib/cups/filter/rastertolabel")) {
    GTEST_SKIP() << "rastertolabel is not installed (Debian package cups)";
  }
  ASSERT_EQ(cupsd_->addDriverQueue("zebra", "drv:///sample.drv/zebra.ppd"), "");
  const std::string badge = renderer_->badgeTemplate().layout(BadgeSize::k4x3).media;
  const PrinterStatus status = statusOf("zebra", badge);
  std::string supported;
  for (const auto& m : status.mediaSupported) {
    supported += m + " ";
  }
  std::cout << "[media] zebra ready: "
            << (status.mediaReady.empty() ? "-" : status.mediaReady.front()) << ", badge sent as "
            << status.badgeMedia << "\n";
  // CUPS names the driver's 4x3 in label its own way, not "custom_101.6x76.2mm".
  EXPECT_NE(
      std::find(status.mediaSupported.begin(), status.mediaSupported.end(), status.badgeMedia),
      status.mediaSupported.end())
      << supported;
  EXPECT_NE(status.badgeMedia, badge);
  const auto size = mediaSize(status.badgeMedia);
  ASSERT_TRUE(size) << status.badgeMedia;
  EXPECT_TRUE(sameSize(*size, {101.6, 76.2}));
}

// The tofu check can fail: a name the fonts cannot draw is reported. (That the printed
// name of one guest does not pass for another's is checked with every printed page.)
TEST_F(DriverChains, TheTofuCheckCanFail) {
  auto fit = [&](const std::string& name) {
    BadgeReport report;
    auto image = renderer_->renderRgba(badgeData("KT1:x", name), BadgeSize::kCr80, 300, &report);
    EXPECT_TRUE(image.ok());
    return report.find("name")->fit.unknownGlyphs;
  };
  EXPECT_EQ(fit(kRareName), 0);
  // U+0378 is unassigned: no font has it, Pango draws a hex box.
  EXPECT_GT(fit("王\u0378"), 0);
}

}  // namespace
}  // namespace kiosk::devices
