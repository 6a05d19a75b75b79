// BadgeRenderer: draws a guest's badge at its exact physical size, as a one-page PDF
// for the printer and as a raster (PNG file or RGBA in memory) for the screen.
//
// Owns its template (a value). Rendering never fails because of the guest's data: a
// photo that does not decode falls back to initials, a missing logo is left out, and
// both are listed in BadgeReport::warnings. Errors are infrastructure only (Cairo out of
// memory, an unwritable output file).
//
// Threads: the const methods may be called from several threads at once (each call
// builds its own Cairo surface and Pango context; Pango's font map is per thread). The
// first render on a thread loads fontconfig's font list (tens of milliseconds); later
// renders reuse it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "documents/badge_data.h"
#include "documents/badge_template.h"
#include "documents/canvas.h"
#include "kiosk/core/result.h"

namespace kiosk::devices {

// How each text of a badge was laid out; for tests, benchmarks and the staff preview.
struct BadgeFieldReport {
  std::string field;  // "event", "name", "company", "title", "meeting", "band", "initials"
  RectMm box;         // the box the text had to stay in
  TextFit fit;
};

struct BadgeReport {
  std::vector<BadgeFieldReport> fields;
  std::vector<std::string> warnings;  // "photo: cannot decode JPEG: ..." and the like
  const BadgeFieldReport* find(std::string_view field) const;
};

class BadgeRenderer {
 public:
  explicit BadgeRenderer(BadgeTemplate badgeTemplate);

  const BadgeTemplate& badgeTemplate() const { return template_; }
  // Physical page size of a badge size in this template.
  double widthMm(BadgeSize size) const { return template_.layout(size).widthMm; }
  double heightMm(BadgeSize size) const { return template_.layout(size).heightMm; }

  Result<std::vector<std::uint8_t>> renderPdf(const BadgeData& data, BadgeSize size,
                                              BadgeReport* report = nullptr) const;
  Status writePdf(const BadgeData& data, BadgeSize size, const std::string& path,
                  BadgeReport* report = nullptr) const;
  // An opaque RGBA image of the badge at `dpi` (96-150 for a screen preview, 300 for
  // a raster printer).
  Result<RgbaImage> renderRgba(const BadgeData& data, BadgeSize size, double dpi,
                               BadgeReport* report = nullptr) const;
  Status writePng(const BadgeData& data, BadgeSize size, double dpi, const std::string& path,
                  BadgeReport* report = nullptr) const;

  // Draws the badge onto `canvas` with its top-left corner at the canvas origin (sheets,
  // test pages). The canvas must be at least the badge's size.
  BadgeReport draw(Canvas& canvas, const BadgeData& data, BadgeSize size) const;

 private:
  BadgeTemplate template_;
};

// The initials shown in place of a missing photo: the first letter of the first and
// the last word ("Zoë Müller" -> "ZM"), or the first character for a name written
// without spaces ("王小明" -> "王"). Letters are upper-cased; combining marks stay with
// their letter; Arabic initials are kept from joining (U+200C between them).
std::string badgeInitials(std::string_view name);

}  // namespace kiosk::devices
