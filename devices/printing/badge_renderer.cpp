#include "devices/printing/badge_renderer.h"

#include <glib.h>

#include <algorithm>
#include <utility>

namespace kiosk::devices {

namespace {

constexpr double kMmPerPoint = 25.4 / 72.0;

// Length in bytes of the user-perceived character at the start of `text`: a code point
// plus the combining marks, variation selectors and zero-width-joined parts after it.
std::size_t firstCluster(std::string_view text) {
  if (text.empty() || !g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr)) {
    return text.empty() ? 0 : 1;
  }
  const char* begin = text.data();
  const char* end = begin + text.size();
  const char* p = g_utf8_next_char(begin);
  while (p < end) {
    const gunichar c = g_utf8_get_char(p);
    if (c == 0x200D && g_utf8_next_char(p) < end) {  // ZWJ: the next code point joins
      p = g_utf8_next_char(g_utf8_next_char(p));
      continue;
    }
    if (g_unichar_ismark(c) || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0x1F3FB && c <= 0x1F3FF)) {
      p = g_utf8_next_char(p);
      continue;
    }
    break;
  }
  return static_cast<std::size_t>(p - begin);
}

std::string upper(std::string_view text) {
  gchar* up = g_utf8_strup(text.data(), static_cast<gssize>(text.size()));
  std::string out(up);
  g_free(up);
  return out;
}

bool overlapsVertically(const RectMm& a, const RectMm& b) {
  return a.y < b.bottom() && b.y < a.bottom();
}

RectMm unionRect(const RectMm& a, const RectMm& b) {
  const double x0 = std::min(a.x, b.x);
  const double y0 = std::min(a.y, b.y);
  const double x1 = std::max(a.right(), b.right());
  const double y1 = std::max(a.bottom(), b.bottom());
  return RectMm{x0, y0, x1 - x0, y1 - y0};
}

std::string meetingText(const BadgeData& data) {
  std::string place;
  if (!data.meetingRoom.empty()) {
    place = labelled(data.roomLabel, data.meetingRoom, data.otherLabels);
  }
  if (!data.seat.empty()) {
    place += (place.empty() ? "" : "  ·  ") + labelled(data.seatLabel, data.seat, data.otherLabels);
  }
  if (data.meetingName.empty()) {
    return place;
  }
  return place.empty() ? data.meetingName : data.meetingName + "\n" + place;
}

}  // namespace

std::string badgeInitials(std::string_view name) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < name.size()) {
    while (i < name.size() && (name[i] == ' ' || name[i] == '\t')) {
      ++i;
    }
    const std::size_t start = i;
    while (i < name.size() && name[i] != ' ' && name[i] != '\t') {
      ++i;
    }
    if (i > start) {
      words.push_back(name.substr(start, i - start));
    }
  }
  if (words.empty()) {
    return {};
  }
  const std::string_view first = words.front().substr(0, firstCluster(words.front()));
  std::string initials(first);
  if (words.size() > 1) {
    // Two Arabic letters side by side would join into one shape that reads as a word;
    // a zero-width non-joiner keeps them apart.
    const gunichar c = g_utf8_validate(first.data(), static_cast<gssize>(first.size()), nullptr)
                           ? g_utf8_get_char(first.data())
                           : 0;
    if (g_unichar_get_script(c) == G_UNICODE_SCRIPT_ARABIC) {
      initials += "\u200C";
    }
    initials += words.back().substr(0, firstCluster(words.back()));
  }
  return upper(initials);
}

const BadgeFieldReport* BadgeReport::find(std::string_view field) const {
  for (const auto& f : fields) {
    if (f.field == field) {
      return &f;
    }
  }
  return nullptr;
}

BadgeRenderer::BadgeRenderer(BadgeTemplate badgeTemplate) : template_(std::move(badgeTemplate)) {}

