#include "engine/cookie.h"

#include <gtest/gtest.h>

#include <set>

namespace tj {
namespace {

// SipHash-2-4 with key 00 01 .. 0f over the messages 00 01 .. (n-1), n =
// 0..63: the published test vectors of the SipHash reference implementation
// (vectors.h, the 64-bit outputs read as little-endian integers).
constexpr uint64_t kVectors[64] = {
    0x726fdb47dd0e0e31ull, 0x74f839c593dc67fdull, 0x0d6c8009d9a94f5aull, 0x85676696d7fb7e2dull,
    0xcf2794e0277187b7ull, 0x18765564cd99a68dull, 0xcbc9466e58fee3ceull, 0xab0200f58b01d137ull,
    0x93f5f5799a932462ull, 0x9e0082df0ba9e4b0ull, 0x7a5dbbc594ddb9f3ull, 0xf4b32f46226bada7ull,
    0x751e8fbc860ee5fbull, 0x14ea5627c0843d90ull, 0xf723ca908e7af2eeull, 0xa129ca6149be45e5ull,
    0x3f2acc7f57c29bdbull, 0x699ae9f52cbe4794ull, 0x4bc1b3f0968dd39cull, 0xbb6dc91da77961bdull,
    0xbed65cf21aa2ee98ull, 0xd0f2cbb02e3b67c7ull, 0x93536795e3a33e88ull, 0xa80c038ccd5ccec8ull,
    0xb8ad50c6f649af94ull, 0xbce192de8a85b8eaull, 0x17d835b85bbb15f3ull, 0x2f2e6163076bcfadull,
    0xde4daaaca71dc9a5ull, 0xa6a2506687956571ull, 0xad87a3535c49ef28ull, 0x32d892fad841c342ull,
    0x7127512f72f27cceull, 0xa7f32346f95978e3ull, 0x12e0b01abb051238ull, 0x15e034d40fa197aeull,
    0x314dffbe0815a3b4ull, 0x027990f029623981ull, 0xcadcd4e59ef40c4dull, 0x9abfd8766a33735cull,
    0x0e3ea96b5304a7d0ull, 0xad0c42d6fc585992ull, 0x187306c89bc215a9ull, 0xd4a60abcf3792b95ull,
    0xf935451de4f21df2ull, 0xa9538f0419755787ull, 0xdb9acddff56ca510ull, 0xd06c98cd5c0975ebull,
    0xe612a3cb9ecba951ull, 0xc766e62cfcadaf96ull, 0xee64435a9752fe72ull, 0xa192d576b245165aull,
    0x0a8787bf8ecb74b2ull, 0x81b3e73d20b49b6full, 0x7fa8220ba3b2eceaull, 0x245731c13ca42499ull,
    0xb78dbfaf3a8d83bdull, 0xea1ad565322a1a0bull, 0x60e61c23a3795013ull, 0x6606d7e446282b93ull,
    0x6ca4ecb15c5f91e1ull, 0x9f626da15c9625f3ull, 0xe51b38608ef25f57ull, 0x958a324ceb064572ull,
};

std::array<uint8_t, 16> SequentialKey() {
  std::array<uint8_t, 16> key;
  for (int i = 0; i < 16; ++i) key[i] = static_cast<uint8_t>(i);
  return key;
}

Address A(const char* text) { return *Address::Parse(text); }

TEST(SipHash, ReferenceVectors) {
  uint8_t msg[64];
  for (int i = 0; i < 64; ++i) msg[i] = static_cast<uint8_t>(i);
  const uint64_t k0 = 0x0706050403020100ull, k1 = 0x0f0e0d0c0b0a0908ull;
  for (size_t n = 0; n < 64; ++n) EXPECT_EQ(SipHash24(k0, k1, msg, n), kVectors[n]) << "length " << n;
}

TEST(Cookie, KeyBytesAreLittleEndianWords) {
  // Hash() of a known key must be SipHash24 under the reference byte order,
  // or the test vectors above would not vouch for it.
  CookieKey key(SequentialKey());
  Address them = A("198.18.0.1"), us = A("198.18.0.2");
  // family, 16 address bytes (IPv4 first), big-endian port; them, then us.
  const uint8_t buf[38] = {
      4, 198, 18, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,    80,
      4, 198, 18, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xc3, 0x50,
  };
  EXPECT_EQ(key.Hash(them, 80, us, 50000),
            SipHash24(0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull, buf, sizeof buf));
}

TEST(Cookie, DeterministicForOneKey) {
  CookieKey key(SequentialKey());
  Address them = A("2001:db8::1"), us = A("2001:db8::2");
  EXPECT_EQ(key.Hash(them, 443, us, 40000), key.Hash(them, 443, us, 40000));
  EXPECT_EQ(key.Cookie(them, 443, us, 40000), static_cast<uint32_t>(key.Hash(them, 443, us, 40000)));
}

TEST(Cookie, DifferentKeysDiffer) {
  Address them = A("198.18.0.1"), us = A("198.18.0.2");
  std::array<uint8_t, 16> other = SequentialKey();
  other[15] ^= 1;
  EXPECT_NE(CookieKey(SequentialKey()).Hash(them, 80, us, 1234), CookieKey(other).Hash(them, 80, us, 1234));
  // Fresh random keys: a collision of 64-bit outputs would be a broken RNG.
  std::set<uint64_t> seen;
  for (int i = 0; i < 16; ++i) seen.insert(CookieKey::Random().Hash(them, 80, us, 1234));
  EXPECT_EQ(seen.size(), 16u);
}

TEST(Cookie, EveryFieldMatters) {
  CookieKey key(SequentialKey());
  Address them = A("198.18.0.1"), us = A("198.18.0.2");
  const uint64_t base = key.Hash(them, 80, us, 40000);
  EXPECT_NE(base, key.Hash(A("198.18.0.3"), 80, us, 40000));
  EXPECT_NE(base, key.Hash(A("199.18.0.1"), 80, us, 40000));
  EXPECT_NE(base, key.Hash(them, 81, us, 40000));
  EXPECT_NE(base, key.Hash(them, 80 + 256, us, 40000));  // high port byte
  EXPECT_NE(base, key.Hash(them, 80, A("198.18.0.4"), 40000));
  EXPECT_NE(base, key.Hash(them, 80, us, 40001));
  // Direction matters: a reply's (source, destination) is our probe's swapped.
  EXPECT_NE(base, key.Hash(us, 40000, them, 80));
  // Family alone: the same 16 bytes labelled IPv6 instead of IPv4.
  std::array<uint8_t, 16> bytes = them.bytes();
  EXPECT_NE(base, key.Hash(Address::V6(bytes), 80, us, 40000));
  // Every bit of an IPv6 address counts, down to the last byte.
  Address v6 = A("2001:db8::1");
  EXPECT_NE(key.Hash(v6, 80, us, 40000), key.Hash(A("2001:db8::2"), 80, us, 40000));
  EXPECT_NE(key.Hash(v6, 80, us, 40000), key.Hash(A("2001:db9::1"), 80, us, 40000));
}

TEST(Cookie, V4DiffersFromV4MappedV6) {
  CookieKey key(SequentialKey());
  Address us = A("198.18.0.2");
  EXPECT_NE(key.Hash(A("198.18.0.1"), 80, us, 40000), key.Hash(A("::ffff:198.18.0.1"), 80, us, 40000));
}

TEST(Cookie, SpreadsOverPorts) {
  // Cookies go in sequence numbers: consecutive ports must not give
  // consecutive or repeated values.
  CookieKey key(SequentialKey());
  Address them = A("198.18.0.1"), us = A("198.18.0.2");
  std::set<uint32_t> seen;
  for (int port = 0; port < 65536; ++port)
    seen.insert(key.Cookie(them, static_cast<uint16_t>(port), us, 40000));
  EXPECT_GE(seen.size(), 65530u);  // ~0.5 32-bit collisions expected
}

}  // namespace
}  // namespace tj
