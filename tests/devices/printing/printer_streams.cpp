#include "printer_streams.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace kiosk::testing {

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  return -1;
}

// Packed 1-bit rows, most significant bit first, 1 = ink.
PrintedPage pageFromBits(const std::vector<std::vector<std::uint8_t>>& rows, int width) {
  PrintedPage page;
  page.width = width;
  page.height = static_cast<int>(rows.size());
  page.gray.assign(static_cast<std::size_t>(page.width) * rows.size(), 255);
  for (std::size_t y = 0; y < rows.size(); ++y) {
    for (int x = 0; x < width; ++x) {
      const std::size_t byte = static_cast<std::size_t>(x) / 8;
      if (byte < rows[y].size() && ((rows[y][byte] >> (7 - x % 8)) & 1) != 0) {
        page.gray[y * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)] = 0;
      }
    }
  }
  return page;
}

std::uint32_t bigEndian32(const std::string& s, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

}  // namespace

DecodedStream decodeZpl(const std::string& stream) {
  DecodedStream out;
  std::size_t at = 0;
  while ((at = stream.find("~DG", at)) != std::string::npos) {
    // ~DGname,total bytes,bytes per row,data
    const std::size_t c1 = stream.find(',', at);
    const std::size_t c2 = c1 == std::string::npos ? c1 : stream.find(',', c1 + 1);
    const std::size_t c3 = c2 == std::string::npos ? c2 : stream.find(',', c2 + 1);
    if (c3 == std::string::npos) {
      out.error = "~DG without its sizes";
      return out;
    }
    const long total = std::stol(stream.substr(c1 + 1, c2 - c1 - 1));
    const long perRow = std::stol(stream.substr(c2 + 1, c3 - c2 - 1));
    if (perRow <= 0 || total <= 0 || total % perRow != 0 || total > (1L << 26)) {
      out.error =
          "~DG sizes do not make rows: " + std::to_string(total) + "/" + std::to_string(perRow);
      return out;
    }
    const std::size_t rowBytes = static_cast<std::size_t>(perRow);
    const std::size_t rowCount = static_cast<std::size_t>(total / perRow);
    std::vector<std::vector<std::uint8_t>> rows;
    std::string hex;  // hex digits of the row being read
    std::vector<std::uint8_t> previous(rowBytes, 0);
    auto finishRow = [&](char fill) {
      while (hex.size() < 2 * rowBytes) {
        hex += fill;
      }
      std::vector<std::uint8_t> row(rowBytes);
      for (std::size_t i = 0; i < rowBytes; ++i) {
        row[i] = static_cast<std::uint8_t>(hexValue(hex[2 * i]) * 16 + hexValue(hex[2 * i + 1]));
      }
      rows.push_back(row);
      previous = row;
      hex.clear();
    };
    std::size_t i = c3 + 1;
    int repeat = 0;
    for (; i < stream.size() && rows.size() < rowCount; ++i) {
      const char c = stream[i];
      if (c >= 'G' && c <= 'Y') {
        repeat += c - 'F';
      } else if (c >= 'g' && c <= 'z') {
        repeat += (c - 'f') * 20;
      } else if (hexValue(c) >= 0) {
        hex.append(static_cast<std::size_t>(repeat > 0 ? repeat : 1), c);
        repeat = 0;
        if (hex.size() > 2 * rowBytes) {
          out.error = "a ZPL row runs past its " + std::to_string(rowBytes) + " bytes";
          return out;
        }
        if (hex.size() == 2 * rowBytes) {
          finishRow('0');
        }
      } else if (c == ',') {
        finishRow('0');
      } else if (c == '!') {
        finishRow('F');
      } else if (c == ':') {
        if (!hex.empty()) {
          out.error = "':' in the middle of a ZPL row";
          return out;
        }
        rows.push_back(previous);
      } else if (c == '\n' || c == '\r') {
        continue;
      } else {
        break;  // end of the graphic data (the next command)
      }
    }
    if (rows.size() != rowCount) {
      out.error = "ZPL graphic has " + std::to_string(rows.size()) + " of " +
                  std::to_string(rowCount) + " rows";
      return out;
    }
    PrintedPage page = pageFromBits(rows, static_cast<int>(rowBytes * 8));
    // The label's own commands follow the graphic: ^PW is the print width in dots (the
    // rows are padded to whole bytes), ^POI prints the label turned by 180 degrees.
    const std::size_t next = stream.find("~DG", i);
    const std::string format = stream.substr(i, next == std::string::npos ? next : next - i);
    if (const std::size_t pw = format.find("^PW"); pw != std::string::npos) {
      const int width = std::atoi(format.c_str() + pw + 3);
      if (width > 0 && width < page.width) {
        PrintedPage cropped;
        cropped.width = width;
        cropped.height = page.height;
        for (int y = 0; y < page.height; ++y) {
          for (int x = 0; x < width; ++x) {
            cropped.gray.push_back(page.at(x, y));
          }
        }
        page = std::move(cropped);
      }
    }
    if (format.find("^POI") != std::string::npos) {
      std::reverse(page.gray.begin(), page.gray.end());
    }
    out.pages.push_back(std::move(page));
    at = i;
  }
  if (out.pages.empty() && out.error.empty()) {
    out.error = "no ~DG graphic in the ZPL stream";
  }
  return out;
}

