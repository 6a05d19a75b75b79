#include "kiosk/core/local_time.h"

#include <unicode/smpdtfmt.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <memory>

namespace kiosk {

namespace {

std::unique_ptr<icu::TimeZone> zoneOf(std::string_view zone) {
  const auto id = icu::UnicodeString::fromUTF8(
      icu::StringPiece(zone.data(), static_cast<int32_t>(zone.size())));
  std::unique_ptr<icu::TimeZone> tz(icu::TimeZone::createTimeZone(id));
  icu::UnicodeString resolved;
  tz->getID(resolved);
  // ICU answers an unknown id with the "Etc/Unknown" zone.
  if (resolved == icu::UnicodeString("Etc/Unknown")) {
    return nullptr;
  }
  return tz;
}

}  // namespace

bool isKnownTimeZone(std::string_view zone) {
  return zoneOf(zone) != nullptr;
}

std::optional<int> utcOffsetMinutes(std::string_view zone, TimePoint at) {
  auto tz = zoneOf(zone);
  if (!tz) {
    return std::nullopt;
  }
  int32_t raw = 0;
  int32_t dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  tz->getOffset(static_cast<UDate>(toUnixMillis(at)), false, raw, dst, status);
  if (U_FAILURE(status)) {
    return std::nullopt;
  }
  return (raw + dst) / 60000;
}

std::optional<TimePoint> parseLocalTime(std::string_view text, std::string_view zone) {
  // Texts with their own offset do not depend on the zone.
  if (auto utc = parseIso8601(text, 0)) {
    auto withOffset = parseIso8601(text, 60);
    if (withOffset && *withOffset == *utc) {
      return utc;
    }
  } else {
    return std::nullopt;
  }
  auto tz = zoneOf(zone);
  if (!tz) {
    return std::nullopt;
  }
  // Wall time -> UTC: take the offset at the naive instant, then correct once for a
  // daylight-saving change between the two.
  const auto naive = *parseIso8601(text, 0);
  const auto first = utcOffsetMinutes(zone, naive).value_or(0);
  const auto guess = naive - std::chrono::minutes(first);
  const auto second = utcOffsetMinutes(zone, guess).value_or(first);
  return naive - std::chrono::minutes(second);
}

std::string formatLocal(TimePoint t, std::string_view zone, std::string_view pattern,
                        std::string_view locale) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Locale loc(std::string(locale).c_str());
  icu::SimpleDateFormat format(icu::UnicodeString::fromUTF8(icu::StringPiece(
                                   pattern.data(), static_cast<int32_t>(pattern.size()))),
                               loc, status);
  if (U_FAILURE(status)) {
    return formatIso8601(t);
  }
  if (auto tz = zoneOf(zone)) {
    format.adoptTimeZone(tz.release());
  }
  icu::UnicodeString out;
  format.format(static_cast<UDate>(toUnixMillis(t)), out);
  std::string utf8;
  out.toUTF8String(utf8);
  return utf8;
}

}  // namespace kiosk
