#include "engine/rtt.h"

#include <gtest/gtest.h>

namespace tj {
using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(Rtt, InitialTimeoutBeforeSamples) {
  Timing t = TimingTemplate(4);
  RttEstimator r(t);
  EXPECT_FALSE(r.has_sample());
  EXPECT_EQ(r.Timeout(), milliseconds(500));
}

TEST(Rtt, ClampsToMinimumOnFastLinks) {
  Timing t = TimingTemplate(4);
  RttEstimator r(t);
  for (int i = 0; i < 10; ++i) r.AddSample(microseconds(50));
  EXPECT_EQ(r.srtt(), microseconds(50));
  EXPECT_EQ(r.Timeout(), t.min_rtt_timeout);
}

TEST(Rtt, FollowsSlowLinksWithVariance) {
  Timing t = TimingTemplate(3);
  RttEstimator r(t);
  r.AddSample(milliseconds(200));
  EXPECT_EQ(r.Timeout(), milliseconds(600));  // 200 + 4 * 100
  for (int i = 0; i < 50; ++i) r.AddSample(milliseconds(300));
  EXPECT_NEAR(r.srtt().count(), 300'000, 1'000);
  EXPECT_LE(r.Timeout(), milliseconds(400));
}

TEST(Rtt, ClampsToMaximum) {
  Timing t = TimingTemplate(5);
  RttEstimator r(t);
  r.AddSample(milliseconds(5000));
  EXPECT_EQ(r.Timeout(), milliseconds(300));
}

}  // namespace tj