DecodedStream decodeDymo(const std::string& stream) {
  DecodedStream out;
  auto byteAt = [&](std::size_t i) { return static_cast<unsigned char>(stream[i]); };
  std::size_t length = 0;   // ESC L: lines from the top of the label to its end
  std::size_t perLine = 0;  // ESC D
  std::vector<std::vector<std::uint8_t>> rows;
  bool started = false;  // a line or skip since the last label end
  auto finishLabel = [&] {
    if (length == 0 || perLine == 0) {
      out.error = "a DYMO label ends before ESC L and ESC D set its size";
      return false;
    }
    if (rows.size() > length) {
      out.error = "a DYMO label has " + std::to_string(rows.size()) + " lines, its length is " +
                  std::to_string(length);
      return false;
    }
    rows.resize(length, std::vector<std::uint8_t>(perLine, 0));
    out.pages.push_back(pageFromBits(rows, static_cast<int>(perLine * 8)));
    rows.clear();
    started = false;
    return true;
  };
  std::size_t i = 0;
  while (i < stream.size()) {
    const unsigned char c = byteAt(i);
    if (c == 0x16) {  // SYN: one line of dots, ESC D bytes long
      if (perLine == 0) {
        out.error = "a DYMO line before ESC D set its width";
        return out;
      }
      if (i + 1 + perLine > stream.size()) {
        out.error = "a DYMO line ends early";
        return out;
      }
      rows.emplace_back(stream.begin() + static_cast<std::ptrdiff_t>(i + 1),
                        stream.begin() + static_cast<std::ptrdiff_t>(i + 1 + perLine));
      started = true;
      i += 1 + perLine;
      continue;
    }
    if (c != 0x1b || i + 1 >= stream.size()) {
      out.error = "unknown byte " + std::to_string(c) + " at " + std::to_string(i);
      return out;
    }
    const char command = stream[i + 1];
    auto need = [&](std::size_t n) {
      if (i + 2 + n > stream.size()) {
        out.error = std::string("DYMO command ESC ") + command + " ends early";
        return false;
      }
      return true;
    };
    switch (command) {
      case '\x1b':  // the run of ESC bytes that ends whatever the printer was reading
        i += 1;
        break;
      case '@':  // reset
      case 'c':  // print density: light, medium, normal, dark
      case 'd':
      case 'e':
      case 'g':
        i += 2;
        break;
      case 'q':  // roll: ASCII '1' or '2' (LabelWriter Twin)
      case 'B':  // dot tab
      case 'D':
        if (!need(1)) {
          return out;
        }
        if (command == 'D') {
          perLine = byteAt(i + 2);
          if (perLine == 0) {
            out.error = "ESC D of 0 bytes per line";
            return out;
          }
        }
        i += 3;
        break;
      case 'L':
        if (!need(2)) {
          return out;
        }
        if (started) {
          out.error = "ESC L in the middle of a DYMO label";
          return out;
        }
        length = static_cast<std::size_t>(byteAt(i + 2)) * 256 + byteAt(i + 3);
        i += 4;
        break;
      case 'f':  // ESC f 1 n: feed n blank lines
        if (!need(2)) {
          return out;
        }
        if (byteAt(i + 2) != 1) {
          out.error = "ESC f with option " + std::to_string(byteAt(i + 2));
          return out;
        }
        if (perLine == 0) {
          out.error = "a DYMO skip before ESC D set the line width";
          return out;
        }
        rows.insert(rows.end(), byteAt(i + 3), std::vector<std::uint8_t>(perLine, 0));
        started = true;
        i += 4;
        break;
      case 'E':  // form feed to the next label
      case 'G':  // short form feed
        if (!finishLabel()) {
          return out;
        }
        i += 2;
        break;
      default:
        out.error = std::string("unknown DYMO command ESC ") + command;
        return out;
    }
  }
  if (started) {
    out.error = "DYMO lines after the last label end";
  } else if (out.pages.empty()) {
    out.error = "no label in the DYMO stream";
  }
  return out;
}

