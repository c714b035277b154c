// The ARP and neighbour discovery frames: requests laid out as RFC 826 and
// RFC 4861 say, and answers (built here byte by byte) read defensively.
#include "net/neighbour_frames.h"

#include <gtest/gtest.h>

#include "net/wire.h"

namespace tj {
namespace {

using Frame = std::vector<uint8_t>;

Address A(const char* text) { return *Address::Parse(text); }
const MacAddr kUs{{0x02, 0, 0, 0, 0, 0x01}};
const MacAddr kThem{{0x02, 0, 0, 0, 0, 0x02}};

void Put(Frame& f, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) f.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void PutBytes(Frame& f, const uint8_t* p, size_t n) { f.insert(f.end(), p, p + n); }

Frame Ethernet(const MacAddr& dst, const MacAddr& src, uint16_t type) {
  Frame f;
  PutBytes(f, dst.b.data(), 6);
  PutBytes(f, src.b.data(), 6);
  Put(f, type, 2);
  return f;
}

Frame ArpReply(const MacAddr& sender, const char* sender_ip, uint16_t op = 2) {
  Frame f = Ethernet(kUs, sender, 0x0806);
  Put(f, 1, 2), Put(f, 0x0800, 2), Put(f, 6, 1), Put(f, 4, 1), Put(f, op, 2);
  PutBytes(f, sender.b.data(), 6);
  PutBytes(f, A(sender_ip).bytes().data(), 4);
  PutBytes(f, kUs.b.data(), 6);
  PutBytes(f, A("198.18.0.1").bytes().data(), 4);
  return f;
}

// A neighbour advertisement for target, with `options` after its 24 bytes.
Frame Advert(const char* target, const Frame& options, uint8_t hop_limit = 255) {
  Frame f = Ethernet(kUs, kThem, 0x86dd);
  Put(f, 6u << 28, 4), Put(f, 24 + options.size(), 2), Put(f, 58, 1), Put(f, hop_limit, 1);
  PutBytes(f, A(target).bytes().data(), 16);
  PutBytes(f, A("2001:2::1").bytes().data(), 16);
  Put(f, 136, 1), Put(f, 0, 1), Put(f, 0, 2), Put(f, 0x60000000, 4);  // solicited, override
  PutBytes(f, A(target).bytes().data(), 16);
  f.insert(f.end(), options.begin(), options.end());
  return f;
}

TEST(NeighbourFrames, ArpRequestAsksForTheTargetByBroadcast) {
  Frame f = ArpRequestFrame(kUs, A("198.18.0.1"), A("198.18.0.7"));
  ASSERT_EQ(f.size(), 60u);
  EXPECT_EQ(Frame(f.begin(), f.begin() + 6), Frame(6, 0xff));
  EXPECT_EQ(wire::Load16(&f[12]), 0x0806);
  EXPECT_EQ(wire::Load16(&f[14 + 6]), 1);  // request
  EXPECT_EQ(Frame(f.begin() + 14 + 8, f.begin() + 14 + 14), Frame(kUs.b.begin(), kUs.b.end()));
  EXPECT_EQ(Frame(f.begin() + 14 + 24, f.begin() + 14 + 28), (Frame{198, 18, 0, 7}));
}

TEST(NeighbourFrames, SolicitationGoesToTheSolicitedNodeGroupWithAValidChecksum) {
  Frame f = NeighbourSolicitFrame(kUs, A("2001:2::1"), A("2001:2::abcd:1234"));
  ASSERT_EQ(f.size(), 14u + 40 + 32);
  EXPECT_EQ(Frame(f.begin(), f.begin() + 6), (Frame{0x33, 0x33, 0xff, 0xcd, 0x12, 0x34}));
  EXPECT_EQ(f[14 + 7], 255);  // hop limit
  const uint8_t* ip = &f[14];
  uint32_t sum = wire::ChecksumAdd(ip + 8, 32);
  Frame tail = {0, 0, 0, 32, 0, 0, 0, 58};
  sum = wire::ChecksumAdd(tail.data(), tail.size(), sum);
  sum = wire::ChecksumAdd(ip + 40, 32, sum);
  EXPECT_EQ(wire::ChecksumFinish(sum), 0) << "the checksum field makes the sum all ones";
}

TEST(NeighbourFrames, ArpAnswersNameTheirSender) {
  auto n = ParseArp(ArpReply(kThem, "198.18.0.3"));
  ASSERT_TRUE(n);
  EXPECT_EQ(n->addr, A("198.18.0.3"));
  EXPECT_EQ(n->mac, kThem);
  EXPECT_TRUE(ParseArp(ArpReply(kThem, "198.18.0.3", 1))) << "a request also shows its sender is there";
  EXPECT_FALSE(ParseArp(ArpReply(kThem, "198.18.0.3", 3))) << "RARP";
  EXPECT_FALSE(ParseArp(ArpReply(MacAddr{}, "198.18.0.3"))) << "zero MAC";
  Frame cut = ArpReply(kThem, "198.18.0.3");
  cut.resize(14 + 27);
  EXPECT_FALSE(ParseArp(cut));
  Frame not_arp = ArpReply(kThem, "198.18.0.3");
  not_arp[13] = 0x00;  // ethertype 0x0800
  EXPECT_FALSE(ParseArp(not_arp));
}

TEST(NeighbourFrames, AdvertTakesTheTargetLinkLayerOptionElseTheFrameSource) {
  const MacAddr other{{0x0a, 0xbb, 0xcc, 0xdd, 0xee, 0xff}};
  Frame tlla = {2, 1};
  tlla.insert(tlla.end(), other.b.begin(), other.b.end());
  auto n = ParseNeighbourAdvert(Advert("2001:2::3", tlla));
  ASSERT_TRUE(n);
  EXPECT_EQ(n->addr, A("2001:2::3"));
  EXPECT_EQ(n->mac, other);
  n = ParseNeighbourAdvert(Advert("2001:2::3", {}));
  ASSERT_TRUE(n);
  EXPECT_EQ(n->mac, kThem);
  // Another option first (a nonce, type 14), then the link-layer one.
  Frame two = {14, 1, 1, 2, 3, 4, 5, 6};
  two.insert(two.end(), tlla.begin(), tlla.end());
  EXPECT_EQ(ParseNeighbourAdvert(Advert("2001:2::3", two))->mac, other);
}

TEST(NeighbourFrames, AdvertsThatLieAreRefused) {
  EXPECT_FALSE(ParseNeighbourAdvert(Advert("2001:2::3", {}, 64))) << "crossed a router";
  Frame zero_len = {2, 0, 1, 2, 3, 4, 5, 6};  // a zero-length option must not loop forever
  auto n = ParseNeighbourAdvert(Advert("2001:2::3", zero_len));
  ASSERT_TRUE(n);
  EXPECT_EQ(n->mac, kThem);
  Frame cut = Advert("2001:2::3", {});
  cut.resize(cut.size() - 1);
  EXPECT_FALSE(ParseNeighbourAdvert(cut));
  Frame solicit = Advert("2001:2::3", {});
  solicit[14 + 40] = 135;
  EXPECT_FALSE(ParseNeighbourAdvert(solicit));
  // A payload length beyond the frame: only what is there is read.
  Frame longer = Advert("2001:2::3", {2, 1, 1, 2, 3, 4, 5, 6});
  longer[14 + 4] = 0x10;
  EXPECT_TRUE(ParseNeighbourAdvert(longer));
}

}  // namespace
}  // namespace tj
