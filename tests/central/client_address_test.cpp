// TrustedProxies: whose X-Forwarded-For central believes, and which entry of it.
#include "central/client_address.h"

#include <gtest/gtest.h>

namespace kiosk::central {
namespace {

TrustedProxies proxies(const std::vector<std::string>& addresses) {
  auto p = TrustedProxies::parse(addresses);
  EXPECT_TRUE(p) << p.error().message;
  return p ? *p : TrustedProxies();
}

TEST(TrustedProxiesTest, OnlyNumericAddressesAreTrusted) {
  for (const std::string bad : {"", "lb.example", "10.0.0.0/8", "10.0.0.1:443", "300.1.1.1"}) {
    auto p = TrustedProxies::parse({"10.0.0.1", bad});
    ASSERT_FALSE(p) << "'" << bad << "'";
    EXPECT_EQ(p.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(p.error().message.find("'" + bad + "'"), std::string::npos) << p.error().message;
  }
  EXPECT_TRUE(TrustedProxies::parse({"10.0.0.1", "fd00::1"}));
}

TEST(TrustedProxiesTest, AnUntrustedPeerIsItsOwnAddressWhateverItSays) {
  const auto p = proxies({"10.0.0.1"});
  EXPECT_EQ(p.clientAddress("192.0.2.7", {"198.51.100.1"}), "192.0.2.7");
  EXPECT_EQ(p.clientAddress("192.0.2.7", {}), "192.0.2.7");
  EXPECT_EQ(TrustedProxies().clientAddress("10.0.0.1", {"198.51.100.1"}), "10.0.0.1");
}

TEST(TrustedProxiesTest, TheBalancersLastEntryCountsNotTheClientsEarlierOnes) {
  const auto p = proxies({"10.0.0.1", "fd00::1"});
  EXPECT_EQ(p.clientAddress("10.0.0.1", {"198.51.100.1"}), "198.51.100.1");
  // What the client sent itself comes first, in the same line or a line of its own.
  EXPECT_EQ(p.clientAddress("10.0.0.1", {"6.6.6.6, 198.51.100.1"}), "198.51.100.1");
  EXPECT_EQ(p.clientAddress("10.0.0.1", {"6.6.6.6", "198.51.100.1"}), "198.51.100.1");
  EXPECT_EQ(p.clientAddress("fd00::1", {"2001:db8::7"}), "2001:db8::7");
  // IPv4 through an IPv6 socket is the same client as plain IPv4.
  EXPECT_EQ(p.clientAddress("::ffff:10.0.0.1", {"::ffff:198.51.100.1"}), "198.51.100.1");
}

TEST(TrustedProxiesTest, ATrustedPeerNamingNoValidAddressIsTakenAtItsOwn) {
  const auto p = proxies({"10.0.0.1"});
  EXPECT_EQ(p.clientAddress("10.0.0.1", {}), "10.0.0.1");
  EXPECT_EQ(p.clientAddress("10.0.0.1", {"198.51.100.1, unknown"}), "10.0.0.1");
  EXPECT_EQ(p.clientAddress("10.0.0.1", {""}), "10.0.0.1");
}

}  // namespace
}  // namespace kiosk::central
