// The plan driven by a simulated host whose ICMP limiter works as Linux's
// does (inet_peer_xrlim_allow: a bucket per scanner address, refilled with
// time, burst of six). The lab tests run the real kernel; this checks the
// logic on many shapes quickly, including ones the lab cannot make.
#include "engine/udp_plan.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>

namespace tj {
namespace {

enum class Truth { kOpen, kClosed, kSilent };

struct SimHost {
  std::vector<Truth> ports;
  double interval = 1.0;  // seconds per token
  double burst = 6;
  std::vector<double> tokens;  // per lane
  std::vector<double> last;
  double loss = 0;             // chance a probe or its reply is lost
  std::mt19937 rng{7};

  explicit SimHost(size_t lanes) : tokens(lanes, 6), last(lanes, 0) {}
  // One probe arriving at time t on lane; returns what comes back.
  enum class Answer { kNone, kUdp, kIcmp };
  Answer Probe(uint32_t port, uint16_t lane, double t) {
    if (loss > 0 && std::uniform_real_distribution<>(0, 1)(rng) < loss) return Answer::kNone;
    switch (ports[port]) {
      case Truth::kOpen: return Answer::kUdp;
      case Truth::kSilent: return Answer::kNone;
      case Truth::kClosed: break;
    }
    // Linux counts the refill in jiffies (HZ 1000 here): packets a few
    // microseconds apart almost always see the same count.
    double j = std::floor(t * 1000) / 1000;
    tokens[lane] = std::min(burst, tokens[lane] + (j - last[lane]) / interval);
    last[lane] = j;
    if (tokens[lane] < 1) return Answer::kNone;
    tokens[lane] -= 1;
    return Answer::kIcmp;
  }
};

struct Outcome {
  double seconds = 0;
  std::vector<std::optional<Verdict>> verdicts;
};

Outcome Drive(SimHost& host, size_t lanes, UdpPlanOptions opts) {
  UdpHostPlan plan(host.ports.size(), lanes, opts);
  const double rtt = 0.001, tick = 0.002;
  // Answers in flight: arrival time -> (port, lane, kind).
  std::multimap<double, std::tuple<uint32_t, uint16_t, SimHost::Answer>> flight;
  double now = 0;
  auto send = [&](const std::vector<UdpProbeRef>& probes) {
    double t = now;
    for (const auto& p : probes) {
      t += 1e-6;  // in order, a microsecond apart
      auto a = host.Probe(p.port, p.lane, t + rtt / 2);
      if (a != SimHost::Answer::kNone) flight.emplace(t + rtt, std::make_tuple(p.port, p.lane, a));
    }
  };
  send(plan.FirstRound(now));
  while (!plan.Done() && now < 10000) {
    now += tick;
    while (!flight.empty() && flight.begin()->first <= now) {
      auto [port, lane, a] = flight.begin()->second;
      flight.erase(flight.begin());
      if (a == SimHost::Answer::kUdp) plan.OnUdp(port);
      else plan.OnIcmp(port, lane, {PortState::kClosed, Reason::kPortUnreach}, true, now);
    }
    plan.Judge(now, 0.1);
    for (uint16_t l = 0; l < lanes; ++l) send(plan.StartRound(l, now));
  }
  Outcome o;
  o.seconds = now;
  for (uint32_t p = 0; p < host.ports.size(); ++p) o.verdicts.push_back(plan.VerdictOf(p));
  return o;
}

// 100 ports: 5 open, 15 silent (dropped), 80 closed, mixed.
SimHost Mixed(size_t lanes) {
  SimHost h(lanes);
  for (int i = 0; i < 100; ++i) h.ports.push_back(i % 20 == 3 ? Truth::kOpen : i % 20 > 16 || i % 7 == 5 ? Truth::kSilent : Truth::kClosed);
  return h;
}

void ExpectTruth(const SimHost& h, const Outcome& o) {
  for (size_t p = 0; p < h.ports.size(); ++p) {
    ASSERT_TRUE(o.verdicts[p]) << "port " << p << " undecided";
    PortState want = h.ports[p] == Truth::kOpen ? PortState::kOpen
                     : h.ports[p] == Truth::kClosed ? PortState::kClosed : PortState::kOpenFiltered;
    EXPECT_EQ(o.verdicts[p]->state, want) << "port " << p;
  }
}

size_t Count(const SimHost& h, Truth t) { return std::count(h.ports.begin(), h.ports.end(), t); }

TEST(UdpPlan, EveryClosedPortIsFoundDespiteTheLimiter) {
  SimHost h = Mixed(1);
  Outcome o = Drive(h, 1, {});
  ExpectTruth(h, o);
  // The physical floor: one error per second after the burst of six.
  double floor = static_cast<double>(Count(h, Truth::kClosed)) - 6;
  EXPECT_GT(o.seconds, floor - 1);
  EXPECT_LT(o.seconds, floor * 1.15 + 3) << "rounds should be paced to the tokens";
}

TEST(UdpPlan, EightLanesDivideTheTime) {
  SimHost one = Mixed(1), eight = Mixed(8);
  Outcome a = Drive(one, 1, {}), b = Drive(eight, 8, {});
  ExpectTruth(eight, b);
  EXPECT_LT(b.seconds * 5, a.seconds) << a.seconds << " s with one lane, " << b.seconds << " s with eight";
}

TEST(UdpPlan, FastModeCallsTheSuppressedClosedFiltered) {
  SimHost h = Mixed(1);
  UdpPlanOptions fast;
  fast.fast = true;
  Outcome o = Drive(h, 1, fast);
  EXPECT_LT(o.seconds, 1.0);
  for (size_t p = 0; p < h.ports.size(); ++p) {
    ASSERT_TRUE(o.verdicts[p]);
    if (h.ports[p] == Truth::kOpen) {
      EXPECT_EQ(o.verdicts[p]->state, PortState::kOpen);
    }
    if (o.verdicts[p]->state == PortState::kClosed) {
      EXPECT_EQ(h.ports[p], Truth::kClosed);
    }
    if (o.verdicts[p]->state == PortState::kClosedFiltered) {
      EXPECT_EQ(o.verdicts[p]->reason, Reason::kIcmpRateLimit);
    }
  }
}

TEST(UdpPlan, AHostWithoutIcmpGetsPlainRetries) {
  SimHost h(1);
  h.ports.assign(50, Truth::kSilent);
  h.ports[10] = Truth::kOpen;
  UdpPlanOptions opts;
  Outcome o = Drive(h, 1, opts);
  ExpectTruth(h, o);
  EXPECT_LT(o.seconds, opts.quiet_proof + 1.0);
}

// A scan moments before (nmap, or tojimari itself) emptied the bucket: the
// first round gets no error at all, which must not pass for "this host
// sends no ICMP".
TEST(UdpPlan, AnEmptyBucketAtTheStartIsNotMistakenForSilence) {
  SimHost h = Mixed(1);
  h.tokens[0] = 0;
  Outcome o = Drive(h, 1, {});
  ExpectTruth(h, o);
  UdpPlanOptions fast;
  fast.fast = true;
  fast.quiet_proof = 1.2;
  SimHost f = Mixed(1);
  f.tokens[0] = 0;
  Outcome of = Drive(f, 1, fast);
  for (size_t p = 0; p < f.ports.size(); ++p)
    if (f.ports[p] == Truth::kClosed) {
      EXPECT_NE(of.verdicts[p]->state, PortState::kOpenFiltered) << p;
    }
}

TEST(UdpPlan, AFasterLimiterIsMeasuredAndUsed) {
  SimHost h = Mixed(1);
  h.interval = 0.1;  // e.g. net.ipv4.icmp_ratelimit = 100
  Outcome o = Drive(h, 1, {});
  ExpectTruth(h, o);
  EXPECT_LT(o.seconds, 12);
}

TEST(UdpPlan, FewClosedPortsNeedNoWaitingAtAll) {
  SimHost h(1);
  h.ports.assign(30, Truth::kSilent);
  h.ports[1] = h.ports[2] = Truth::kClosed;
  h.ports[3] = Truth::kOpen;
  Outcome o = Drive(h, 1, {});
  ExpectTruth(h, o);
  EXPECT_LT(o.seconds, 1.0);
}

TEST(UdpPlan, LossDoesNotTurnClosedIntoOpenFilteredOften) {
  int wrong = 0;
  for (int seed = 0; seed < 20; ++seed) {
    SimHost h = Mixed(4);
    h.loss = 0.02;
    h.rng.seed(seed);
    Outcome o = Drive(h, 4, {});
    for (size_t p = 0; p < h.ports.size(); ++p)
      wrong += h.ports[p] == Truth::kClosed && o.verdicts[p] && o.verdicts[p]->state != PortState::kClosed;
  }
  // 20 scans x 80 closed ports with 2 % loss: a false strike needs the
  // probe or its error lost twice in conclusive rounds.
  EXPECT_LE(wrong, 3);
}

}  // namespace
}  // namespace tj
