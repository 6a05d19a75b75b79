// Badge templates: where each element of a badge goes, per badge size, and the colours.
//
// A template is a TOML data file (assets/badges/default.toml is the shipped one and is
// compiled into the library, so a kiosk always has a template). Boxes are in
// millimetres from the top-left corner of the badge: [x, y, width, height]. Every
// element is optional except the guest name. See assets/badges/default.toml for the
// keys; parseBadgeTemplate reports the first problem with its key path.
//
// Values; any thread. Parsing fails with kInvalidInput (bad TOML, a missing size, a box
// outside the page, min > max) and loading with kNotFound for a missing file.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "documents/badge_data.h"
#include "documents/canvas.h"
#include "kiosk/core/guest.h"
#include "kiosk/core/result.h"

namespace kiosk::devices {

struct TextElement {
  RectMm box;
  TextStyle style;
};

struct PhotoElement {
  RectMm box;
  double radiusMm = 0;
  bool initials = true;  // no photo: the guest's initials on a tint of the category colour
};

struct BadgeLayout {
  double widthMm = 0;
  double heightMm = 0;
  std::string media;             // default CUPS media keyword for this stock
  double cornerRadiusMm = 0;     // the stock's rounded corners (previews only; cards are die-cut)
  std::optional<RectMm> header;  // filled with the header colour
  std::optional<RectMm> logo;
  std::optional<TextElement> event;
  TextElement name;
  std::optional<TextElement> company;
  std::optional<TextElement> title;
  std::optional<PhotoElement> photo;
  std::optional<RectMm> qr;
  std::optional<TextElement> meeting;
  std::optional<TextElement> band;  // box filled with the category colour, label inside
};

struct CategoryColors {
  Rgb fill;
  Rgb text;
};

struct BadgeTemplate {
  std::string name;
  Rgb background{1, 1, 1};
  Rgb header{};
  Rgb headerText{1, 1, 1};
  Rgb text{};
  Rgb muted{};
  std::array<CategoryColors, 6> categories{};  // by GuestCategory
  std::array<BadgeLayout, 4> layouts{};        // by BadgeSize

  const BadgeLayout& layout(BadgeSize size) const {
    return layouts[static_cast<std::size_t>(size)];
  }
  const CategoryColors& colors(GuestCategory category) const {
    return categories[static_cast<std::size_t>(category)];
  }
};

// `origin` names the source in error messages (a file name).
Result<BadgeTemplate> parseBadgeTemplate(std::string_view toml, std::string_view origin);
Result<BadgeTemplate> loadBadgeTemplate(const std::string& path);
// The template compiled in from assets/badges/default.toml.
Result<BadgeTemplate> defaultBadgeTemplate();

}  // namespace kiosk::devices
