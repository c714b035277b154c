#include "engine/congestion.h"

#include <gtest/gtest.h>

#include <random>

namespace tj {

TEST(Congestion, SlowStartGrowsToCap) {
  CongestionWindow w(64, 1000);
  for (int i = 0; i < 2000; ++i) w.OnAnswer(false);
  EXPECT_EQ(w.window(), 1000);
  EXPECT_EQ(w.cuts(), 0u);
}

TEST(Congestion, SilenceGrowsToo) {
  CongestionWindow w(64, 4096);
  for (int i = 0; i < 1000; ++i) w.OnSilence();
  EXPECT_EQ(w.window(), 1064);
}

TEST(Congestion, SteadyRandomLossDoesNotCollapseTheWindow) {
  // 4 % of answers needed a retransmission: 2 % loss each way.
  CongestionWindow w(64, 2048);
  std::mt19937 rng(1);
  std::bernoulli_distribution lost(0.04);
  for (int i = 0; i < 20000; ++i) w.OnAnswer(lost(rng));
  EXPECT_EQ(w.cuts(), 0u);
  EXPECT_GE(w.window(), 256);  // slow start may stop, the window does not shrink
}

TEST(Congestion, HeavyLossHalvesDownToTheFloor) {
  CongestionWindow w(2048, 2048);
  for (int i = 0; i < 20000; ++i) w.OnAnswer(i % 4 == 0);  // 25 % loss: queues overflowing
  EXPECT_GT(w.cuts(), 3u);
  EXPECT_LT(w.window(), 64);
  EXPECT_GE(w.window(), CongestionWindow::kMinWindow);
}

TEST(Congestion, CapBounds) {
  CongestionWindow w(64, 16);
  EXPECT_EQ(w.window(), 16);
  w.SetCap(8);
  EXPECT_EQ(w.window(), 8);
}

}  // namespace tj
