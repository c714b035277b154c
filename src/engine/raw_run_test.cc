// RunRaw (a SYN scan) fed frames in memory: the sink answers each probe as
// the scripted target would, from the probe it saw, so the cookie checks,
// the pass loop and the verdicts run as in a scan, without root.
#include "engine/raw_run.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "engine/raw_engine.h"
#include "support/frame_testing.h"

namespace tj {
namespace {

Address A(const char* text) { return *Address::Parse(text); }

// Documentation addresses: nothing here leaves the process anyway.
const Address kUs = A("192.0.2.1"), kHostA = A("192.0.2.10"), kHostB = A("192.0.2.20");
const Address kStranger = A("192.0.2.99");
constexpr uint16_t kSportBase = 40000;

enum class Door { kOpen, kClosed, kProhibited, kSilent };

// A: 22 open, 80 closed, 443 behind a firewall that says so.
// B: 22 closed, 80 dropped (and a forger answers it), 443 open.
Door DoorOf(const Address& host, uint16_t port) {
  if (host == kHostA) return port == 22 ? Door::kOpen : port == 80 ? Door::kClosed : Door::kProhibited;
  return port == 22 ? Door::kClosed : port == 80 ? Door::kSilent : Door::kOpen;
}

bool IsForged(const Address& host, uint16_t port) { return host == kHostB && port == 80; }

std::vector<TestFrame> Target(std::span<const uint8_t> frame) {
  auto p = ReadProbe(frame);
  if (!p || p->proto != 6) return {};
  // Right addresses and ports, but the forger cannot know the cookie.
  if (IsForged(p->dst, p->dport))
    return {TcpReplyFrame(p->dst, p->dport, kUs, p->sport, tcpflag::kSyn | tcpflag::kAck, 1234, p->seq + 2)};
  switch (DoorOf(p->dst, p->dport)) {
    case Door::kOpen:
      return {TcpReplyFrame(p->dst, p->dport, kUs, p->sport, tcpflag::kSyn | tcpflag::kAck, 777, p->seq + 1)};
    case Door::kClosed:
      return {TcpReplyFrame(p->dst, p->dport, kUs, p->sport, tcpflag::kRst | tcpflag::kAck, 0, p->seq + 1)};
    case Door::kProhibited:
      return {IcmpErrorFrame(p->dst, 3, 13, *p)};
    case Door::kSilent:
      break;
  }
  return {};
}

struct Collect : ResultSink {
  void OnPort(const PortResult& r) override { ports.push_back(r); }
  std::vector<PortResult> ports;
};

// Short waits, so silence costs milliseconds; two tries.
Timing FastTiming() {
  Timing t;
  t.initial_rtt_timeout = std::chrono::milliseconds(50);
  t.min_rtt_timeout = std::chrono::milliseconds(20);
  t.max_rtt_timeout = std::chrono::milliseconds(50);
  t.max_retries = 1;
  return t;
}

class RawRunTest : public ::testing::Test {
 protected:
  RawRunTest()
      : probe_(MakeTcpProbe(Technique::kSyn)), key_(std::array<uint8_t, 16>{1, 2, 3}), rate_(2000, 100, 5000) {
    RouteInfo route;
    route.ifname = "fake0";
    route.src = kUs;
    fake_ = MakeFakeLink(route, Target);
    params_.probe = probe_.get();
    params_.key = &key_;
    params_.timing = FastTiming();
    params_.sport_base = kSportBase;
    params_.rate = &rate_;
  }

  std::unique_ptr<TcpProbe> probe_;
  CookieKey key_;
  RateController rate_;
  std::unique_ptr<FakeLink> fake_;
  RawRunParams params_;
};

const PortResult* Find(const HostOutcome& o, uint16_t port) {
  for (const PortResult& r : o.ports)
    if (r.port == port) return &r;
  return nullptr;
}

TEST_F(RawRunTest, EachAnswerDecidesItsPortAndForgeriesDoNot) {
  // Strays already waiting when the run starts: a host not scanned, and a
  // port not scanned, both to our first pass's source port.
  fake_->rx->Push(TcpReplyFrame(kStranger, 22, kUs, kSportBase, tcpflag::kSyn | tcpflag::kAck, 1, 1));
  fake_->rx->Push(TcpReplyFrame(kHostA, 8080, kUs, kSportBase, tcpflag::kSyn | tcpflag::kAck, 1, 1));
  const std::vector<RawHost> hosts = {{kHostA, MacAddr{}}, {kHostB, MacAddr{}}};
  const std::vector<uint16_t> ports = {22, 80, 443};
  Collect sink;
  RawStats stats;
  auto out = RunRaw(fake_->link, params_, hosts, ports, &sink, &stats);
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->size(), 2u);

