#include "central/record_checks.h"

#include <stdexcept>
#include <string>

#include "kiosk/core/encoding.h"

namespace kiosk::central::checks {

bool isRecordId(std::string_view id) {
  if (id.size() != kMaxIdBytes) {
    return false;
  }
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') {
        return false;
      }
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

void requireRecordId(std::string_view field, std::string_view id) {
  if (!isRecordId(id)) {
    throw std::invalid_argument(std::string(field) +
                                " must be a terminal record id (a lower-case UUID)");
  }
}

void requireText(std::string_view field, std::string_view text, std::size_t maxBytes,
                 bool multiline) {
  if (text.size() > maxBytes) {
    throw std::invalid_argument(std::string(field) + " longer than " + std::to_string(maxBytes) +
                                " bytes");
  }
  if (!isValidUtf8(text)) {
    throw std::invalid_argument(std::string(field) + " is not valid UTF-8");
  }
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto c = nextCodePoint(text, pos);
    const bool allowed = multiline && (c == '\n' || c == '\t');
    // C0 and C1 controls and DEL: escapes and line breaks forge lines and colours in
    // terminals and logs that show this text later.
    if (!allowed && (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))) {
      throw std::invalid_argument(std::string(field) + " contains control characters");
    }
  }
}

TimeWindow plausibleTimes(TimePoint eventStartsAt, TimePoint now) {
  return {eventStartsAt - kEarlyArrival, now + kMaxFutureSkew};
}

std::optional<std::string_view> sniffImageType(std::string_view bytes) {
  // JPEG: SOI followed by the first marker; PNG: its 8-byte signature.
  if (bytes.size() >= 4 && bytes.substr(0, 3) == std::string_view("\xff\xd8\xff", 3)) {
    return "image/jpeg";
  }
  if (bytes.size() >= 8 && bytes.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8)) {
    return "image/png";
  }
  return std::nullopt;
}

}  // namespace kiosk::central::checks
