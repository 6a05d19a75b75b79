// libsodium must be initialised once per process before use; every core function that
// calls libsodium calls ensureSodium() first (cheap after the first call, thread-safe).
#pragma once

namespace kiosk {
void ensureSodium();
}
