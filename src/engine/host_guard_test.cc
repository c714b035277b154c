#include "engine/host_guard.h"

#include <gtest/gtest.h>

namespace tj {
namespace {

constexpr double kWait = 0.05;  // canary wait

// A host probed at `rate` per second for `seconds` from `t`, answering a
// `share` of its probes; ticks every 10 ms like the engine. Returns whether
// a canary was asked for.
struct Sim {
  HostGuard g;
  double t = 0;
  uint64_t sent = 0, answers = 0;
  double carry = 0;
  int canaries = 0;

  void Run(double seconds, double rate, double share) {
    for (double end = t + seconds; t < end; t += 0.01) {
      if (!g.paused()) {
        uint64_t n = static_cast<uint64_t>(rate * 0.01);
        sent += n;
        carry += n * share;
        while (carry >= 1) ++answers, carry -= 1;
      }
      canaries += g.Tick(t, sent, answers, kWait);
    }
  }
};

}  // namespace

TEST(HostGuard, AHostThatAnswersSteadilyIsLeftAlone) {
  Sim s;
  s.Run(2, 50000, 0.96);
  EXPECT_EQ(s.canaries, 0);
  EXPECT_EQ(s.g.mode(), HostGuard::Mode::kActive);
  EXPECT_EQ(s.g.ceiling(), 0);
}

// A firewall host: a few open ports, the rest dropped. Its silence is its
// nature, not a ban: too few answers to judge it by.
TEST(HostGuard, AMostlySilentHostIsNeverSuspected) {
  Sim s;
  s.Run(3, 50000, 5.0 / 65535);
  EXPECT_EQ(s.canaries, 0);
  EXPECT_TRUE(s.g.events().empty());
}

TEST(HostGuard, SilenceAfterAnswersIsCheckedThenBackedOffAndResumedBelowTheBanRate) {
  Sim s;
  s.Run(0.2, 50000, 0.96);  // answers...
  s.Run(0.2, 50000, 0);     // ...then nothing: the host banned us
  EXPECT_EQ(s.canaries, 1);
  EXPECT_EQ(s.g.mode(), HostGuard::Mode::kSilent);
  ASSERT_EQ(s.g.events().size(), 1u);
  EXPECT_EQ(s.g.events()[0].kind, GuardEvent::Kind::kWentSilent);
  EXPECT_NEAR(s.g.events()[0].at, 0.2, 0.02);
  EXPECT_GT(s.g.events()[0].rate, 40000);
  // The ceiling is far below the rate that got us banned.
  EXPECT_GT(s.g.ceiling(), 0);
  EXPECT_LE(s.g.ceiling(), 50000 / 4.0);
  // Paused: no probes; canaries with growing gaps.
  uint64_t sent = s.sent;
  s.Run(6, 50000, 0);
  EXPECT_EQ(s.sent, sent);
  EXPECT_GE(s.canaries, 3);
  EXPECT_LE(s.canaries, 5);  // 1 s, 2 s, 4 s...
  s.g.OnCanaryAnswer(s.t);
  EXPECT_EQ(s.g.mode(), HostGuard::Mode::kActive);
  EXPECT_EQ(s.g.events().back().kind, GuardEvent::Kind::kResumed);
}

TEST(HostGuard, ALullTheCanaryDisprovesOnlyRaisesTheBar) {
  Sim s;
  s.Run(0.2, 50000, 0.96);
  s.Run(0.12, 50000, 0);  // quiet long enough to ask, not yet long enough to give the canary up
  ASSERT_EQ(s.g.mode(), HostGuard::Mode::kChecking);
  s.g.OnCanaryAnswer(s.t);
  EXPECT_EQ(s.g.mode(), HostGuard::Mode::kActive);
  EXPECT_TRUE(s.g.events().empty());
  EXPECT_EQ(s.g.ceiling(), 0);
}

TEST(HostGuard, GivesUpAfterTheBound) {
  GuardOptions o;
  o.give_up_after = 10;
  Sim s{HostGuard(o)};
  s.Run(0.2, 50000, 0.96);
  s.Run(12, 50000, 0);
  EXPECT_EQ(s.g.mode(), HostGuard::Mode::kGaveUp);
  EXPECT_EQ(s.g.events().back().kind, GuardEvent::Kind::kGaveUp);
  int before = s.canaries;
  s.Run(5, 50000, 0);
  EXPECT_EQ(s.canaries, before);  // nothing more is sent
}

TEST(HostGuard, ASecondBanSettlesBelowTheRateThatCausedIt) {
  Sim s;
  s.Run(0.2, 50000, 0.96);
  s.Run(1.2, 50000, 0);
  s.g.OnCanaryAnswer(s.t);
  double first = s.g.ceiling();
  // Probing upward while the host lets it: the ceiling grows.
  s.Run(7, first, 0.96);
  double grown = s.g.ceiling();
  EXPECT_GT(grown, first);
  s.Run(1.2, grown, 0);  // banned again at the grown rate
  ASSERT_EQ(s.g.bans(), 2);
  EXPECT_LT(s.g.ceiling(), grown);
  s.g.OnCanaryAnswer(s.t);
  double settled = s.g.ceiling();
  s.Run(10, settled, 0.96);
  EXPECT_EQ(s.g.ceiling(), settled);  // no more probing upward
}

TEST(HostGuard, RstsThatRunOutPaceTheHostAndTheClosedCanaryJudgesEachPass) {
  HostGuard g;
  HostGuard::PassReport r;
  r.closed_canary_sent = true;
  r.closed_canary_answered = false;
  r.alive = true;
  r.late_rsts = 100;
  r.late_window = 0.5;  // 200 RSTs a second
  EXPECT_FALSE(g.EndOfPass(1, r));  // the pass proved nothing
  EXPECT_TRUE(g.rst_limited());
  EXPECT_NEAR(g.rst_rate(), 200, 1);
  EXPECT_GT(g.ceiling(), 150);
  EXPECT_LT(g.ceiling(), 200);
  ASSERT_EQ(g.events().size(), 1u);
  EXPECT_EQ(g.events()[0].kind, GuardEvent::Kind::kRstLimit);
  // Paced, with the canary answered: the pass counts.
  r.closed_canary_answered = true;
  EXPECT_TRUE(g.EndOfPass(2, r));
  // A silent canary during a pass: slower, and that pass proves nothing.
  double c = g.ceiling();
  EXPECT_TRUE(g.DueClosedCanary(3));
  g.ClosedCanaryResult(false);
  EXPECT_LT(g.ceiling(), c);
  EXPECT_FALSE(g.EndOfPass(4, r));
}

TEST(HostGuard, NoClosedCanaryOrADeadHostProvesNoLimit) {
  HostGuard g;
  HostGuard::PassReport r;
  EXPECT_TRUE(g.EndOfPass(1, r));
  // Unanswered, and nothing else answered either: no RST limit, but the
  // host may have banned us during the pass: one more canary decides.
  r.closed_canary_sent = r.open_canary_sent = true;
  EXPECT_FALSE(g.EndOfPass(1, r));
  EXPECT_FALSE(g.rst_limited());
  EXPECT_EQ(g.ceiling(), 0);
  EXPECT_EQ(g.mode(), HostGuard::Mode::kChecking);
  EXPECT_TRUE(g.Tick(2, 0, 0, kWait));  // the canary goes out at once
  g.OnCanaryAnswer(2.01);
  EXPECT_EQ(g.mode(), HostGuard::Mode::kActive);
  EXPECT_TRUE(g.events().empty());
}

}  // namespace tj