  const HostOutcome& a = (*out)[0];
  EXPECT_EQ(a.addr, kHostA);
  EXPECT_TRUE(a.up);
  ASSERT_EQ(a.ports.size(), 3u);
  EXPECT_EQ(Find(a, 22)->state, PortState::kOpen);
  EXPECT_EQ(Find(a, 22)->reason, Reason::kSynAck);
  EXPECT_EQ(Find(a, 80)->state, PortState::kClosed);
  EXPECT_EQ(Find(a, 80)->reason, Reason::kReset);
  EXPECT_EQ(Find(a, 443)->state, PortState::kFiltered);
  EXPECT_EQ(Find(a, 443)->reason, Reason::kAdminProhibited);

  const HostOutcome& b = (*out)[1];
  EXPECT_EQ(b.addr, kHostB);
  EXPECT_TRUE(b.up);
  EXPECT_EQ(Find(b, 22)->state, PortState::kClosed);
  EXPECT_EQ(Find(b, 443)->state, PortState::kOpen);
  // Silent but for the forger: filtered once the retries are spent.
  EXPECT_EQ(Find(b, 80)->state, PortState::kFiltered);
  EXPECT_EQ(Find(b, 80)->reason, Reason::kNoResponse);
  EXPECT_EQ(Find(b, 80)->tries, stats.passes);

  // Every probe to B:80 drew a forgery, each counted foreign, as are the
  // two strays; nothing else was.
  size_t forged = 0;
  for (const TestFrame& f : fake_->tx->sent())
    if (auto p = ReadProbe(f); p && IsForged(p->dst, p->dport)) ++forged;
  EXPECT_EQ(forged, 2u);  // the first try and one retry
  EXPECT_EQ(stats.foreign, forged + 2);
  EXPECT_EQ(stats.answers, 5u);
  EXPECT_EQ(stats.passes, 2u);
  EXPECT_EQ(sink.ports.size(), 6u);  // every port reported once
}

TEST_F(RawRunTest, ProbesCarryTheCookieAndThePassInTheirSourcePort) {
  const std::vector<RawHost> hosts = {{kHostB, MacAddr{}}};
  const std::vector<uint16_t> ports = {80};
  RawStats stats;
  auto out = RunRaw(fake_->link, params_, hosts, ports, nullptr, &stats);
  ASSERT_TRUE(out);
  std::vector<uint16_t> sports;
  for (const TestFrame& f : fake_->tx->sent()) {
    auto p = ReadProbe(f);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->src, kUs);
    EXPECT_EQ(p->flags, tcpflag::kSyn);
    EXPECT_EQ(p->seq, key_.Cookie(kHostB, 80, kUs, p->sport));
    sports.push_back(p->sport);
  }
  EXPECT_EQ(sports, (std::vector<uint16_t>{kSportBase, kSportBase + 1}));
  EXPECT_EQ(stats.retransmits, 1u);
}

TEST_F(RawRunTest, AStopBeforeTheFirstPassDecidesNothing) {
  std::atomic<bool> stop{true};
  params_.stop = &stop;
  const std::vector<RawHost> hosts = {{kHostA, MacAddr{}}};
  const std::vector<uint16_t> ports = {22, 80};
  RawStats stats;
  auto out = RunRaw(fake_->link, params_, hosts, ports, nullptr, &stats);
  ASSERT_TRUE(out);
  EXPECT_TRUE((*out)[0].ports.empty());
  EXPECT_TRUE(fake_->tx->sent().empty());
}

}  // namespace
}  // namespace tj
