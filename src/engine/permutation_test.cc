#include "engine/permutation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

namespace tj {
namespace {

// True if p maps [0, n) onto [0, n) with no value twice.
bool IsBijection(const Permutation& p) {
  std::vector<bool> hit(p.size());
  for (uint64_t i = 0; i < p.size(); ++i) {
    uint64_t v = p(i);
    if (v >= p.size() || hit[v]) return false;
    hit[v] = true;
  }
  return true;
}

TEST(Permutation, BijectionForEverySmallSize) {
  for (uint64_t n = 1; n <= 2000; ++n) {
    ASSERT_TRUE(IsBijection(Permutation(n, n * 7919))) << "n = " << n;
  }
}

TEST(Permutation, BijectionForLargerSizes) {
  // Powers of four fill the Feistel domain exactly; one past them is the
  // worst case for cycle walking (domain just under 4n).
  for (uint64_t n : {65535ull, 65536ull, 65537ull, 131072ull, 1'000'003ull}) {
    EXPECT_TRUE(IsBijection(Permutation(n, 42))) << "n = " << n;
  }
}

TEST(Permutation, HugeDomainsStayInRange) {
  for (uint64_t n : {uint64_t{1} << 48, (uint64_t{1} << 48) + 1, ~uint64_t{0}}) {
    Permutation p(n, 9);
    std::vector<uint64_t> out;
    for (uint64_t i = 0; i < 100'000; ++i) out.push_back(p(i));
    for (uint64_t i = n - 1000; i < n; ++i) out.push_back(p(i));
    EXPECT_TRUE(std::all_of(out.begin(), out.end(), [n](uint64_t v) { return v < n; }));
    std::sort(out.begin(), out.end());
    EXPECT_EQ(std::adjacent_find(out.begin(), out.end()), out.end()) << "duplicate for n = " << n;
  }
}

TEST(Permutation, SameSeedSameOrder) {
  Permutation a(100'000, 1234), b(100'000, 1234);
  for (uint64_t i = 0; i < a.size(); ++i) ASSERT_EQ(a(i), b(i));
}

TEST(Permutation, DifferentSeedsDifferentOrders) {
  const uint64_t n = 1000;
  std::vector<std::vector<uint64_t>> orders;
  for (uint64_t seed : {0ull, 1ull, 2ull, 3ull, 0x9e3779b97f4a7c15ull}) {
    Permutation p(n, seed);
    std::vector<uint64_t> order;
    for (uint64_t i = 0; i < n; ++i) order.push_back(p(i));
    orders.push_back(order);
  }
  for (size_t a = 0; a < orders.size(); ++a) {
    for (size_t b = a + 1; b < orders.size(); ++b) {
      size_t same = 0;
      for (uint64_t i = 0; i < n; ++i) same += orders[a][i] == orders[b][i];
      EXPECT_LT(same, 20u) << "seeds #" << a << " and #" << b;  // ~1 expected
    }
  }
}

TEST(Permutation, NotTheIdentityOrASimpleShift) {
  Permutation p(1 << 20, 5);
  int fixed = 0, ascending = 0;
  for (uint64_t i = 0; i < 10'000; ++i) {
    fixed += p(i) == i;
    ascending += p(i + 1) > p(i);
  }
  EXPECT_LT(fixed, 5);
  EXPECT_NEAR(ascending, 5000, 300);
}

TEST(Permutation, SpreadsProbesOverHosts) {
  // 4 hosts x 65535 ports, pair index = port * 4 + host. Any stretch of
  // positions should hit each host about equally (never one host in a burst)
  // and reach ports from all over the range, not a run of neighbours. Index
  // order itself would pass the first check but not the next host or port
  // checks: it walks the hosts in strict turn and the ports in sequence.
  const uint64_t hosts = 4, n = hosts * 65535;
  for (uint64_t seed : {1ull, 2ull, 3ull}) {
    Permutation p(n, seed);
    for (uint64_t start : {uint64_t{0}, n / 2, n - 1000}) {
      std::array<int, hosts> per_host{};
      int same_as_previous = 0;
      uint64_t previous = hosts, min_port = n, max_port = 0;
      for (uint64_t i = start; i < start + 1000; ++i) {
        uint64_t host = p(i) % hosts, port = p(i) / hosts;
        ++per_host[host];
        same_as_previous += host == previous;
        previous = host;
        min_port = std::min(min_port, port);
        max_port = std::max(max_port, port);
      }
      for (int count : per_host) EXPECT_LE(count, 400) << "seed " << seed << " start " << start;
      // Like independent draws: the next probe hits the same host 1 time in 4.
      EXPECT_GT(same_as_previous, 150);
      EXPECT_LT(same_as_previous, 350);
      EXPECT_LT(min_port, 5000u);
      EXPECT_GT(max_port, 60000u);
    }
  }
}

TEST(Shard, SizesAddUpAndPositionsPartition) {
  for (uint64_t n : {1ull, 2ull, 6ull, 7ull, 100ull, 1001ull, 65535ull}) {
    Permutation p(n, n);
    for (uint64_t count = 1; count <= 7; ++count) {
      std::vector<bool> position_seen(n), target_seen(n);
      uint64_t total = 0;
      for (uint64_t index = 0; index < count; ++index) {
        Shard s{index, count};
        total += s.Size(n);
        for (uint64_t k = 0; k < s.Size(n); ++k) {
          uint64_t pos = s.Position(k);
          ASSERT_LT(pos, n);
          ASSERT_FALSE(position_seen[pos]) << "n " << n << " count " << count;
          position_seen[pos] = true;
          target_seen[p(pos)] = true;
        }
        // Shards differ in size by at most one.
        EXPECT_LE(s.Size(n), n / count + 1);
        EXPECT_GE(s.Size(n), n / count);
      }
      EXPECT_EQ(total, n);
      EXPECT_TRUE(std::all_of(position_seen.begin(), position_seen.end(), [](bool b) { return b; }));
      EXPECT_TRUE(std::all_of(target_seen.begin(), target_seen.end(), [](bool b) { return b; }));
    }
  }
}

TEST(Permutation, TenMillionCallsRun) {
  // Throughput smoke test: no time assertion (CI machines vary), but a slow
  // round function would show up as a slow test.
  Permutation p(uint64_t{1} << 32 | 12345, 77);
  uint64_t sum = 0;
  for (uint64_t i = 0; i < 10'000'000; ++i) sum += p(i);
  EXPECT_NE(sum, 0u);
}

}  // namespace
}  // namespace tj
