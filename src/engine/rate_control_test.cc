#include "engine/rate_control.h"

#include <gtest/gtest.h>

namespace tj {

TEST(RateControl, GrowsWithoutLossUpToCeiling) {
  RateController r(1000, 10, 100000);
  for (int i = 0; i < 30; ++i) r.OnEpoch(1000, 0, 0);
  EXPECT_EQ(r.rate(), 100000);
}

TEST(RateControl, LowRandomLossDoesNotCut) {
  RateController r(50000, 10, 100000);
  r.OnEpoch(10000, 400, 0);  // 4 %: 2 % each way
  EXPECT_EQ(r.cuts(), 0u);
  EXPECT_EQ(r.rate(), 50000);  // held, not grown
}

TEST(RateControl, HeavyLossOrRingDropsHalveToFloor) {
  RateController r(50000, 1000, 100000);
  r.OnEpoch(1000, 300, 0);
  EXPECT_EQ(r.rate(), 25000);
  r.OnEpoch(10, 0, 5);
  EXPECT_EQ(r.rate(), 12500);
  for (int i = 0; i < 20; ++i) r.OnEpoch(1000, 500, 0);
  EXPECT_EQ(r.rate(), 1000);
}

}  // namespace tj

namespace tj {

TEST(RateControl, InPassGrowsWhileTheShareHolds) {
  RateController r(20000, 100, 1000000);
  for (int i = 0; i < 10; ++i) r.OnDelivery(0.96, r.rate(), 0);
  EXPECT_GT(r.rate(), 100000);
  EXPECT_EQ(r.cuts(), 0u);
}

TEST(RateControl, InPassGrowthIsBoundByWhatWasAchieved) {
  RateController r(20000, 100, 1000000);
  for (int i = 0; i < 20; ++i) r.OnDelivery(0.96, 30000, 0);
  EXPECT_LE(r.rate(), 60000);
}

TEST(RateControl, InPassFallingShareCuts) {
  RateController r(100000, 100, 1000000);
  for (int i = 0; i < 5; ++i) r.OnDelivery(0.9, 100000, 0);
  double before = r.rate();
  for (int i = 0; i < 5 && r.cuts() == 0; ++i) r.OnDelivery(0.3, before, 0);
  EXPECT_EQ(r.cuts(), 1u);
  EXPECT_LT(r.rate(), before);
}

TEST(RateControl, InPassMostlyFilteredTargetIsNotCongestion) {
  RateController r(20000, 100, 200000);
  for (int i = 0; i < 30; ++i) r.OnDelivery(i % 2 ? 0.01 : 0.0, r.rate(), 0);
  EXPECT_EQ(r.cuts(), 0u);
  EXPECT_EQ(r.rate(), 200000);
}

}  // namespace tj

namespace tj {

// A host that answered and went silent (a ban): the rate falls, and never
// climbs on the silence.
TEST(RateControl, InPassSilenceAfterAnswersNeverRaisesTheRate) {
  RateController r(50000, 100, 1000000);
  for (int i = 0; i < 5; ++i) r.OnDelivery(0.96, r.rate(), 0);
  double before = r.rate();
  for (int i = 0; i < 40; ++i) {
    double prev = r.rate();
    r.OnDelivery(0.0, prev, 0);
    EXPECT_LE(r.rate(), prev) << i;
  }
  EXPECT_LT(r.rate(), before / 8);
}

// A host that caps its answers: more probes bring no more answers, so the
// share falls as the rate rises; the rate stops rising.
TEST(RateControl, InPassCappedAnswersStopTheGrowth) {
  RateController r(20000, 100, 1000000);
  for (int i = 0; i < 30; ++i) r.OnDelivery(std::min(1.0, 2000.0 / r.rate()), r.rate(), 0);
  EXPECT_LT(r.rate(), 100000);
}

TEST(RateControl, EachPassIsJudgedOnItsOwn) {
  RateController r(50000, 100, 1000000);
  for (int i = 0; i < 5; ++i) r.OnDelivery(0.96, r.rate(), 0);
  r.StartPass();  // retransmissions: mostly filtered ports, a low share by nature
  double before = r.rate();
  for (int i = 0; i < 5; ++i) r.OnDelivery(0.01, r.rate(), 0);
  EXPECT_EQ(r.cuts(), 0u);
  EXPECT_GE(r.rate(), before);
}

}  // namespace tj
