#include "kiosk/core/encoding.h"

#include <gtest/gtest.h>

namespace kiosk {
namespace {

Bytes bytesOf(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

TEST(Base32, Rfc4648Vectors) {
  EXPECT_EQ(base32Encode(bytesOf("")), "");
  EXPECT_EQ(base32Encode(bytesOf("f")), "MY");
  EXPECT_EQ(base32Encode(bytesOf("fo")), "MZXQ");
  EXPECT_EQ(base32Encode(bytesOf("foo")), "MZXW6");
  EXPECT_EQ(base32Encode(bytesOf("foob")), "MZXW6YQ");
  EXPECT_EQ(base32Encode(bytesOf("fooba")), "MZXW6YTB");
  EXPECT_EQ(base32Encode(bytesOf("foobar")), "MZXW6YTBOI");
  EXPECT_EQ(*base32Decode("MZXW6YTBOI"), bytesOf("foobar"));
  EXPECT_EQ(*base32Decode("mzxw6ytboi"), bytesOf("foobar"));
}

TEST(Base32, RejectsNonCanonicalAndForeignCharacters) {
  EXPECT_FALSE(base32Decode("MZ"));         // "MY" is canonical for "f": trailing bits set
  EXPECT_FALSE(base32Decode("MZXW6YTBO"));  // 9 chars: 5 leftover bits
  EXPECT_FALSE(base32Decode("MZ0="));
}

TEST(Hex, RoundTrip) {
  const Bytes b{0x00, 0x7f, 0xff, 0x10};
  EXPECT_EQ(hexEncode(b), "007fff10");
  EXPECT_EQ(*hexDecode("007FFF10"), b);
  EXPECT_FALSE(hexDecode("0"));
  EXPECT_FALSE(hexDecode("zz"));
}

TEST(Utf8, Validation) {
  EXPECT_TRUE(isValidUtf8("plain"));
  EXPECT_TRUE(isValidUtf8("张伟 𠮷 㛃"));
  EXPECT_FALSE(isValidUtf8("\xff"));
  EXPECT_FALSE(isValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(isValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(isValidUtf8("\xe4\xb8"));          // truncated
  EXPECT_FALSE(isValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
}

TEST(Sha256, KnownVector) {
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace kiosk
