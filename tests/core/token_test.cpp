#include "kiosk/core/token.h"

#include <gtest/gtest.h>

#include <random>

#include "kiosk/core/encoding.h"

namespace kiosk {
namespace {

const TimePoint kNow = fromUnixSeconds(1'795'000'000);

struct Fixture {
  SigningKey key = generateSigningKey(0x1234abcd, 1, kNow);
  TokenClaims claims{1, 0x1234abcd, 42, kNow - std::chrono::hours(24),
                     kNow + std::chrono::hours(72)};
  std::string text = issueToken(claims, key);
};

TEST(Token, ValidTokenRoundTrips) {
  Fixture f;
  auto parsed = parseToken(f.text);
  ASSERT_TRUE(std::holds_alternative<ParsedToken>(parsed));
  const auto& t = std::get<ParsedToken>(parsed);
  EXPECT_EQ(t.claims, f.claims);
  EXPECT_TRUE(verifyTokenSignature(t, f.key.publicKey));
  EXPECT_EQ(t.tokenId().size(), 16u);
}

TEST(Token, IsShortAndInTheQrAlphanumericSet) {
  Fixture f;
  EXPECT_EQ(f.text.size(), 137u);
  for (char c : f.text) {
    EXPECT_NE(std::string_view("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:").find(c),
              std::string_view::npos)
        << c;
  }
}

TEST(Token, EveryAlteredCharacterIsRejected) {
  Fixture f;
  for (std::size_t i = kTokenPrefix.size(); i < f.text.size(); ++i) {
    std::string altered = f.text;
    altered[i] = altered[i] == 'A' ? 'B' : 'A';
    auto parsed = parseToken(altered);
    if (auto* t = std::get_if<ParsedToken>(&parsed)) {
      EXPECT_FALSE(verifyTokenSignature(*t, f.key.publicKey)) << "position " << i;
    } else {
      // The first characters carry the version byte.
      EXPECT_NE(std::get<TokenProblem>(parsed), TokenProblem::kNotAToken) << "position " << i;
    }
  }
}

TEST(Token, AlteredBodyByteFailsVerification) {
  Fixture f;
  auto t = std::get<ParsedToken>(parseToken(f.text));
  t.body[10] ^= 0x01;  // guest id 42 -> 43
  EXPECT_FALSE(verifyTokenSignature(t, f.key.publicKey));
}

TEST(Token, WrongKeyFailsVerification) {
  Fixture f;
  const auto other = generateSigningKey(0x1234abcd, 1, kNow);
  EXPECT_FALSE(verifyTokenSignature(std::get<ParsedToken>(parseToken(f.text)), other.publicKey));
}

TEST(Token, TruncatedIsMalformed) {
  Fixture f;
  for (std::size_t len : {3ul, 4ul, 5ul, 60ul, f.text.size() - 1}) {
    auto parsed = parseToken(f.text.substr(0, len));
    ASSERT_TRUE(std::holds_alternative<TokenProblem>(parsed)) << len;
    EXPECT_EQ(std::get<TokenProblem>(parsed), TokenProblem::kMalformed) << len;
  }
}

TEST(Token, NonUtf8IsMalformed) {
  Fixture f;
  std::string bad = f.text;
  bad[20] = static_cast<char>(0xff);
  EXPECT_EQ(std::get<TokenProblem>(parseToken(bad)), TokenProblem::kMalformed);
  EXPECT_EQ(std::get<TokenProblem>(parseToken("KT1:\xc3\x28")), TokenProblem::kMalformed);
}

TEST(Token, GarbageIsNotAToken) {
  std::mt19937 rng(7);
  std::string garbage(4096, '\0');
  for (auto& c : garbage) {
    c = static_cast<char>(rng());
  }
  garbage[0] = 'x';
  EXPECT_EQ(std::get<TokenProblem>(parseToken(garbage)), TokenProblem::kNotAToken);
  garbage.replace(0, 4, "KT1:");
  EXPECT_EQ(std::get<TokenProblem>(parseToken(garbage)), TokenProblem::kMalformed);
}

TEST(Token, OtherVersionIsUnsupported) {
  Fixture f;
  std::string v2 = f.text;
  v2[2] = '2';
  EXPECT_EQ(std::get<TokenProblem>(parseToken(v2)), TokenProblem::kUnsupportedVersion);
}

TEST(Token, TrailingNewlineFromScannerIsAccepted) {
  Fixture f;
  EXPECT_TRUE(std::holds_alternative<ParsedToken>(parseToken(f.text + "\r\n")));
}

TEST(Token, IssueRefusesMismatchedKey) {
  Fixture f;
  TokenClaims other = f.claims;
  other.eventId = 7;
  EXPECT_THROW(issueToken(other, f.key), std::invalid_argument);
}

}  // namespace
}  // namespace kiosk
