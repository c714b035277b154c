// TcpTemplate: every field of the frames it builds, and checksums that hold
// when recomputed from scratch for any per-probe values. The parser's own
// cases are in packet_parse_test.cc.
#include "net/packet.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "net/wire.h"

namespace tj {
namespace {

using wire::Load16;
using wire::Load32;

const MacAddr kOurMac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}};
const MacAddr kGwMac{{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}};

Address A(const char* text) { return *Address::Parse(text); }

TcpTemplateParams Params(const Address& src) {
  TcpTemplateParams p;
  p.src_mac = kOurMac;
  p.dst_mac = kGwMac;
  p.src = src;
  p.ttl = 57;
  p.window = 1024;
  return p;
}

// The TCP checksum as RFC 793 / RFC 8200 define it, summed over a
// pseudo-header laid out byte by byte rather than with the template's
// shortcuts, and with the checksum field zero.
uint16_t TcpChecksumFromScratch(const uint8_t* frame, size_t len) {
  const bool v6 = Load16(frame + 12) == 0x86dd;
  const uint8_t* ip = frame + 14;
  const size_t ip_len = v6 ? 40 : size_t{ip[0] & 0x0fu} * 4;
  std::vector<uint8_t> seg(ip + ip_len, frame + len);
  seg[16] = seg[17] = 0;
  std::vector<uint8_t> pseudo;
  auto put = [&pseudo](uint32_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) pseudo.push_back(static_cast<uint8_t>(v >> (8 * i)));
  };
  if (v6) {
    pseudo.assign(ip + 8, ip + 40);  // source and destination
    put(static_cast<uint32_t>(seg.size()), 4);
    put(6, 4);  // three zero bytes, next header
  } else {
    pseudo.assign(ip + 12, ip + 20);
    put(6, 2);  // zero byte, protocol
    put(static_cast<uint32_t>(seg.size()), 2);
  }
  pseudo.insert(pseudo.end(), seg.begin(), seg.end());
  return wire::ChecksumFinish(wire::ChecksumAdd(pseudo.data(), pseudo.size()));
}

// Both checksums of a filled frame: equal to a from-scratch computation,
// and the header and segment as sent sum to 0xffff.
void ExpectChecksumsHold(const uint8_t* f, size_t len) {
  const bool v6 = Load16(f + 12) == 0x86dd;
  const size_t tcp = 14 + (v6 ? 40 : 20);
  if (!v6) {
    ASSERT_EQ(wire::ChecksumFinish(wire::ChecksumAdd(f + 14, 20)), 0) << "IPv4 header checksum";
  }
  ASSERT_EQ(Load16(f + tcp + 16), TcpChecksumFromScratch(f, len)) << "TCP checksum";
}

TEST(TcpTemplate, Ipv4SynEveryField) {
  TcpTemplate t(Params(A("198.18.0.1")));
  std::array<uint8_t, TcpTemplate::kMaxFrame> f;
  const size_t len = t.Fill(f.data(), A("198.18.7.9"), 40000, 443, 0x11223344, 0);
  ASSERT_EQ(len, 14u + 20 + 24);
  // Ethernet
  EXPECT_EQ(0, std::memcmp(f.data(), kGwMac.b.data(), 6));
  EXPECT_EQ(0, std::memcmp(f.data() + 6, kOurMac.b.data(), 6));
  EXPECT_EQ(Load16(&f[12]), 0x0800);
  // IPv4
  const uint8_t* ip = &f[14];
  EXPECT_EQ(ip[0], 0x45);
  EXPECT_EQ(ip[1], 0);                         // DSCP/ECN
  EXPECT_EQ(Load16(ip + 2), 44);               // total length
  EXPECT_EQ(Load16(ip + 4), 0x1122 ^ 0x3344);  // ID from the sequence number
  EXPECT_EQ(Load16(ip + 6), 0x4000);           // DF, offset 0
  EXPECT_EQ(ip[8], 57);
  EXPECT_EQ(ip[9], 6);
  EXPECT_EQ(Load32(ip + 12), 0xc6120001u);
  EXPECT_EQ(Load32(ip + 16), 0xc6120709u);
  // TCP
  const uint8_t* tcp = ip + 20;
  EXPECT_EQ(Load16(tcp), 40000);
  EXPECT_EQ(Load16(tcp + 2), 443);
  EXPECT_EQ(Load32(tcp + 4), 0x11223344u);
  EXPECT_EQ(Load32(tcp + 8), 0u);
  EXPECT_EQ(tcp[12], 6 << 4);  // data offset: 6 words
  EXPECT_EQ(tcp[13], tcpflag::kSyn);
  EXPECT_EQ(Load16(tcp + 14), 1024);
  EXPECT_EQ(Load16(tcp + 18), 0);  // urgent pointer
  EXPECT_EQ(tcp[20], 2);           // MSS option
  EXPECT_EQ(tcp[21], 4);
  EXPECT_EQ(Load16(tcp + 22), 1460);
  ExpectChecksumsHold(f.data(), len);
}

