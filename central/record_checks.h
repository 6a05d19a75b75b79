// What central accepts from a terminal, field by field: the shape of ids, the size and
// characters of text, the plausibility of a terminal's clock and the first bytes of a
// photo. Pure functions over kiosk types, shared by the store (records) and the server
// (photos), so that every limit has one home and one test.
//
// Every check that fails throws std::invalid_argument with a short message that names
// the field and the limit but never quotes the value (it may be personal data or a
// terminal escape sequence).
#pragma once

#include <optional>
#include <string_view>

#include "kiosk/core/time.h"

namespace kiosk::central::checks {

// Limits on text a terminal sends (UTF-8 bytes).
inline constexpr std::size_t kMaxIdBytes = 36;          // a canonical UUID
inline constexpr std::size_t kMaxNameBytes = 64;        // terminal names, staff ids, categories
inline constexpr std::size_t kMaxReasonBytes = 500;     // override and undo reasons, details
inline constexpr std::size_t kMaxFeedbackBytes = 4000;  // a guest's free text
inline constexpr std::size_t kMaxNeedsBytes = 500;      // each of diet, allergies, accessibility

// How far a terminal's clock may run ahead of central's before its times are not believed.
inline constexpr Millis kMaxFutureSkew = std::chrono::minutes(5);
// How long before an event starts a terminal may plausibly record a scan (guests who
// arrive the evening before, terminals set up and tested early).
inline constexpr Millis kEarlyArrival = std::chrono::hours(48);

// The terminal's record ids (kiosk/core/ids.h): a UUID in canonical lower-case text form.
bool isRecordId(std::string_view id);
void requireRecordId(std::string_view field, std::string_view id);

// Text of at most `maxBytes`, valid UTF-8, with no control characters (no NUL, escape,
// CR or LF; LF and tab are allowed only when `multiline`).
void requireText(std::string_view field, std::string_view text, std::size_t maxBytes,
                 bool multiline = false);

// The window of believable terminal times for records of an event received at `now`.
struct TimeWindow {
  TimePoint earliest;
  TimePoint latest;
  bool contains(TimePoint t) const { return t >= earliest && t <= latest; }
};
TimeWindow plausibleTimes(TimePoint eventStartsAt, TimePoint now);

// The image type the bytes start with ("image/jpeg", "image/png"), if any.
std::optional<std::string_view> sniffImageType(std::string_view bytes);

}  // namespace kiosk::central::checks
