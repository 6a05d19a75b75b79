#include "devices/printing/printer_test_page.h"

#include <algorithm>
#include <cstdio>

#include "documents/canvas.h"

namespace kiosk::devices {

Result<std::vector<std::uint8_t>> renderPrinterTestPage(const BadgeTemplate& badgeTemplate,
                                                        BadgeSize size,
                                                        const std::string& printerName,
                                                        TimePoint when) {
  const BadgeLayout& page = badgeTemplate.layout(size);
  const double w = page.widthMm;
  const double h = page.heightMm;
  auto canvas = Canvas::pdf(w, h);
  if (!canvas) {
    return canvas.error();
  }
  const Rgb ink = badgeTemplate.text;
  canvas->strokeRect(RectMm{0, 0, w, h}, 0.3, ink);
  canvas->strokeRect(RectMm{1, 1, w - 2, h - 2}, 0.15, ink);
  canvas->strokeLine(w / 2, 0, w / 2, h, 0.1, badgeTemplate.muted, 1.0);
  canvas->strokeLine(0, h / 2, w, h / 2, 0.1, badgeTemplate.muted, 1.0);

  const double margin = std::max(2.5, std::min(w, h) * 0.05);
  const double line = (h - 2 * margin) / 8;
  char dims[64];
  std::snprintf(dims, sizeof dims, "%.2f x %.2f mm", w, h);
  const std::string stamp = formatIso8601(when);

  TextStyle title;
  title.bold = true;
  title.maxPt = 18;
  title.minPt = 6;
  title.color = ink;
  const double textW = w - 2 * margin - std::min(w, h) * 0.36;
  canvas->drawText(RectMm{margin, margin, textW, line * 1.4},
                   std::string("Test page · ") + toString(size), title);
  TextStyle body = title;
  body.bold = false;
  body.maxPt = 10;
  body.minPt = 4.5;
  canvas->drawText(RectMm{margin, margin + line * 1.5, textW, line}, dims, body);
  canvas->drawText(RectMm{margin, margin + line * 2.5, textW, line}, printerName, body);
  canvas->drawText(RectMm{margin, margin + line * 3.5, textW, line}, stamp, body);
  canvas->drawText(RectMm{margin, margin + line * 4.5, textW, line * 1.2},
                   "Aa Zoë 中文 㛃 𠮷 العربية 🚀", body);

  // One swatch per guest category, as the badge bands print them.
  const double swatchW = (w - 2 * margin) / 6;
  for (std::size_t i = 0; i < badgeTemplate.categories.size(); ++i) {
    canvas->fillRect(
        RectMm{margin + static_cast<double>(i) * swatchW, h - margin - line, swatchW, line},
        badgeTemplate.categories[i].fill);
  }
  const double qrSide = std::min(w, h) * 0.34;
  if (auto status = canvas->drawQr(RectMm{w - margin - qrSide, margin, qrSide, qrSide},
                                   "TEST " + printerName + " " + stamp, ink);
      !status) {
    return status.error();
  }
  return canvas->finishPdf();
}

Result<PrintJob> printTestPage(BadgePrinter& printer, const std::string& printerName,
                               const BadgeTemplate& badgeTemplate, BadgeSize size, TimePoint when,
                               std::string media) {
  const std::string name = printerName.empty() ? printer.printerStatus().printer : printerName;
  auto pdf = renderPrinterTestPage(badgeTemplate, size, name, when);
  if (!pdf) {
    return pdf.error();
  }
  PrintRequest request;
  // The printer's name too: two printers' test pages asked within a millisecond are two.
  request.badgeId = "test-page-" + name + "-" + std::to_string(toUnixMillis(when));
  request.printer = name;
  request.pdf = std::move(*pdf);
  request.media = media.empty() ? badgeTemplate.layout(size).media : std::move(media);
  request.title = std::string("Test page ") + toString(size);
  return printer.reprint(std::move(request));
}

}  // namespace kiosk::devices
