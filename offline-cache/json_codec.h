// JSON forms of the domain types: the wire format of the sync API (docs/api/openapi.yaml),
// the outbox payloads and the JSON columns of the cache. One codec, used by the
// terminal and by the central server.
//
// Times are ISO 8601 UTC strings with milliseconds. Readers are strict about types
// and lenient about absent optional fields; malformed input throws
// nlohmann::json::exception or std::invalid_argument, which callers turn into a
// kCorrupt/kInvalidInput error at their boundary.
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kiosk/core/audit.h"
#include "kiosk/core/checkin.h"
#include "kiosk/core/event.h"
#include "kiosk/core/guest.h"
#include "kiosk/core/token.h"

namespace kiosk::cache {

using Json = nlohmann::json;

// An integer field, range-checked. Floats, strings and out-of-range values throw
// std::invalid_argument; nlohmann's get<unsigned>() on 1e28 is undefined behaviour.
std::int64_t integerFromJson(const Json& j, std::int64_t min, std::int64_t max);
template <typename T>
T integerFromJson(const Json& j) {
  constexpr auto kInt64Max = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMax = std::cmp_greater(std::numeric_limits<T>::max(), kInt64Max)
                            ? kInt64Max
                            : static_cast<std::int64_t>(std::numeric_limits<T>::max());
  return static_cast<T>(integerFromJson(j, std::numeric_limits<T>::min(), kMax));
}

// Optional fields: absent or null reads as empty.
std::string stringField(const Json& j, const char* key);
std::optional<TimePoint> optionalTimeField(const Json& j, const char* key);
Json optionalTimeJson(const std::optional<TimePoint>& t);

Json toJson(TimePoint t);
TimePoint timeFromJson(const Json& j);

Json toJson(const Event& event);
Event eventFromJson(const Json& j);

Json toJson(const SpecialNeeds& needs);
SpecialNeeds needsFromJson(const Json& j);
Json toJson(const Lodging& lodging);
Lodging lodgingFromJson(const Json& j);
Json toJson(const TransportLeg& leg);
TransportLeg transportLegFromJson(const Json& j);
Json toJson(const Meeting& meeting);
Meeting meetingFromJson(const Json& j);

Json toJson(const Guest& guest);
Guest guestFromJson(const Json& j);

Json toJson(const CheckinRecord& record);
CheckinRecord checkinFromJson(const Json& j);

Json toJson(const RejectedScan& rejection);
RejectedScan rejectionFromJson(const Json& j);

Json toJson(const AuditEvent& audit);

// Public key only, unless withSecret (standalone backups; never sent to a terminal).
Json toJson(const SigningKey& key, bool withSecret = false);
SigningKey signingKeyFromJson(const Json& j);

// Serialise/parse helpers for text columns.
std::string dump(const Json& j);
// As dump(), leaving out empty strings, nulls and empty objects (readers treat absent
// optional fields as empty): the compact form for database columns.
std::string dumpCompact(const Json& j);
Json parseJson(std::string_view text);

}  // namespace kiosk::cache