DecodedStream decodePwgRaster(const std::string& stream) {
  DecodedStream out;
  const bool pwg = stream.size() >= 4 && stream.compare(0, 4, "RaS2") == 0;
  const bool urf = stream.size() >= 12 && stream.compare(0, 8, std::string("UNIRAST\0", 8)) == 0;
  if (!pwg && !urf) {
    out.error = "neither PWG raster (RaS2) nor Apple raster (UNIRAST)";
    return out;
  }
  std::size_t at = pwg ? 4 : 12;
  while (at < stream.size()) {
    PrintedPage page;
    std::uint32_t bitsPerPixel = 0;
    bool black = false;  // 1 = ink (PWG black_1); otherwise 0 = ink
    if (pwg) {
      constexpr std::size_t kHeader = 1796;
      if (stream.size() - at < kHeader) {
        out.error = "truncated PWG page header";
        return out;
      }
      page.dpiX = static_cast<int>(bigEndian32(stream, at + 276));
      page.dpiY = static_cast<int>(bigEndian32(stream, at + 280));
      page.width = static_cast<int>(bigEndian32(stream, at + 372));
      page.height = static_cast<int>(bigEndian32(stream, at + 376));
      bitsPerPixel = bigEndian32(stream, at + 388);
      const std::uint32_t colorSpace = bigEndian32(stream, at + 400);
      // 3 = black, 18 = sgray, 19 = srgb.
      black = colorSpace == 3;
      if (!((black && bitsPerPixel == 1) || (colorSpace == 18 && bitsPerPixel == 8) ||
            (colorSpace == 19 && bitsPerPixel == 24))) {
        out.error = "PWG colour space " + std::to_string(colorSpace) + " with " +
                    std::to_string(bitsPerPixel) + " bits is not handled";
        return out;
      }
      at += kHeader;
    } else {
      // 32-byte page header: bits per pixel, colour space, duplex, quality, 8 bytes,
      // width, height, resolution (big-endian), 8 reserved bytes.
      if (stream.size() - at < 32) {
        out.error = "truncated URF page header";
        return out;
      }
      bitsPerPixel = static_cast<unsigned char>(stream[at]);
      page.width = static_cast<int>(bigEndian32(stream, at + 12));
      page.height = static_cast<int>(bigEndian32(stream, at + 16));
      page.dpiX = page.dpiY = static_cast<int>(bigEndian32(stream, at + 20));
      if (bitsPerPixel != 8 && bitsPerPixel != 24) {
        out.error = "URF with " + std::to_string(bitsPerPixel) + " bits is not handled";
        return out;
      }
      at += 32;
    }
    if (page.width <= 0 || page.height <= 0 || page.width > 20000 || page.height > 40000) {
      out.error = "raster page of " + std::to_string(page.width) + "x" +
                  std::to_string(page.height) + " is not plausible";
      return out;
    }
    const std::size_t unit = bitsPerPixel < 8 ? 1 : bitsPerPixel / 8;
    const std::size_t bytesPerLine = bitsPerPixel == 1
                                         ? (static_cast<std::size_t>(page.width) + 7) / 8
                                         : static_cast<std::size_t>(page.width) * unit;
    const char white = black ? '\0' : '\xff';
    std::vector<std::string> lines;
    while (lines.size() < static_cast<std::size_t>(page.height)) {
      if (at >= stream.size()) {
        out.error = "raster page data ends early";
        return out;
      }
      // A line repeat count, then runs: n < 128 repeats the next pixel n + 1 times,
      // n > 128 copies 257 - n pixels, 128 fills the rest of the line with white.
      const int repeatLines = static_cast<unsigned char>(stream[at++]) + 1;
      std::string line;
      while (line.size() < bytesPerLine) {
        if (at >= stream.size()) {
          out.error = "raster row data ends early";
          return out;
        }
        const int code = static_cast<unsigned char>(stream[at++]);
        if (code == 128) {
          line.resize(bytesPerLine, white);
        } else if (code < 128) {
          if (at + unit > stream.size()) {
            out.error = "raster run ends early";
            return out;
          }
          for (int k = 0; k <= code; ++k) {
            line.append(stream, at, unit);
          }
          at += unit;
        } else {
          const std::size_t n = static_cast<std::size_t>(257 - code) * unit;
          if (at + n > stream.size()) {
            out.error = "raster literal ends early";
            return out;
          }
          line.append(stream, at, n);
          at += n;
        }
      }
      if (line.size() != bytesPerLine) {
        out.error = "a raster row runs past its " + std::to_string(bytesPerLine) + " bytes";
        return out;
      }
      for (int k = 0; k < repeatLines; ++k) {
        lines.push_back(line);
      }
    }
    if (lines.size() != static_cast<std::size_t>(page.height)) {
      out.error = "raster rows repeat past the page height";
      return out;
    }
    page.gray.assign(static_cast<std::size_t>(page.width) * lines.size(), 255);
    for (std::size_t y = 0; y < lines.size(); ++y) {
      const auto* row = reinterpret_cast<const unsigned char*>(lines[y].data());
      for (std::size_t x = 0; x < static_cast<std::size_t>(page.width); ++x) {
        std::uint8_t value = 255;
        if (black) {
          value = ((row[x / 8] >> (7 - x % 8)) & 1) != 0 ? 0 : 255;
        } else if (unit == 1) {
          value = row[x];
        } else {
          value = static_cast<std::uint8_t>(
              (row[3 * x] * 30 + row[3 * x + 1] * 59 + row[3 * x + 2] * 11) / 100);
        }
        page.gray[y * static_cast<std::size_t>(page.width) + x] = value;
      }
    }
    out.pages.push_back(std::move(page));
    // The next page header follows directly.
  }
  return out;
}

