// ParseFrame on hand-built replies, each layer laid out byte by byte here
// so the parser is not checked against its own ideas, and on every way the
// lengths in a frame can lie.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "net/packet.h"

namespace tj {
namespace {

using Frame = std::vector<uint8_t>;

Address A(const char* text) { return *Address::Parse(text); }

void Put(Frame& f, uint32_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) f.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
Frame Cat(Frame a, const Frame& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Frame Tcp(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, int doff = 5) {
  Frame f;
  Put(f, sport, 2), Put(f, dport, 2), Put(f, seq, 4), Put(f, ack, 4);
  Put(f, doff << 4, 1), Put(f, flags, 1), Put(f, 64240, 2), Put(f, 0, 4);
  f.resize(std::max(20, doff * 4), 1);  // options: NOPs
  return f;
}
Frame Udp(uint16_t sport, uint16_t dport, size_t payload, int len_delta = 0) {
  Frame f;
  Put(f, sport, 2), Put(f, dport, 2), Put(f, static_cast<uint32_t>(8 + payload + len_delta), 2), Put(f, 0, 2);
  f.resize(8 + payload, 'x');
  return f;
}
// type, code, checksum, 4 bytes of rest-of-header, then the body.
Frame Icmp(uint8_t type, uint8_t code, uint32_t rest, const Frame& body = {}) {
  Frame f;
  Put(f, type, 1), Put(f, code, 1), Put(f, 0, 2), Put(f, rest, 4);
  return Cat(f, body);
}
struct V4Opts {
  uint16_t frag = 0x4000;  // DF
  int ihl = 5;
  int total_delta = 0;
};
Frame Ip(const Address& src, const Address& dst, uint8_t proto, const Frame& l4, V4Opts o = {}) {
  Frame f;
  if (src.is_v4()) {
    Put(f, 0x40 | o.ihl, 1), Put(f, 0, 1),
        Put(f, static_cast<uint32_t>(o.ihl * 4 + l4.size() + o.total_delta), 2);
    Put(f, 0x1234, 2), Put(f, o.frag, 2), Put(f, 50, 1), Put(f, proto, 1), Put(f, 0, 2);
    Put(f, src.v4(), 4), Put(f, dst.v4(), 4);
    f.resize(std::max(20, o.ihl * 4), 1);  // options: NOPs
  } else {
    Put(f, 0x60000000, 4), Put(f, static_cast<uint32_t>(l4.size()), 2), Put(f, proto, 1), Put(f, 50, 1);
    f.insert(f.end(), src.bytes().begin(), src.bytes().end());
    f.insert(f.end(), dst.bytes().begin(), dst.bytes().end());
  }
  return Cat(f, l4);
}
Frame Eth(const Frame& l3, uint16_t type, bool vlan = false) {
  Frame f(12, 0x02);
  if (vlan) Put(f, 0x8100, 2), Put(f, 42, 2);
  Put(f, type, 2);
  return Cat(f, l3);
}
Frame EthIp(const Address& src, const Address& dst, uint8_t proto, const Frame& l4, V4Opts o = {}) {
  return Eth(Ip(src, dst, proto, l4, o), src.is_v4() ? 0x0800 : 0x86dd);
}

const Address kUs4 = A("198.18.0.1"), kThem4 = A("198.18.9.9"), kRouter4 = A("192.0.2.254");
const Address kUs6 = A("2001:db8::1"), kThem6 = A("2001:db8:9::9"), kRouter6 = A("2001:db8:ffff::1");

// The probe an ICMP error quotes: our SYN, its IP header and TCP header.
Frame ProbeSyn(const Address& us, const Address& them, V4Opts o = {}) {
  return Ip(us, them, 6, Tcp(40000, 443, 0xc0ffee11, 0, 0x02), o);
}

// Parses with a fresh counter and checks that exactly one counter moved.
std::optional<Reply> Parse(const Frame& f, ParseStats* out = nullptr) {
  ParseStats s;
  auto r = ParseFrame(f, &s);
  EXPECT_EQ(s.parsed + s.truncated + s.malformed + s.unsupported + s.bad_quote, 1u);
  EXPECT_EQ(s.parsed, r ? 1u : 0u);
  if (out) *out = s;
  return r;
}
using Counter = uint64_t ParseStats::*;
Counter Dropped(const Frame& f) {
  ParseStats s;
  EXPECT_FALSE(Parse(f, &s));
  if (s.truncated) return &ParseStats::truncated;
  if (s.malformed) return &ParseStats::malformed;
  if (s.unsupported) return &ParseStats::unsupported;
  return &ParseStats::bad_quote;
}

TEST(ParseFrame, SynAckV4) {
  auto r = Parse(EthIp(kThem4, kUs4, 6, Tcp(443, 40000, 0x5000, 0xc0ffee12, 0x12)));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, Reply::Kind::kTcp);
  EXPECT_EQ(r->src, kThem4);
  EXPECT_EQ(r->dst, kUs4);
  EXPECT_EQ(r->ttl, 50);
  EXPECT_EQ(r->sport, 443);
  EXPECT_EQ(r->dport, 40000);
  EXPECT_EQ(r->seq, 0x5000u);
  EXPECT_EQ(r->ack, 0xc0ffee12u);
  EXPECT_EQ(r->flags, tcpflag::kSyn | tcpflag::kAck);
  EXPECT_EQ(r->window, 64240);
}

TEST(ParseFrame, RstV6WithOptions) {
  auto r = Parse(EthIp(kThem6, kUs6, 6, Tcp(22, 40001, 0, 0xc0ffee12, 0x14, 8)));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, Reply::Kind::kTcp);
  EXPECT_EQ(r->src, kThem6);
  EXPECT_EQ(r->dst, kUs6);
  EXPECT_EQ(r->sport, 22);
  EXPECT_EQ(r->dport, 40001);
  EXPECT_EQ(r->flags, tcpflag::kRst | tcpflag::kAck);
}

TEST(ParseFrame, IcmpPortUnreachableQuotingSyn) {
  Frame quote = ProbeSyn(kUs4, kThem4);
  quote.resize(28);  // RFC 792: the IP header and 8 bytes
  auto r = Parse(EthIp(kThem4, kUs4, 1, Icmp(3, 3, 0, quote)));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, Reply::Kind::kIcmpError);
  EXPECT_EQ(r->src, kThem4);
  EXPECT_EQ(r->icmp_type, 3);
  EXPECT_EQ(r->icmp_code, 3);
  EXPECT_EQ(r->quoted.src, kUs4);
  EXPECT_EQ(r->quoted.dst, kThem4);
  EXPECT_EQ(r->quoted.proto, 6);
  EXPECT_EQ(r->quoted.sport, 40000);
  EXPECT_EQ(r->quoted.dport, 443);
  EXPECT_EQ(r->quoted.seq, 0xc0ffee11u);
}

