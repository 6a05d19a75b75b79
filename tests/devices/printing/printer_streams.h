// Turns what a printer driver sent to the printer back into pictures, so tests can check
// what a guest would get: Zebra ZPL graphic downloads and DYMO LabelWriter raster lines
// (both from CUPS rastertolabel), Brother QL /
// P-touch raster (printer-driver-ptouch's rastertoptch) and PWG or Apple raster (what CUPS
// sends a driverless IPP Everywhere printer). Tests only: the formats are read as far as these
// drivers write them, and anything else is reported as an error, never guessed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kiosk::testing {

// One printed page: 8-bit gray, 0 = ink, 255 = paper; row-major, no padding.
struct PrintedPage {
  int width = 0;
  int height = 0;
  int dpiX = 0;  // when the stream says (PWG raster); 0 when it does not
  int dpiY = 0;
  std::vector<std::uint8_t> gray;

  std::uint8_t at(int x, int y) const {
    return gray[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                static_cast<std::size_t>(x)];
  }
};

struct DecodedStream {
  std::vector<PrintedPage> pages;
  std::string error;  // empty when the stream was understood to its end
};

// ~DG (download graphic) fields with ZPL's hex compression (G-Y, g-z repeat counts, ","
// zeros to the end of the row, "!" ones, ":" the row again); one page per ~DG, cut to
// the ^PW print width and turned as ^POI says.
DecodedStream decodeZpl(const std::string& stream);
// DYMO LabelWriter: ESC @ (after a run of ESC bytes that clears the printer), ESC L label
// length in lines, ESC D bytes per line, ESC c/d/e/g print density, ESC q roll, SYN and
// one line of dots, ESC f 1 n to skip n blank lines, ESC E / ESC G label end. The page
// is the label length by the line width (bytes per line x 8): lines not sent are blank.
DecodedStream decodeDymo(const std::string& stream);
// Brother raster: ESC @, ESC i commands, "M" compression mode, "G"/"g" rows (TIFF
// PackBits or plain), "Z" blank rows, FF/Control-Z page ends. A QL print head is 720
// dots wide and prints the row bytes right to left: the picture is mirrored back.
DecodedStream decodePtouch(const std::string& stream);
// PWG raster ("RaS2": 1796-byte page headers, PWG 5102.4) or Apple raster ("UNIRAST":
// 32-byte page headers), the two formats of driverless printers; both with the same
// PackBits-like rows. 1-bit black, 8-bit gray and 24-bit colour pages.
DecodedStream decodePwgRaster(const std::string& stream);

// Writes a page as a binary PGM (for looking at a failure).
bool writePgm(const PrintedPage& page, const std::string& path);

}  // namespace kiosk::testing