TEST(TcpTemplate, Ipv6SynEveryField) {
  TcpTemplate t(Params(A("2001:db8::1")));
  std::array<uint8_t, TcpTemplate::kMaxFrame> f;
  const Address dst = A("2001:db8:ffff::9");
  const size_t len = t.Fill(f.data(), dst, 61000, 22, 0xfedcba98, 0x01020304);
  ASSERT_EQ(len, 14u + 40 + 24);
  EXPECT_EQ(0, std::memcmp(f.data(), kGwMac.b.data(), 6));
  EXPECT_EQ(0, std::memcmp(f.data() + 6, kOurMac.b.data(), 6));
  EXPECT_EQ(Load16(&f[12]), 0x86dd);
  const uint8_t* ip = &f[14];
  EXPECT_EQ(Load32(ip), 0x60000000u);  // version 6, traffic class 0, flow label 0
  EXPECT_EQ(Load16(ip + 4), 24);       // payload length
  EXPECT_EQ(ip[6], 6);                 // next header: TCP
  EXPECT_EQ(ip[7], 57);                // hop limit
  EXPECT_EQ(0, std::memcmp(ip + 8, A("2001:db8::1").bytes().data(), 16));
  EXPECT_EQ(0, std::memcmp(ip + 24, dst.bytes().data(), 16));
  const uint8_t* tcp = ip + 40;
  EXPECT_EQ(Load16(tcp), 61000);
  EXPECT_EQ(Load16(tcp + 2), 22);
  EXPECT_EQ(Load32(tcp + 4), 0xfedcba98u);
  EXPECT_EQ(Load32(tcp + 8), 0x01020304u);
  EXPECT_EQ(tcp[12], 6 << 4);
  EXPECT_EQ(tcp[13], tcpflag::kSyn);
  EXPECT_EQ(Load16(tcp + 14), 1024);
  EXPECT_EQ(Load16(tcp + 18), 0);
  EXPECT_EQ(tcp[20], 2);
  EXPECT_EQ(tcp[21], 4);
  EXPECT_EQ(Load16(tcp + 22), 1440);
  ExpectChecksumsHold(f.data(), len);
}

TEST(TcpTemplate, OtherFlagsWithoutOptions) {
  for (const char* src : {"10.0.0.1", "fd00::1"}) {
    TcpTemplateParams p = Params(A(src));
    p.flags = tcpflag::kFin | tcpflag::kPsh | tcpflag::kUrg;  // Xmas
    p.window = 0;
    p.mss_option = false;
    TcpTemplate t(p);
    std::array<uint8_t, TcpTemplate::kMaxFrame> f;
    const Address dst = A(p.src.is_v4() ? "10.9.8.7" : "fd00::99");
    const size_t len = t.Fill(f.data(), dst, 1, 65535, 0, 0xffffffff);
    const size_t tcp = p.src.is_v4() ? 34 : 54;
    ASSERT_EQ(len, tcp + 20) << src;
    EXPECT_EQ(f[tcp + 12], 5 << 4);
    EXPECT_EQ(f[tcp + 13], 0x29);
    EXPECT_EQ(Load16(&f[tcp + 14]), 0);
    // IPv4 total length or IPv6 payload length
    EXPECT_EQ(p.src.is_v4() ? Load16(&f[16]) : Load16(&f[18]), p.src.is_v4() ? 40 : 20);
    ExpectChecksumsHold(f.data(), len);
  }
}