TEST(ParseFrame, Icmp6AdminProhibitedQuotingSyn) {
  auto r = Parse(EthIp(kRouter6, kUs6, 58, Icmp(1, 1, 0, ProbeSyn(kUs6, kThem6))));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, Reply::Kind::kIcmpError);
  EXPECT_EQ(r->src, kRouter6);
  EXPECT_EQ(r->icmp_type, 1);
  EXPECT_EQ(r->icmp_code, 1);
  EXPECT_EQ(r->quoted.src, kUs6);
  EXPECT_EQ(r->quoted.dst, kThem6);
  EXPECT_EQ(r->quoted.proto, 6);
  EXPECT_EQ(r->quoted.sport, 40000);
  EXPECT_EQ(r->quoted.dport, 443);
  EXPECT_EQ(r->quoted.seq, 0xc0ffee11u);
}

TEST(ParseFrame, TimeExceededQuotingUdp) {
  for (bool v6 : {false, true}) {
    const Address us = v6 ? kUs6 : kUs4, them = v6 ? kThem6 : kThem4, router = v6 ? kRouter6 : kRouter4;
    auto r =
        Parse(EthIp(router, us, v6 ? 58 : 1, Icmp(v6 ? 3 : 11, 0, 0, Ip(us, them, 17, Udp(53000, 53, 30)))));
    ASSERT_TRUE(r) << v6;
    EXPECT_EQ(r->kind, Reply::Kind::kIcmpError);
    EXPECT_EQ(r->icmp_type, v6 ? 3 : 11);
    EXPECT_EQ(r->quoted.dst, them);
    EXPECT_EQ(r->quoted.proto, 17);
    EXPECT_EQ(r->quoted.sport, 53000);
    EXPECT_EQ(r->quoted.dport, 53);
    EXPECT_EQ(r->quoted.seq, 0u);
  }
}

