// What central (or anything pretending to be central) sends: the wire codec must turn
// any bytes into a value or an exception, never a crash.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <string_view>

#include "offline-cache/json_codec.h"
#include "offline-cache/sync_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto j = kiosk::cache::parseJson(text);
    const auto tryDecode = [&](auto decode) {
      try {
        (void)decode(j);
      } catch (const std::exception&) {
      }
    };
    tryDecode(kiosk::cache::guestFromJson);
    tryDecode(kiosk::cache::eventFromJson);
    tryDecode(kiosk::cache::checkinFromJson);
    tryDecode(kiosk::cache::rejectionFromJson);
    tryDecode(kiosk::cache::signingKeyFromJson);
    tryDecode(kiosk::cache::api::heartbeatAnswerFromJson);  // settings and OS updates offered
    tryDecode(kiosk::cache::api::heartbeatFromJson);
    (void)kiosk::cache::dumpCompact(j);
  } catch (const std::exception&) {
  }
  return 0;
}