TEST(TcpTemplate, FillWritesOnlyTheFrame) {
  TcpTemplate t(Params(A("198.18.0.1")));
  std::array<uint8_t, TcpTemplate::kMaxFrame + 8> f;
  f.fill(0xaa);
  const size_t len = t.Fill(f.data(), A("198.18.0.2"), 1, 2, 3, 4);
  for (size_t i = len; i < f.size(); ++i) EXPECT_EQ(f[i], 0xaa) << i;
}

// The incremental sums against full recomputation, over random templates
// and random per-probe fields, including the all-zero and all-ones edges.
TEST(TcpTemplate, ChecksumsHoldForRandomProbes) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 40; ++round) {
    const bool v6 = round % 2;
    std::array<uint8_t, 16> src{};
    for (auto& b : src) b = static_cast<uint8_t>(rng());
    TcpTemplateParams p = Params(v6 ? Address::V6(src) : Address::V4(static_cast<uint32_t>(rng())));
    p.flags = static_cast<uint8_t>(rng());
    p.window = static_cast<uint16_t>(rng());
    p.ttl = static_cast<uint8_t>(rng());
    p.mss_option = round % 4 < 2;
    TcpTemplate t(p);
    std::array<uint8_t, TcpTemplate::kMaxFrame> f;
    for (int i = 0; i < 5000; ++i) {
      std::array<uint8_t, 16> d{};
      const uint64_t r = i < 2 ? (i == 0 ? 0 : ~0ull) : rng();
      for (auto& b : d) b = i < 2 ? static_cast<uint8_t>(r) : static_cast<uint8_t>(rng());
      const Address dst = v6 ? Address::V6(d) : Address::V4(static_cast<uint32_t>(r >> 7));
      const size_t len = t.Fill(f.data(), dst, static_cast<uint16_t>(r), static_cast<uint16_t>(r >> 16),
                                static_cast<uint32_t>(r >> 32), static_cast<uint32_t>(r >> 11));
      ExpectChecksumsHold(f.data(), len);
      if (HasFatalFailure()) return;
    }
  }
}

TEST(TcpTemplate, ParsesBackAsTheReplyItWouldBe) {
  for (const char* pair : {"198.18.0.1 198.18.200.3", "2001:db8::1 2001:db8::abcd"}) {
    std::string s(pair);
    const Address src = A(s.substr(0, s.find(' ')).c_str()), dst = A(s.substr(s.find(' ') + 1).c_str());
    TcpTemplateParams p = Params(src);
    p.flags = tcpflag::kSyn | tcpflag::kAck;
    p.window = 29200;
    TcpTemplate t(p);
    std::array<uint8_t, TcpTemplate::kMaxFrame> f;
    const size_t len = t.Fill(f.data(), dst, 8080, 50123, 777, 0xabcdef01);
    ParseStats stats;
    auto r = ParseFrame(std::span(f.data(), len), &stats);
    ASSERT_TRUE(r) << pair;
    EXPECT_EQ(stats.parsed, 1u);
    EXPECT_EQ(r->kind, Reply::Kind::kTcp);
    EXPECT_EQ(r->src, src);
    EXPECT_EQ(r->dst, dst);
    EXPECT_EQ(r->ttl, 57);
    EXPECT_EQ(r->sport, 8080);
    EXPECT_EQ(r->dport, 50123);
    EXPECT_EQ(r->seq, 777u);
    EXPECT_EQ(r->ack, 0xabcdef01u);
    EXPECT_EQ(r->flags, tcpflag::kSyn | tcpflag::kAck);
    EXPECT_EQ(r->window, 29200);
  }
}

}  // namespace
}  // namespace tj