TEST(ParseFrame, UdpReply) {
  for (bool v6 : {false, true}) {
    auto r = Parse(EthIp(v6 ? kThem6 : kThem4, v6 ? kUs6 : kUs4, 17, Udp(161, 50000, 37)));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, Reply::Kind::kUdp);
    EXPECT_EQ(r->sport, 161);
    EXPECT_EQ(r->dport, 50000);
    EXPECT_EQ(r->payload_len, 37u);
  }
  // The UDP length, not the IP length, says where the payload ends.
  EXPECT_EQ(Parse(EthIp(kThem4, kUs4, 17, Udp(7, 9, 20, -5)))->payload_len, 15u);
  EXPECT_EQ(Dropped(EthIp(kThem4, kUs4, 17, Udp(7, 9, 20, 1))), &ParseStats::truncated);
  EXPECT_EQ(Dropped(EthIp(kThem4, kUs4, 17, Udp(7, 9, 20, -21))), &ParseStats::malformed);
}

TEST(ParseFrame, EchoReplies) {
  auto r4 = Parse(EthIp(kThem4, kUs4, 1, Icmp(0, 0, 0xbeef0007, Frame(56, 0))));
  ASSERT_TRUE(r4);
  EXPECT_EQ(r4->kind, Reply::Kind::kIcmpEchoReply);
  EXPECT_EQ(r4->src, kThem4);
  EXPECT_EQ(r4->sport, 0xbeef);  // identifier
  EXPECT_EQ(r4->seq, 7u);
  auto r6 = Parse(EthIp(kThem6, kUs6, 58, Icmp(129, 0, 0x12340009)));
  ASSERT_TRUE(r6);
  EXPECT_EQ(r6->kind, Reply::Kind::kIcmpEchoReply);
  EXPECT_EQ(r6->sport, 0x1234);
  EXPECT_EQ(r6->seq, 9u);
}

TEST(ParseFrame, Ipv4Options) {
  for (int ihl : {6, 10, 15}) {
    auto r = Parse(EthIp(kThem4, kUs4, 6, Tcp(80, 40000, 1, 2, 0x12), {.ihl = ihl}));
    ASSERT_TRUE(r) << ihl;
    EXPECT_EQ(r->sport, 80);
    EXPECT_EQ(r->ack, 2u);
    // A quoted header may carry options too.
    auto q = Parse(EthIp(kRouter4, kUs4, 1, Icmp(3, 13, 0, ProbeSyn(kUs4, kThem4, {.ihl = ihl}))));
    ASSERT_TRUE(q) << ihl;
    EXPECT_EQ(q->quoted.dport, 443);
    EXPECT_EQ(q->quoted.seq, 0xc0ffee11u);
  }
}

TEST(ParseFrame, VlanTag) {
  for (bool v6 : {false, true}) {
    auto r = Parse(Eth(Ip(v6 ? kThem6 : kThem4, v6 ? kUs6 : kUs4, 6, Tcp(80, 40000, 1, 2, 0x12)),
                       v6 ? 0x86dd : 0x0800, true));
    ASSERT_TRUE(r) << v6;
    EXPECT_EQ(r->src, v6 ? kThem6 : kThem4);
    EXPECT_EQ(r->sport, 80);
  }
  EXPECT_EQ(Dropped(Eth({}, 0x0806, true)), &ParseStats::unsupported);  // ARP, tagged
}

TEST(ParseFrame, FragmentsRejected) {
  const Frame tcp = Tcp(80, 40000, 1, 2, 0x12);
  EXPECT_EQ(Dropped(EthIp(kThem4, kUs4, 6, tcp, {.frag = 0x2000})), &ParseStats::unsupported);  // MF
  EXPECT_EQ(Dropped(EthIp(kThem4, kUs4, 6, tcp, {.frag = 0x0001})), &ParseStats::unsupported);  // offset
  EXPECT_TRUE(Parse(EthIp(kThem4, kUs4, 6, tcp, {.frag = 0})));  // DF clear is fine
  Frame frag_header;
  Put(frag_header, 6 << 24, 4), Put(frag_header, 0x12345678, 4);  // next header TCP, offset 0, M 0
  EXPECT_EQ(Dropped(EthIp(kThem6, kUs6, 44, Cat(frag_header, tcp))), &ParseStats::unsupported);
}

