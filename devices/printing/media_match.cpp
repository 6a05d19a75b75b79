#include "devices/printing/media_match.h"

#include <charconv>
#include <cmath>

namespace kiosk::devices {

namespace {

std::optional<double> number(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !(value > 0)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<MediaSizeMm> mediaSize(std::string_view keyword) {
  // PPD: w<points>h<points>
  if (keyword.size() > 3 && keyword[0] == 'w' && keyword.find('_') == std::string_view::npos) {
    const std::size_t h = keyword.find('h');
    if (h != std::string_view::npos) {
      const auto w = number(keyword.substr(1, h - 1));
      const auto l = number(keyword.substr(h + 1));
      if (w && l) {
        return MediaSizeMm{*w * 25.4 / 72, *l * 25.4 / 72};
      }
    }
    return std::nullopt;
  }
  // PWG: <class>_<name>_<width>x<height><unit>
  const std::size_t underscore = keyword.rfind('_');
  if (underscore == std::string_view::npos || keyword.size() < underscore + 6) {
    return std::nullopt;
  }
  std::string_view dims = keyword.substr(underscore + 1);
  double scale = 0;
  if (dims.ends_with("mm")) {
    scale = 1;
  } else if (dims.ends_with("in")) {
    scale = 25.4;
  } else {
    return std::nullopt;
  }
  dims.remove_suffix(2);
  const std::size_t x = dims.find('x');
  if (x == std::string_view::npos) {
    return std::nullopt;
  }
  const auto w = number(dims.substr(0, x));
  const auto h = number(dims.substr(x + 1));
  if (!w || !h) {
    return std::nullopt;
  }
  return MediaSizeMm{*w * scale, *h * scale};
}

bool sameSize(const MediaSizeMm& a, const MediaSizeMm& b, double toleranceMm) {
  const auto near = [&](double p, double q) { return std::fabs(p - q) <= toleranceMm; };
  return (near(a.width, b.width) && near(a.height, b.height)) ||
         (near(a.width, b.height) && near(a.height, b.width));
}

MediaChoice chooseMedia(std::string_view badgeMedia, const std::vector<std::string>& ready,
                        const std::vector<std::string>& supported) {
  MediaChoice choice;
  choice.media = std::string(badgeMedia);
  if (!ready.empty()) {
    choice.loaded = ready.front();
  }
  const auto badge = mediaSize(badgeMedia);
  if (!badge) {
    return choice;
  }
  auto find = [&](const std::vector<std::string>& list) -> const std::string* {
    // The badge's own name first: a printer that knows it needs no translation.
    for (const auto& m : list) {
      if (m == badgeMedia) {
        return &m;
      }
    }
    for (const auto& m : list) {
      if (const auto size = mediaSize(m); size && sameSize(*size, *badge)) {
        return &m;
      }
    }
    return nullptr;
  };
  if (const std::string* m = find(ready)) {
    choice.media = *m;
    choice.fit = MediaFit::kLoaded;
    choice.loaded = *m;
    return choice;
  }
  const std::string* m = find(supported);
  if (m != nullptr) {
    choice.media = *m;
  }
  if (!ready.empty()) {
    choice.fit = MediaFit::kNotLoaded;
  } else if (m != nullptr) {
    choice.fit = MediaFit::kSupported;
  } else if (!supported.empty()) {
    choice.fit = MediaFit::kUnsupported;
  }
  return choice;
}

}  // namespace kiosk::devices