BadgeReport BadgeRenderer::draw(Canvas& canvas, const BadgeData& data, BadgeSize size) const {
  const BadgeLayout& page = template_.layout(size);
  const CategoryColors& category = template_.colors(data.category);
  BadgeReport report;
  canvas.setLanguage(data.language);
  auto text = [&](const char* field, const TextElement& element, std::string_view value,
                  std::optional<RectMm> box = std::nullopt, std::optional<Rgb> color = {}) {
    if (value.empty()) {
      return;
    }
    TextStyle style = element.style;
    if (color) {
      style.color = *color;
    }
    const RectMm target = box.value_or(element.box);
    report.fields.push_back(BadgeFieldReport{field, target, canvas.drawText(target, value, style)});
  };

  canvas.fillRect(RectMm{0, 0, page.widthMm, page.heightMm}, template_.background);
  if (page.header) {
    canvas.fillRect(*page.header, template_.header);
  }
  bool logoDrawn = false;
  if (page.logo && !data.logoPath.empty()) {
    if (auto status = canvas.drawImageFile(*page.logo, data.logoPath, Canvas::Fit::kContain);
        status) {
      logoDrawn = true;
    } else {
      report.warnings.push_back("logo: " + status.error().message);
    }
  }
  if (page.event) {
    RectMm box = page.event->box;
    if (!logoDrawn && page.logo && overlapsVertically(box, *page.logo)) {
      box = unionRect(box, RectMm{page.logo->x, box.y, page.logo->w, box.h});
    }
    text("event", *page.event, data.eventName, box);
  }

  if (page.photo) {
    const PhotoElement& photo = *page.photo;
    bool drawn = false;
    if (!data.photoJpeg.empty()) {
      if (auto status =
              canvas.drawImage(photo.box, data.photoJpeg, Canvas::Fit::kCover, photo.radiusMm);
          status) {
        drawn = true;
      } else {
        report.warnings.push_back("photo: " + status.error().message);
      }
    }
    if (!drawn && photo.initials) {
      canvas.fillRoundedRect(photo.box, photo.radiusMm, tint(category.fill, 0.82));
      TextElement initials;
      initials.box = photo.box;
      initials.style.family = page.name.style.family;
      initials.style.bold = true;
      // A third of the box height, in points; shrinks for wide initials.
      initials.style.maxPt = photo.box.h * 0.36 / kMmPerPoint;
      initials.style.minPt = std::min(initials.style.maxPt, 6.0);
      initials.style.halign = HAlign::kCenter;
      initials.style.color = category.fill;
      const RectMm inner{photo.box.x + photo.box.w * 0.1, photo.box.y, photo.box.w * 0.8,
                         photo.box.h};
      text("initials", initials, badgeInitials(data.guestName), inner);
    }
  }

  text("name", page.name, data.guestName);
  if (page.company) {
    text("company", *page.company, data.company);
  }
  if (page.title) {
    text("title", *page.title, data.title);
  }
  if (page.meeting) {
    text("meeting", *page.meeting, meetingText(data));
  }
  if (page.qr && !data.qrText.empty()) {
    if (auto status = canvas.drawQr(*page.qr, data.qrText, template_.text); !status) {
      report.warnings.push_back("qr: " + status.error().message);
    }
  }
  if (page.band) {
    canvas.fillRect(page.band->box, category.fill);
    text("band", *page.band, data.categoryLabel, std::nullopt, category.text);
  }
  return report;
}

Result<std::vector<std::uint8_t>> BadgeRenderer::renderPdf(const BadgeData& data, BadgeSize size,
                                                           BadgeReport* report) const {
  auto canvas = Canvas::pdf(widthMm(size), heightMm(size));
  if (!canvas) {
    return canvas.error();
  }
  BadgeReport drawn = draw(*canvas, data, size);
  if (report != nullptr) {
    *report = std::move(drawn);
  }
  return canvas->finishPdf();
}

Status BadgeRenderer::writePdf(const BadgeData& data, BadgeSize size, const std::string& path,
                               BadgeReport* report) const {
  auto canvas = Canvas::pdf(widthMm(size), heightMm(size), path);
  if (!canvas) {
    return canvas.error();
  }
  BadgeReport drawn = draw(*canvas, data, size);
  if (report != nullptr) {
    *report = std::move(drawn);
  }
  auto finished = canvas->finishPdf();
  if (!finished) {
    return finished.error();
  }
  return okStatus();
}

Result<RgbaImage> BadgeRenderer::renderRgba(const BadgeData& data, BadgeSize size, double dpi,
                                            BadgeReport* report) const {
  auto canvas = Canvas::raster(widthMm(size), heightMm(size), dpi);
  if (!canvas) {
    return canvas.error();
  }
  BadgeReport drawn = draw(*canvas, data, size);
  if (report != nullptr) {
    *report = std::move(drawn);
  }
  return canvas->toRgba();
}

Status BadgeRenderer::writePng(const BadgeData& data, BadgeSize size, double dpi,
                               const std::string& path, BadgeReport* report) const {
  auto canvas = Canvas::raster(widthMm(size), heightMm(size), dpi);
  if (!canvas) {
    return canvas.error();
  }
  BadgeReport drawn = draw(*canvas, data, size);
  if (report != nullptr) {
    *report = std::move(drawn);
  }
  return canvas->writePng(path);
}

}  // namespace kiosk::devices