TEST(ParseFrame, Ipv6ExtensionHeaders) {
  const Frame tcp = Tcp(80, 40000, 1, 2, 0x12);
  Frame chain;
  Put(chain, 60 << 8 | 0, 2), chain.resize(8, 0);   // Hop-by-Hop, 8 bytes, then Destination
  Put(chain, 43 << 8 | 1, 2), chain.resize(24, 0);  // Destination, 16 bytes, then Routing
  Put(chain, 6 << 8 | 0, 2), chain.resize(32, 0);   // Routing, 8 bytes, then TCP
  auto r = Parse(EthIp(kThem6, kUs6, 0, Cat(chain, tcp)));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, Reply::Kind::kTcp);
  EXPECT_EQ(r->sport, 80);
  Frame overrun;
  Put(overrun, 6 << 8 | 200, 2), overrun.resize(8, 0);  // says 1608 bytes
  EXPECT_EQ(Dropped(EthIp(kThem6, kUs6, 60, Cat(overrun, tcp))), &ParseStats::truncated);
}

TEST(ParseFrame, MalformedHeaders) {
  const Frame tcp = Tcp(80, 40000, 1, 2, 0x12);
  EXPECT_EQ(Dropped(Eth(Ip(kThem6, kUs6, 6, tcp), 0x0800)), &ParseStats::malformed);  // version 6 as IPv4
  EXPECT_EQ(Dropped(Eth(Ip(kThem4, kUs4, 6, Frame(60, 0)), 0x86dd)), &ParseStats::malformed);
  EXPECT_EQ(Dropped(EthIp(kThem4, kUs4, 6, tcp, {.ihl = 4})), &ParseStats::malformed);
  EXPECT_EQ(Dropped(EthIp(kThem4, kUs4, 6, tcp, {.total_delta = -21})), &ParseStats::malformed);
  EXPECT_EQ(Dropped(EthIp(kThem4, kUs4, 6, tcp, {.total_delta = 1})), &ParseStats::truncated);
  EXPECT_EQ(Dropped(EthIp(kThem4, kUs4, 6, Tcp(80, 40000, 1, 2, 0x12, 4))), &ParseStats::malformed);
  Frame long_offset = tcp;
  long_offset[12] = 0xf0;  // 60 bytes of header in a 20-byte segment
  EXPECT_EQ(Dropped(EthIp(kThem4, kUs4, 6, long_offset)), &ParseStats::truncated);
}

TEST(ParseFrame, UnsupportedKinds) {
  EXPECT_EQ(Dropped(Eth(Frame(28, 0), 0x0806)), &ParseStats::unsupported);              // ARP
  EXPECT_EQ(Dropped(EthIp(kThem4, kUs4, 47, Frame(20, 0))), &ParseStats::unsupported);  // GRE
  EXPECT_EQ(Dropped(EthIp(kThem4, kUs4, 1, Icmp(8, 0, 0))), &ParseStats::unsupported);  // echo request
  EXPECT_EQ(Dropped(EthIp(kThem6, kUs6, 58, Icmp(135, 0, 0, Frame(16, 0)))), &ParseStats::unsupported);
  EXPECT_EQ(Dropped(EthIp(kThem6, kUs6, 1, Icmp(3, 3, 0))), &ParseStats::unsupported);   // ICMPv4 in IPv6
  EXPECT_EQ(Dropped(EthIp(kThem4, kUs4, 58, Icmp(1, 3, 0))), &ParseStats::unsupported);  // ICMPv6 in IPv4
  // An error about an ICMP packet is readable but not about any probe of ours.
  EXPECT_EQ(Dropped(EthIp(kRouter4, kUs4, 1, Icmp(3, 1, 0, Ip(kUs4, kThem4, 1, Icmp(8, 0, 0))))),
            &ParseStats::unsupported);
}

