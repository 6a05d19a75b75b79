// Guest lists are files organisers export from whatever spreadsheet they have.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kiosk/core/guest_csv.h"
#include "kiosk/core/text_search.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  kiosk::GuestCsvOptions options;
  options.eventId = 1;
  options.maxProblems = 50;
  const auto result = kiosk::parseGuestCsv(bytes, options);
  for (const auto& guest : result.guests) {
    (void)kiosk::searchKeysFor(guest);
  }
  (void)kiosk::formatProblems(result);
  (void)kiosk::queryKeysFor(bytes.substr(0, 64));
  return 0;
}