DecodedStream decodePtouch(const std::string& stream) {
  DecodedStream out;
  constexpr std::size_t kHeadBytes = 90;  // 720 dots
  std::vector<std::vector<std::uint8_t>> rows;
  bool packBits = false;
  auto byteAt = [&](std::size_t i) { return static_cast<unsigned char>(stream[i]); };
  auto finishPage = [&] {
    // The head prints each row from its right end: mirror to the picture as seen.
    for (auto& row : rows) {
      std::vector<std::uint8_t> mirrored(row.size());
      for (std::size_t b = 0; b < row.size(); ++b) {
        std::uint8_t v = row[row.size() - 1 - b];
        std::uint8_t r = 0;
        for (int bit = 0; bit < 8; ++bit) {
          r = static_cast<std::uint8_t>(r | (((v >> bit) & 1) << (7 - bit)));
        }
        mirrored[b] = r;
      }
      row = std::move(mirrored);
    }
    out.pages.push_back(pageFromBits(rows, static_cast<int>(kHeadBytes * 8)));
    rows.clear();
  };
  std::size_t i = 0;
  while (i < stream.size()) {
    const unsigned char c = byteAt(i);
    if (c == 0x00) {  // invalidate (padding before the first command)
      ++i;
    } else if (c == 0x1b && i + 1 < stream.size() && stream[i + 1] == '@') {
      i += 2;
    } else if (c == 0x1b && i + 2 < stream.size() && stream[i + 1] == 'i') {
      // ESC i <command> <fixed-length parameters>
      const char command = stream[i + 2];
      std::size_t length = 0;
      switch (command) {
        case 'M':
        case 'K':
        case 'a':
        case 'A':
        case 'R':
          length = 1;
          break;
        case 'd':
          length = 2;
          break;
        case 'z':
          length = 10;
          break;
        case 'S':
          length = 0;
          break;
        default:
          out.error = std::string("unknown command ESC i ") + command;
          return out;
      }
      i += 3 + length;
    } else if (c == 'M' && i + 1 < stream.size()) {
      packBits = byteAt(i + 1) == 0x02;
      i += 2;
    } else if (c == 'Z') {
      rows.emplace_back(kHeadBytes, 0);
      ++i;
    } else if ((c == 'g' || c == 'G') && i + 2 < stream.size()) {
      // 'g' n1 n2: n2 bytes (QL); 'G' n1 n2: n1 + 256 * n2 bytes (P-touch).
      const std::size_t n = c == 'g' ? byteAt(i + 2) : byteAt(i + 1) + 256u * byteAt(i + 2);
      i += 3;
      if (i + n > stream.size()) {
        out.error = "raster row ends early";
        return out;
      }
      std::vector<std::uint8_t> row;
      if (packBits) {
        std::size_t k = i;
        while (k < i + n) {
          const int count = static_cast<signed char>(stream[k++]);
          if (count >= 0) {
            for (int m = 0; m <= count && k < i + n; ++m) {
              row.push_back(byteAt(k++));
            }
          } else if (k < i + n) {
            row.insert(row.end(), static_cast<std::size_t>(1 - count), byteAt(k++));
          }
        }
      } else {
        row.assign(stream.begin() + static_cast<std::ptrdiff_t>(i),
                   stream.begin() + static_cast<std::ptrdiff_t>(i + n));
      }
      if (row.size() > kHeadBytes) {
        out.error = "a raster row is wider than the head: " + std::to_string(row.size());
        return out;
      }
      row.resize(kHeadBytes, 0);
      rows.push_back(std::move(row));
      i += n;
    } else if (c == 0x0c || c == 0x1a) {  // page end; Control-Z ends the last one
      finishPage();
      ++i;
      if (c == 0x1a) {
        break;
      }
    } else {
      out.error = "unknown byte " + std::to_string(c) + " at " + std::to_string(i);
      return out;
    }
  }
  if (!rows.empty()) {
    out.error = "raster rows after the last page end";
  } else if (out.pages.empty()) {
    out.error = "no page in the raster stream";
  }
  return out;
}

bool writePgm(const PrintedPage& page, const std::string& path) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << "P5\n" << page.width << " " << page.height << "\n255\n";
  file.write(reinterpret_cast<const char*>(page.gray.data()),
             static_cast<std::streamsize>(page.gray.size()));
  return static_cast<bool>(file);
}

}  // namespace kiosk::testing
