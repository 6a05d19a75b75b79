#include "central/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <optional>

namespace kiosk::central {

namespace {

// 4 bytes for IPv4 (and IPv4-mapped IPv6), 16 for IPv6; nullopt for anything else.
std::optional<std::string> canonical(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return std::nullopt;
  }
  const auto last = text.find_last_not_of(" \t");
  const std::string address(text.substr(first, last - first + 1));
  std::array<unsigned char, 16> bytes{};
  if (::inet_pton(AF_INET, address.c_str(), bytes.data()) == 1) {
    return std::string(reinterpret_cast<const char*>(bytes.data()), 4);
  }
  if (::inet_pton(AF_INET6, address.c_str(), bytes.data()) == 1) {
    constexpr std::array<unsigned char, 12> kMapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(kMapped.begin(), kMapped.end(), bytes.begin())) {
      return std::string(reinterpret_cast<const char*>(bytes.data()) + 12, 4);
    }
    return std::string(reinterpret_cast<const char*>(bytes.data()), 16);
  }
  return std::nullopt;
}

std::string text(const std::string& bytes) {
  std::array<char, INET6_ADDRSTRLEN> out{};
  const int family = bytes.size() == 4 ? AF_INET : AF_INET6;
  return ::inet_ntop(family, bytes.data(), out.data(), out.size()) != nullptr
             ? std::string(out.data())
             : std::string();
}

}  // namespace

Result<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& addresses) {
  TrustedProxies proxies;
  for (const auto& a : addresses) {
    auto bytes = canonical(a);
    if (!bytes) {
      return makeError(ErrorKind::kInvalidInput,
                       "trusted proxy '" + a + "' is not a numeric IPv4 or IPv6 address");
    }
    proxies.trusted_.push_back(std::move(*bytes));
  }
  return proxies;
}

std::string TrustedProxies::clientAddress(const std::string& peer,
                                          const std::vector<std::string>& forwardedFor) const {
  const auto peerBytes = canonical(peer);
  if (!peerBytes) {
    return peer;
  }
  if (forwardedFor.empty() ||
      std::find(trusted_.begin(), trusted_.end(), *peerBytes) == trusted_.end()) {
    return text(*peerBytes);
  }
  const std::string& line = forwardedFor.back();
  const auto comma = line.rfind(',');
  const auto client =
      canonical(comma == std::string::npos ? std::string_view(line)
                                           : std::string_view(line).substr(comma + 1));
  return text(client ? *client : *peerBytes);
}

}  // namespace kiosk::central
