#include "kiosk/core/sodium_init.h"

#include <sodium.h>

#include <stdexcept>

namespace kiosk {

void ensureSodium() {
  // A function-local static: initialised once, thread-safe, no global constructor.
  static const bool kReady = [] {
    if (sodium_init() < 0) {
      throw std::runtime_error("libsodium could not be initialised");
    }
    return true;
  }();
  (void)kReady;
}

}  // namespace kiosk
