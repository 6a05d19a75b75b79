// A printer test page on the badge stock: shows that the size, the orientation, the
// margins, colours, every script the badges use and the QR code come out right.
//
// Pure functions; any thread (see BadgeRenderer for the font notes).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "devices/printing/badge_printer.h"
#include "documents/badge_template.h"
#include "kiosk/core/result.h"
#include "kiosk/core/time.h"

namespace kiosk::devices {

// A one-page PDF the size of `size` in `badgeTemplate`: a 1 mm frame at the edge, a
// centre cross, the stock name and size, `printerName` and `when`, a line of Latin,
// Chinese (incl. U+36C3, U+20BB7), Arabic and emoji, the category colours and a QR code
// that reads "TEST <printerName> <when>".
Result<std::vector<std::uint8_t>> renderPrinterTestPage(const BadgeTemplate& badgeTemplate,
                                                        BadgeSize size,
                                                        const std::string& printerName,
                                                        TimePoint when);

// Renders the test page for `printerName` (one of printer.printers(); empty: the printer a
// badge would go to now) and sends it there only, as a new job
// "test-page-<printer>-<unix ms>" (never deduplicated). kPermanent when rendering fails.
Result<PrintJob> printTestPage(BadgePrinter& printer, const std::string& printerName,
                               const BadgeTemplate& badgeTemplate, BadgeSize size, TimePoint when,
                               std::string media = {});

}  // namespace kiosk::devices
