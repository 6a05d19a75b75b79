// TrustedProxies: which TCP peers central believes about the client's address. Behind a
// load balancer every request comes from the balancer's address; the rate limits per client
// address (failed authentication, /v1/enroll) and the address recorded with a heartbeat
// would then lump every terminal together. Only a peer named here (the balancer) may name
// the client, in the X-Forwarded-For header; anyone else is taken at its TCP address.
//
// Of X-Forwarded-For only the last entry counts: the balancer appends the address it
// accepted the connection from, after whatever the client sent itself (a forger's own
// X-Forwarded-For lines come first). A trusted peer that names no valid address is taken at
// its own address.
//
// Immutable after parse(); safe to share between threads.
#pragma once

#include <string>
#include <vector>

#include "kiosk/core/result.h"

namespace kiosk::central {

class TrustedProxies {
 public:
  TrustedProxies() = default;

  // Numeric IPv4 or IPv6 addresses (no names, no ranges: a balancer has a fixed address).
  // kInvalidInput naming the first one that is not such an address.
  static Result<TrustedProxies> parse(const std::vector<std::string>& addresses);

  // The client's address (numeric text, IPv4-mapped IPv6 shown as IPv4) for a request from
  // the TCP peer `peer` (numeric text) carrying `forwardedFor`: the values of its
  // X-Forwarded-For header lines in the order they came.
  std::string clientAddress(const std::string& peer,
                            const std::vector<std::string>& forwardedFor) const;

 private:
  std::vector<std::string> trusted_;  // canonical bytes (4 for IPv4, 16 for IPv6)
};

}  // namespace kiosk::central
