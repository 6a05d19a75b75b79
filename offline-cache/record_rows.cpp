#include "offline-cache/record_rows.h"

#include <algorithm>
#include <array>
#include <string>

namespace kiosk::cache {

Feedback feedbackFromRow(const Statement& s, int first) {
  Feedback f;
  f.id = s.columnText(first);
  f.eventId = static_cast<EventId>(s.columnInt(first + 1));
  if (auto guest = s.columnOptionalInt(first + 2)) {
    f.guestId = static_cast<GuestId>(*guest);
  }
  f.terminal = s.columnText(first + 3);
  f.at = fromUnixMillis(s.columnInt(first + 4));
  f.kind = parseFeedbackKind(s.columnText(first + 5)).value_or(FeedbackKind::kRating);
  if (auto rating = s.columnOptionalInt(first + 6)) {
    f.rating = static_cast<int>(*rating);
  }
  f.category = s.columnText(first + 7);
  f.text = s.columnText(first + 8);
  return f;
}

namespace {

template <std::size_t N>
std::array<std::uint8_t, N> keyBytes(const std::vector<std::uint8_t>& blob, const char* what) {
  if (blob.size() != N) {
    throw DatabaseError(ErrorKind::kCorrupt, std::string("signing key with a bad ") + what);
  }
  std::array<std::uint8_t, N> out{};
  std::copy(blob.begin(), blob.end(), out.begin());
  return out;
}

}  // namespace

std::vector<SigningKey> readSigningKeys(Database& db, EventId eventId) {
  std::vector<SigningKey> keys;
  auto s = db.prepare(
      "SELECT key_id, public_key, secret_key, created_at, retired_at FROM signing_keys WHERE "
      "event_id = ?1 ORDER BY key_id");
  s.bind(1, eventId);
  while (s.step()) {
    SigningKey k;
    k.eventId = eventId;
    k.id = static_cast<KeyId>(s.columnInt(0));
    k.publicKey = keyBytes<std::tuple_size_v<PublicKey>>(s.columnBlob(1), "public key");
    if (!s.isNull(2)) {
      k.secretKey = keyBytes<std::tuple_size_v<SecretKey>>(s.columnBlob(2), "secret key");
    }
    k.createdAt = fromUnixMillis(s.columnInt(3));
    if (auto retired = s.columnOptionalInt(4)) {
      k.retiredAt = fromUnixMillis(*retired);
    }
    keys.push_back(k);
  }
  return keys;
}

}  // namespace kiosk::cache
