#include "bench/zbar_reader.h"

#ifdef KIOSK_HAVE_ZBAR
#include <zbar.h>
#endif

namespace kiosk::bench {

#ifdef KIOSK_HAVE_ZBAR
bool zbarAvailable() {
  return true;
}

std::optional<std::string> zbarReadQr(const std::uint8_t* gray, int width, int height) {
  zbar::zbar_image_scanner_t* scanner = zbar::zbar_image_scanner_create();
  zbar::zbar_image_scanner_set_config(scanner, zbar::ZBAR_NONE, zbar::ZBAR_CFG_ENABLE, 0);
  zbar::zbar_image_scanner_set_config(scanner, zbar::ZBAR_QRCODE, zbar::ZBAR_CFG_ENABLE, 1);
  zbar::zbar_image_t* image = zbar::zbar_image_create();
  zbar::zbar_image_set_format(image, zbar_fourcc('Y', '8', '0', '0'));
  zbar::zbar_image_set_size(image, static_cast<unsigned>(width), static_cast<unsigned>(height));
  zbar::zbar_image_set_data(
      image, gray, static_cast<unsigned long>(width) * static_cast<unsigned long>(height), nullptr);
  std::optional<std::string> text;
  if (zbar::zbar_scan_image(scanner, image) > 0) {
    const zbar::zbar_symbol_t* symbol = zbar::zbar_image_first_symbol(image);
    if (symbol != nullptr) {
      text = std::string(zbar::zbar_symbol_get_data(symbol),
                         zbar::zbar_symbol_get_data_length(symbol));
    }
  }
  zbar::zbar_image_destroy(image);
  zbar::zbar_image_scanner_destroy(scanner);
  return text;
}
#else
bool zbarAvailable() {
  return false;
}

std::optional<std::string> zbarReadQr(const std::uint8_t*, int, int) {
  return std::nullopt;
}
#endif

}  // namespace kiosk::bench
