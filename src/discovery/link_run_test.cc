// Discovery on one link fed frames in memory: ARP answers decide the hosts
// on the link, an echo reply a host behind the gateway; a reply that does
// not carry our sequence number proves nothing.
#include "discovery/link_run.h"

#include <gtest/gtest.h>

#include "net/neighbour_frames.h"
#include "support/frame_testing.h"

namespace tj {
namespace {

Address A(const char* text) { return *Address::Parse(text); }

const Address kUs = A("192.0.2.1"), kGateway = A("192.0.2.254");
const Address kNear = A("192.0.2.30"), kNearSilent = A("192.0.2.31");  // on the link
const Address kFar = A("198.51.100.7"), kFarSilent = A("198.51.100.8");  // behind the gateway
const MacAddr kNearMac{{0x02, 0, 0, 0, 0, 0x30}}, kGatewayMac{{0x02, 0, 0, 0, 0, 0xfe}};

std::vector<TestFrame> Target(std::span<const uint8_t> frame) {
  if (auto asked = ArpTarget(frame)) {
    // Any ARP frame tells its sender's address and MAC; a request will do.
    if (*asked == kNear) return {ArpRequestFrame(kNearMac, kNear, kUs)};
    if (*asked == kGateway) return {ArpRequestFrame(kGatewayMac, kGateway, kUs)};
    return {};
  }
  auto p = ReadProbe(frame);
  if (!p || p->proto != 1 || p->icmp_type != 8) return {};
  const uint16_t id = p->sport, seq = static_cast<uint16_t>(p->seq);
  if (p->dst == kFar) return {EchoReplyFrame(kFar, kUs, id, seq)};
  if (p->dst == kFarSilent) return {EchoReplyFrame(kFarSilent, kUs, id, static_cast<uint16_t>(seq + 1))};
  return {};
}

TEST(LinkRun, ArpAndEchoRepliesProveHostsUp) {
  RouteInfo route;
  route.ifname = "fake0";
  route.src = kUs;
  auto fake = MakeFakeLink(route, Target);
  DiscoveryOptions opts;
  opts.timing.initial_rtt_timeout = std::chrono::milliseconds(50);
  opts.timing.min_rtt_timeout = std::chrono::milliseconds(20);
  opts.timing.max_rtt_timeout = std::chrono::milliseconds(50);
  opts.timing.max_retries = 1;
  CookieKey key(std::array<uint8_t, 16>{7, 8, 9});
  LinkRunParams p;
  p.opts = &opts;
  p.key = &key;
  p.sport_base = 20000;
  p.icmp_id = 0x4242;
  const std::vector<LinkTarget> targets = {
      {kNear, std::nullopt}, {kNearSilent, std::nullopt}, {kFar, kGateway}, {kFarSilent, kGateway}};
  DiscoveryStats stats;
  auto v = RunOnLink(fake->link, p, targets, &stats);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_TRUE(v[0].up);
  EXPECT_EQ(v[0].reason, Reason::kArpResponse);
  EXPECT_EQ(v[0].mac, kNearMac);
  EXPECT_FALSE(v[1].up);  // on the link, silence to ARP is down
  EXPECT_TRUE(v[2].up);
  EXPECT_EQ(v[2].reason, Reason::kEchoReply);
  EXPECT_TRUE(v[2].mac.is_zero());  // behind a gateway: its MAC is not the host's
  EXPECT_FALSE(v[3].up);
  EXPECT_EQ(stats.answers, 2u);
  // The wrong sequence number, once per echo request to the silent far host.
  size_t echoes = 0;
  for (const TestFrame& f : fake->tx->sent())
    if (auto s = ReadProbe(f); s && s->dst == kFarSilent && s->proto == 1 && s->icmp_type == 8) ++echoes;
  EXPECT_EQ(echoes, 2u);  // the first try and one retry
  EXPECT_EQ(stats.foreign, echoes);
  // The IP probes went to the gateway's MAC, learnt from its ARP answer.
  for (const TestFrame& f : fake->tx->sent()) {
    if (auto s = ReadProbe(f); s && s->dst == kFar) {
      EXPECT_TRUE(std::equal(kGatewayMac.b.begin(), kGatewayMac.b.end(), f.begin()));
    }
  }
}

}  // namespace
}  // namespace tj