TEST(ParseFrame, UnreadableQuotes) {
  Frame quote = ProbeSyn(kUs4, kThem4);
  auto error_quoting = [](const Frame& q) { return EthIp(kRouter4, kUs4, 1, Icmp(3, 1, 0, q)); };
  EXPECT_EQ(Dropped(error_quoting(Frame(quote.begin(), quote.begin() + 27))), &ParseStats::bad_quote);
  EXPECT_EQ(Dropped(error_quoting(Frame(quote.begin(), quote.begin() + 19))), &ParseStats::bad_quote);
  EXPECT_EQ(Dropped(error_quoting(ProbeSyn(kUs4, kThem4, {.ihl = 4}))), &ParseStats::bad_quote);
  EXPECT_EQ(Dropped(error_quoting(ProbeSyn(kUs4, kThem4, {.frag = 0x0010}))), &ParseStats::bad_quote);
  EXPECT_EQ(Dropped(error_quoting(ProbeSyn(kUs6, kThem6))), &ParseStats::bad_quote);  // v6 in ICMPv4
  EXPECT_EQ(Dropped(EthIp(kRouter6, kUs6, 58, Icmp(1, 4, 0, quote))), &ParseStats::bad_quote);
  EXPECT_EQ(Dropped(EthIp(kRouter6, kUs6, 58, Icmp(1, 4, 0, Frame(39, 0x60)))), &ParseStats::bad_quote);
}

TEST(ParseFrame, EthernetPaddingIsIgnored) {
  // A 54-byte SYN-ACK is padded to the 60-byte minimum on the wire.
  Frame f = EthIp(kThem4, kUs4, 6, Tcp(443, 40000, 1, 2, 0x12));
  f.resize(60, 0xee);
  ASSERT_TRUE(Parse(f));
  Frame u = EthIp(kThem4, kUs4, 17, Udp(53, 40000, 2));
  u.resize(60, 0xee);
  EXPECT_EQ(Parse(u)->payload_len, 2u);
}

TEST(ParseFrame, NullStatsAndShortFrames) {
  EXPECT_FALSE(ParseFrame({}, nullptr));
  EXPECT_TRUE(ParseFrame(EthIp(kThem4, kUs4, 6, Tcp(1, 2, 3, 4, 5)), nullptr));
  EXPECT_EQ(Dropped(Frame(13, 0)), &ParseStats::truncated);
}

// Every prefix of every valid frame is dropped or, where the cut falls in
// padding, read exactly as the whole: never a half-read reply.
TEST(ParseFrame, EveryTruncationIsSafe) {
  Frame padded = EthIp(kThem4, kUs4, 17, Udp(53, 40000, 2));
  padded.resize(64, 0);
  const std::vector<Frame> frames = {
      EthIp(kThem4, kUs4, 6, Tcp(443, 40000, 1, 2, 0x12, 6), {.ihl = 7}),
      Eth(Ip(kThem6, kUs6, 6, Tcp(443, 40000, 1, 2, 0x14)), 0x86dd, true),
      EthIp(kRouter4, kUs4, 1, Icmp(3, 3, 0, ProbeSyn(kUs4, kThem4, {.ihl = 6}))),
      EthIp(kRouter6, kUs6, 58, Icmp(1, 1, 0, ProbeSyn(kUs6, kThem6))),
      EthIp(kThem6, kUs6, 17, Udp(53, 40000, 9)),
      EthIp(kThem4, kUs4, 1, Icmp(0, 0, 0x10001, Frame(8, 1))),
      padded,
  };
  for (const Frame& whole : frames) {
    const auto full = Parse(whole);
    ASSERT_TRUE(full);
    for (size_t n = 0; n < whole.size(); ++n) {
      // A copy of exactly n bytes, so ASan sees any read past the cut.
      const Frame cut(whole.begin(), whole.begin() + n);
      const auto r = Parse(cut);
      if (!r) continue;
      EXPECT_EQ(r->kind, full->kind) << n;
      EXPECT_EQ(r->src, full->src) << n;
      EXPECT_EQ(r->sport, full->sport) << n;
      EXPECT_EQ(r->payload_len, full->payload_len) << n;
      EXPECT_GE(n, 14u + 20 + 8 + 2) << "only the padded UDP frame may survive a cut";
    }
  }
}

}  // namespace
}  // namespace tj
