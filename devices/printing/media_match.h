// Which media to send a badge with, from what the printer says it has loaded (IPP
// media-ready) and can take (media-supported), and whether that fits the badge stock.
//
// CUPS does not match a PWG size name to a driver's page size by its dimensions: a
// 4x3 in badge sent as "custom_101.6x76.2mm" to a Zebra queue (whose 4x3 in label is
// "oe_4x3-label_4x3in" or similar) comes out shrunk onto the driver's default label. So
// the badge goes out with the printer's own name for its size.
//
// Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "devices/printing/print_job.h"

namespace kiosk::devices {

struct MediaSizeMm {
  double width = 0;
  double height = 0;
};

// The size in a self-describing PWG media name (PWG 5101.1: "iso_a6_105x148mm",
// "oe_cr80-card_2.125x3.37in", "custom_101.6x76.2mm") or a PPD "w288h216" (points);
// nullopt for names without one ("a4", "main-roll").
std::optional<MediaSizeMm> mediaSize(std::string_view keyword);

// Same size either way round, within `toleranceMm` (drivers round to points or dots).
bool sameSize(const MediaSizeMm& a, const MediaSizeMm& b, double toleranceMm = 1.0);

struct MediaChoice {
  std::string media;  // keyword to send; the badge's own when the printer offers none
  MediaFit fit = MediaFit::kUnknown;
  std::string loaded;  // the first loaded media (for staff), empty when not reported
};

// Prefers a loaded media of the badge's size, then a supported one.
MediaChoice chooseMedia(std::string_view badgeMedia, const std::vector<std::string>& ready,
                        const std::vector<std::string>& supported);

}  // namespace kiosk::devices
