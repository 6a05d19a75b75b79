// Guest codes come from any phone screen or printed paper: the parser and the whole
// evaluate path must take any bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "kiosk/core/guest.h"
#include "kiosk/core/token.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = kiosk::parseToken(text);
  if (const auto* token = std::get_if<kiosk::ParsedToken>(&parsed)) {
    static const kiosk::PublicKey kKey{};
    (void)kiosk::verifyTokenSignature(*token, kKey);
    (void)token->tokenId();
  }
  (void)kiosk::normalizeBookingCode(text);
  (void)kiosk::looksLikeToken(text);
  return 0;
}
