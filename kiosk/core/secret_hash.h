// Hashes of secrets people type (staff PINs, console passwords): libsodium's
// crypto_pwhash_str (Argon2id, interactive limits, about 0.1 s on purpose against offline
// guessing). Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

#include "kiosk/core/result.h"

namespace kiosk {

// kTransient when libsodium cannot get the memory the hash needs.
Result<std::string> hashSecret(std::string_view secret);
// False for an empty or malformed hash as for a wrong secret.
bool verifySecret(std::string_view secret, std::string_view hash);

}  // namespace kiosk
