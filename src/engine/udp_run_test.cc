// RunUdp fed frames in memory: a datagram back means open, the host's own
// port unreachable closed; an error that does not quote our probe exactly
// is foreign and changes nothing.
#include <gtest/gtest.h>

#include "engine/udp_engine.h"
#include "support/frame_testing.h"

namespace tj {
namespace {

Address A(const char* text) { return *Address::Parse(text); }

const Address kUs = A("192.0.2.1"), kHost = A("192.0.2.10"), kStranger = A("192.0.2.99");
// Ports without a payload in the built-in table: one empty datagram each.
constexpr uint16_t kOpenPort = 7001, kClosedPort = 7002;

// An ICMP port unreachable quoting the probe with another IPv4 ID: the
// forger saw the ports but cannot know the keyed tag.
TestFrame ForgedUnreachable(const SeenProbe& p) {
  std::vector<uint8_t> quote(p.ip.begin(), p.ip.end());
  quote[5] ^= 0x5a;
  SeenProbe forged = p;
  forged.ip = quote;
  return IcmpErrorFrame(p.dst, 3, 3, forged);
}

std::vector<TestFrame> Target(std::span<const uint8_t> frame) {
  auto p = ReadProbe(frame);
  if (!p || p->proto != 17 || p->dst != kHost) return {};
  if (p->dport == kOpenPort)
    return {ForgedUnreachable(*p), UdpReplyFrame(kHost, kOpenPort, kUs, p->sport),
            UdpReplyFrame(kStranger, kOpenPort, kUs, p->sport)};
  if (p->dport == kClosedPort) return {IcmpErrorFrame(kHost, 3, 3, *p)};
  return {};
}

TEST(UdpRun, ADatagramBackIsOpenAndThePortUnreachableClosed) {
  RouteInfo route;
  route.ifname = "fake0";
  route.src = kUs;
  auto fake = MakeFakeLink(route, Target);
  CookieKey key(std::array<uint8_t, 16>{4, 5, 6});
  UdpRunParams p;
  p.key = &key;
  p.timing.initial_rtt_timeout = std::chrono::milliseconds(50);
  p.timing.min_rtt_timeout = std::chrono::milliseconds(20);
  p.timing.max_rtt_timeout = std::chrono::milliseconds(50);
  p.timing.max_retries = 1;
  p.lanes = {kUs};
  p.payloads = &UdpPayloadTable::Builtin();
  UdpStats stats;
  auto out = RunUdp(fake->link, p, {{kHost, MacAddr{}}}, {kOpenPort, kClosedPort}, nullptr, &stats);
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->size(), 1u);
  const HostOutcome& o = (*out)[0];
  EXPECT_TRUE(o.up);
  ASSERT_EQ(o.ports.size(), 2u);
  EXPECT_EQ(o.ports[0].port, kOpenPort);
  EXPECT_EQ(o.ports[0].proto, Proto::kUdp);
  EXPECT_EQ(o.ports[0].state, PortState::kOpen);
  EXPECT_EQ(o.ports[0].reason, Reason::kUdpResponse);
  EXPECT_EQ(o.ports[1].port, kClosedPort);
  EXPECT_EQ(o.ports[1].state, PortState::kClosed);
  EXPECT_EQ(o.ports[1].reason, Reason::kPortUnreach);
  EXPECT_EQ(stats.udp_replies, 1u);
  EXPECT_EQ(stats.icmp_errors, 1u);
  // The forged error and the stranger's datagram, once per probe of the open port.
  size_t open_probes = 0;
  for (const TestFrame& f : fake->tx->sent())
    if (auto s = ReadProbe(f); s && s->dport == kOpenPort) ++open_probes;
  EXPECT_EQ(open_probes, 1u);
  EXPECT_EQ(stats.foreign, 2 * open_probes);
}

}  // namespace
}  // namespace tj
