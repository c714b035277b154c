#include "engine/link_set.h"

#include <gtest/gtest.h>

namespace tj {
namespace {

TEST(RingBytesFor, FollowsTheAnswersAScanCanGet) {
  EXPECT_EQ(RingBytesFor(0), 16u << 20);        // not known: the largest
  EXPECT_EQ(RingBytesFor(1), 1u << 20);         // one port: the floor
  EXPECT_EQ(RingBytesFor(65535), 65535u * 160);  // every port of a host
  EXPECT_EQ(RingBytesFor(1u << 20), 16u << 20);  // a big scan: capped
  EXPECT_EQ(RingBytesFor(uint64_t{1} << 40), 16u << 20);
}

}  // namespace
}  // namespace tj
