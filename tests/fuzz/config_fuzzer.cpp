// The terminal's configuration arrives on a provisioning file IT drops next to the image.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kiosk/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)kiosk::app::parseConfig(text, "fuzz.toml");
  return 0;
}
