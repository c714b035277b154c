#include "net/wire.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace tj::wire {
namespace {

TEST(Wire, LoadsAndStoresBigEndian) {
  uint8_t b[4] = {};
  Store16(b, 0x1234);
  EXPECT_EQ(b[0], 0x12);
  EXPECT_EQ(b[1], 0x34);
  EXPECT_EQ(Load16(b), 0x1234);
  Store32(b, 0xdeadbeef);
  EXPECT_EQ(b[0], 0xde);
  EXPECT_EQ(b[3], 0xef);
  EXPECT_EQ(Load32(b), 0xdeadbeefu);
}

TEST(Checksum, Rfc1071Example) {
  // RFC 1071 section 3: these bytes sum to 0xddf2.
  const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(ChecksumAdd(data, sizeof data), 0xddf2u);
  EXPECT_EQ(ChecksumFinish(ChecksumAdd(data, sizeof data)), 0x220d);
}

TEST(Checksum, RealIpv4Header) {
  // 192.168.0.1 -> 192.168.0.199, UDP, as captured, with its checksum 0xb861.
  uint8_t h[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  EXPECT_EQ(ChecksumFinish(ChecksumAdd(h, sizeof h)), 0);  // a correct header sums to 0xffff
  h[10] = h[11] = 0;
  EXPECT_EQ(ChecksumFinish(ChecksumAdd(h, sizeof h)), 0xb861);
}

TEST(Checksum, OddLengthPadsWithZero) {
  const uint8_t odd[] = {0x12, 0x34, 0x56};
  const uint8_t even[] = {0x12, 0x34, 0x56, 0x00};
  EXPECT_EQ(ChecksumAdd(odd, 3), ChecksumAdd(even, 4));
  EXPECT_EQ(ChecksumAdd(odd, 3), 0x1234u + 0x5600u);
  EXPECT_EQ(ChecksumAdd(odd, 0, 0x42), 0x42u);  // nothing to add
}

TEST(Checksum, ChainedSumsEqualOneSum) {
  std::mt19937 rng(1);
  std::vector<uint8_t> data(1000);
  for (auto& b : data) b = static_cast<uint8_t>(rng());
  const uint32_t whole = ChecksumAdd(data.data(), data.size());
  for (size_t split = 0; split <= data.size(); split += 2) {
    const uint32_t first = ChecksumAdd(data.data(), split);
    EXPECT_EQ(ChecksumAdd(data.data() + split, data.size() - split, first), whole) << split;
  }
}

TEST(Checksum, LongBuffersDoNotOverflow) {
  // 2^20 words of 0xffff overflow a 32-bit accumulator many times over;
  // their one's-complement sum is still 0xffff.
  std::vector<uint8_t> ones(2u << 20, 0xff);
  EXPECT_EQ(ChecksumAdd(ones.data(), ones.size()), 0xffffu);
  EXPECT_EQ(ChecksumFinish(ChecksumAdd(ones.data(), ones.size())), 0);
  // A large incoming sum is folded as well.
  EXPECT_EQ(ChecksumAdd(ones.data(), 2, 0xffffffffu), 0xffffu);
}

TEST(Checksum, FinishFoldsCarries) {
  EXPECT_EQ(ChecksumFinish(0), 0xffff);
  EXPECT_EQ(ChecksumFinish(0xffff), 0);
  EXPECT_EQ(ChecksumFinish(0x1fffe), 0);       // 0xfffe + 1
  EXPECT_EQ(ChecksumFinish(0x12345), 0xdcb9);  // ~(0x2345 + 1)
  EXPECT_EQ(ChecksumFinish(0xffffffffu), 0);   // 0xffff + 0xffff = 0x1fffe -> 0xffff
}

TEST(ChecksumUpdate, Rfc1624Example) {
  // RFC 1624 section 4: eqn. 3 gives 0x0000 where eqn. 2 gave 0xffff.
  EXPECT_EQ(ChecksumUpdate16(0xdd2f, 0x5555, 0x3285), 0x0000);
}

TEST(ChecksumUpdate, UnchangedFieldKeepsChecksum) {
  EXPECT_EQ(ChecksumUpdate16(0x1234, 0xabcd, 0xabcd), 0x1234);
  EXPECT_EQ(ChecksumUpdate32(0x1234, 0xabcdef01, 0xabcdef01), 0x1234);
}

// Patching random words of random packets must give the checksum a full
// recomputation gives, and the patched packet must verify.
TEST(ChecksumUpdate, MatchesFullRecomputation) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 20000; ++trial) {
    std::vector<uint8_t> pkt(8 + 2 * (rng() % 40));
    for (auto& b : pkt) b = static_cast<uint8_t>(rng());
    // The checksum lives in the first word; the field patched is elsewhere.
    Store16(pkt.data(), 0);
    uint16_t csum = ChecksumFinish(ChecksumAdd(pkt.data(), pkt.size()));
    Store16(pkt.data(), csum);
    const size_t at = 2 + 2 * (rng() % (pkt.size() / 2 - 2));
    if (trial % 2 == 0) {
      const uint16_t old_word = Load16(&pkt[at]), new_word = static_cast<uint16_t>(rng());
      Store16(&pkt[at], new_word);
      csum = ChecksumUpdate16(csum, old_word, new_word);
    } else {
      const uint32_t old_value = Load32(&pkt[at]), new_value = static_cast<uint32_t>(rng());
      Store32(&pkt[at], new_value);
      csum = ChecksumUpdate32(csum, old_value, new_value);
    }
    Store16(pkt.data(), 0);
    ASSERT_EQ(csum, ChecksumFinish(ChecksumAdd(pkt.data(), pkt.size()))) << trial;
    Store16(pkt.data(), csum);
    ASSERT_EQ(ChecksumFinish(ChecksumAdd(pkt.data(), pkt.size())), 0) << trial;
  }
}

}  // namespace
}  // namespace tj::wire
