#include "net/route_cache.h"

#include <gtest/gtest.h>

namespace tj {

TEST(RouteCache, PrefixMath) {
  Address net = *Address::Parse("198.18.0.0");
  EXPECT_TRUE(PrefixContains(net, 15, *Address::Parse("198.19.255.255")));
  EXPECT_FALSE(PrefixContains(net, 16, *Address::Parse("198.19.0.1")));
  EXPECT_TRUE(PrefixContains(net, 0, *Address::Parse("1.2.3.4")));
  EXPECT_FALSE(PrefixContains(net, 0, *Address::Parse("::1")));
  EXPECT_EQ(CommonPrefixLen(*Address::Parse("198.19.4.1"), *Address::Parse("198.18.0.0")), 15);
  EXPECT_EQ(CommonPrefixLen(*Address::Parse("2001:2::1"), *Address::Parse("2001:2::1")), 128);
  EXPECT_EQ(CommonPrefixLen(*Address::Parse("2001:2::1"), *Address::Parse("2001:3::1")), 31);
}

TEST(RouteCache, LoopbackAnswersMatchTheKernel) {
  auto cache = RouteCache::Load();
  ASSERT_TRUE(cache.ok()) << cache.error().message;
  for (const char* a : {"127.0.0.1", "127.0.0.1", "127.5.6.7"}) {
    auto cached = cache->Lookup(*Address::Parse(a));
    auto direct = LookupRoute(*Address::Parse(a));
    ASSERT_TRUE(cached.ok() && direct.ok());
    EXPECT_EQ(cached->ifindex, direct->ifindex);
    EXPECT_TRUE(cached->loopback);
  }
}

}  // namespace tj
