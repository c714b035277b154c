// Discovery's probe frames: checked field by field and checksum by checksum,
// and their replies (the probe turned around, as a host's stack answers)
// read back by ParseFrame.
#include "discovery/ping_frames.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "net/packet.h"
#include "net/wire.h"

namespace tj {
namespace {

using Frame = std::vector<uint8_t>;

Address A(const char* text) { return *Address::Parse(text); }

FrameHead Head(const char* src, const char* dst) {
  FrameHead h;
  h.src_mac = MacAddr{{2, 0, 0, 0, 0, 1}};
  h.dst_mac = MacAddr{{2, 0, 0, 0, 0, 2}};
  h.src = A(src);
  h.dst = A(dst);
  return h;
}

// The sum of an upper-layer packet with its pseudo-header; zero after
// ChecksumFinish when the packet's checksum is right.
uint16_t PseudoSum(const Frame& f, size_t ip_len, uint8_t proto) {
  const bool v6 = ip_len == 40;
  const uint8_t* ip = &f[14];
  const size_t l4_len = v6 ? wire::Load16(ip + 4) : wire::Load16(ip + 2) - 20;
  uint32_t sum = wire::ChecksumAdd(ip + (v6 ? 8 : 12), v6 ? 32 : 8);
  Frame tail = {0, 0, static_cast<uint8_t>(l4_len >> 8), static_cast<uint8_t>(l4_len), 0, 0, 0, proto};
  sum = wire::ChecksumAdd(tail.data(), tail.size(), sum);
  return wire::ChecksumFinish(wire::ChecksumAdd(ip + ip_len, l4_len, sum));
}

// What the host's stack sends back: addresses swapped, the reply type, the
// checksum recomputed (ICMPv4 only here).
Frame TurnAround(Frame f, uint8_t reply_type) {
  uint8_t* ip = &f[14];
  std::swap_ranges(ip + 12, ip + 16, ip + 16);
  ip[10] = ip[11] = 0;
  wire::Store16(ip + 10, wire::ChecksumFinish(wire::ChecksumAdd(ip, 20)));
  uint8_t* icmp = ip + 20;
  const size_t len = wire::Load16(ip + 2) - 20;
  icmp[0] = reply_type;
  icmp[2] = icmp[3] = 0;
  wire::Store16(icmp + 2, wire::ChecksumFinish(wire::ChecksumAdd(icmp, len)));
  return f;
}

TEST(PingFrames, EchoRequestV4) {
  Frame f = IcmpEchoFrame(Head("198.18.0.1", "198.18.1.1"), 0x1234, 0xbeef);
  ASSERT_GE(f.size(), 60u);
  EXPECT_EQ(wire::Load16(&f[12]), 0x0800);
  const uint8_t* ip = &f[14];
  EXPECT_EQ(ip[0], 0x45);
  EXPECT_EQ(wire::Load16(ip + 2), 28);
  EXPECT_EQ(ip[9], 1);
  EXPECT_EQ(wire::ChecksumFinish(wire::ChecksumAdd(ip, 20)), 0);
  const uint8_t* icmp = ip + 20;
  EXPECT_EQ(icmp[0], 8);
  EXPECT_EQ(wire::Load16(icmp + 4), 0x1234);
  EXPECT_EQ(wire::Load16(icmp + 6), 0xbeef);
  EXPECT_EQ(wire::ChecksumFinish(wire::ChecksumAdd(icmp, 8)), 0);

  ParseStats st;
  auto r = ParseFrame(TurnAround(f, 0), &st);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, Reply::Kind::kIcmpEchoReply);
  EXPECT_EQ(r->src, A("198.18.1.1"));
  EXPECT_EQ(r->sport, 0x1234);
  EXPECT_EQ(r->seq, 0xbeefu);
}

TEST(PingFrames, TimestampRequestAndItsReply) {
  Frame f = IcmpTimestampFrame(Head("198.18.0.1", "198.18.1.4"), 7, 9);
  const uint8_t* ip = &f[14];
  EXPECT_EQ(wire::Load16(ip + 2), 20 + 20);  // 8-byte header, three 4-byte times
  const uint8_t* icmp = ip + 20;
  EXPECT_EQ(icmp[0], 13);
  EXPECT_EQ(wire::ChecksumFinish(wire::ChecksumAdd(icmp, 20)), 0);

  ParseStats st;
  auto r = ParseFrame(TurnAround(f, 14), &st);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, Reply::Kind::kIcmpTimestampReply);
  EXPECT_EQ(r->src, A("198.18.1.4"));
  EXPECT_EQ(r->sport, 7);
  EXPECT_EQ(r->seq, 9u);
  // A timestamp request (type 13) is nobody's reply.
  EXPECT_FALSE(ParseFrame(TurnAround(f, 13), &st));
}

TEST(PingFrames, EchoRequestV6HasThePseudoHeaderChecksum) {
  Frame f = IcmpEchoFrame(Head("2001:2::1", "2001:2:1::1"), 1, 2);
  EXPECT_EQ(wire::Load16(&f[12]), 0x86dd);
  const uint8_t* ip = &f[14];
  EXPECT_EQ(ip[0] >> 4, 6);
  EXPECT_EQ(wire::Load16(ip + 4), 8);
  EXPECT_EQ(ip[6], 58);
  EXPECT_EQ(ip[40], 128);
  EXPECT_EQ(PseudoSum(f, 40, 58), 0);
}

TEST(PingFrames, UdpDatagramHasPortsAndChecksumOnBothFamilies) {
  Frame f4 = UdpFrame(Head("198.18.0.1", "198.18.1.1"), 20002, 40125);
  const uint8_t* udp = &f4[14 + 20];
  EXPECT_EQ(wire::Load16(udp), 20002);
  EXPECT_EQ(wire::Load16(udp + 2), 40125);
  EXPECT_EQ(wire::Load16(udp + 4), 8);
  EXPECT_NE(wire::Load16(udp + 6), 0);
  EXPECT_EQ(PseudoSum(f4, 20, 17), 0);
  Frame f6 = UdpFrame(Head("2001:2::1", "2001:2:1::1"), 20002, 40125);
  EXPECT_EQ(PseudoSum(f6, 40, 17), 0);
}

}  // namespace
}  // namespace tj
