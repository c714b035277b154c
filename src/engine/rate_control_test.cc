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
