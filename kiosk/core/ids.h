// Client-generated identifiers.
#pragma once

#include <cstdint>
#include <string>

#include "kiosk/core/time.h"

namespace kiosk {

// A UUID version 7 (time-ordered, 74 random bits from libsodium) in canonical text
// form. Used as the idempotency key of every record a terminal creates.
std::string newRecordId(TimePoint now);

// A uniformly random 32-bit value that is never zero (event ids).
std::uint32_t randomNonZeroU32();

// `length` characters from an alphabet without look-alikes (no 0/O, 1/I/L), for
// booking codes, enrollment codes and the like.
std::string randomCode(std::size_t length);

}  // namespace kiosk
