#include "kiosk/core/secret_hash.h"

#include <sodium.h>

#include "kiosk/core/sodium_init.h"

namespace kiosk {

Result<std::string> hashSecret(std::string_view secret) {
  ensureSodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, secret.data(), secret.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return makeError(ErrorKind::kTransient, "not enough memory to hash the secret");
  }
  return std::string(out);
}

bool verifySecret(std::string_view secret, std::string_view hash) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) {
    return false;
  }
  ensureSodium();
  const std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), secret.data(), secret.size()) == 0;
}

}  // namespace kiosk
