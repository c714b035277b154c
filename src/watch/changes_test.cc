#include "watch/changes.h"

#include <gtest/gtest.h>

#include "support/watch_testing.h"

namespace tj {
namespace {

using testing::Host;
using testing::Record;
constexpr auto kOpen = PortState::kOpen, kClosed = PortState::kClosed, kFiltered = PortState::kFiltered;

TEST(WatchChanges, StateChangesBothWays) {
  auto before = Record({Host("198.18.0.2", {{22, kOpen}, {80, kClosed}, {443, kOpen}})});
  auto after = Record({Host("198.18.0.2", {{22, kOpen}, {80, kOpen}, {443, kFiltered}})});
  auto flips = PortFlips(before, after);
  ASSERT_EQ(flips.size(), 2u);
  EXPECT_EQ(flips[0].port, 80);
  EXPECT_EQ(flips[0].before, kClosed);
  EXPECT_EQ(flips[0].after, kOpen);
  EXPECT_EQ(flips[1].port, 443);
  EXPECT_EQ(flips[1].after, kFiltered);
  EXPECT_TRUE(PortFlips(after, after).empty());
}

TEST(WatchChanges, UnreportedPortsCountOnlyWhenOpen) {
  // A closed port folded away (or a narrower scan) is no change; an open
  // port appearing or vanishing is.
  auto before = Record({Host("198.18.0.2", {{22, kOpen}, {25, kClosed}})});
  auto after = Record({Host("198.18.0.2", {{8080, kOpen}, {9090, kClosed}})});
  auto flips = PortFlips(before, after);
  ASSERT_EQ(flips.size(), 2u);
  EXPECT_EQ(flips[0].port, 22);
  EXPECT_EQ(flips[0].after, std::nullopt);
  EXPECT_EQ(flips[1].port, 8080);
  EXPECT_EQ(flips[1].before, std::nullopt);
  EXPECT_EQ(StateText(flips[1].before), "not reported");
}

TEST(WatchChanges, HostDownLosesItsOpenPorts) {
  auto before = Record({Host("198.18.0.2", {{22, kOpen}})});
  auto after = before;
  after.hosts[0].status = HostStatus::kDown;
  auto flips = PortFlips(before, after);
  ASSERT_EQ(flips.size(), 1u);
  EXPECT_EQ(flips[0].after, std::nullopt);
}

TEST(WatchChanges, SameStateOnAnotherProtocolIsAnotherPort) {
  auto before = Record({Host("198.18.0.2", {{53, kOpen}})});
  auto after = Record({Host("198.18.0.2", {{53, kOpen}}), Host("198.18.0.2", {{53, kOpen}}, Proto::kUdp)});
  auto flips = PortFlips(before, after);
  ASSERT_EQ(flips.size(), 1u);
  EXPECT_EQ(flips[0].proto, Proto::kUdp);
}

TEST(WatchChanges, FindingsAppearedAndCleared) {
  FindingBrief a{"unexpected-open 198.18.0.2 111/tcp", "high", "portmapper", "198.18.0.2", "111/tcp"};
  FindingBrief b{"forbidden-open 198.18.0.2 3306/tcp", "critical", "mysql", "198.18.0.2", "3306/tcp"};
  FindingBrief c{"unexpected-open 198.18.0.2 33080/tcp", "medium", "dev server", "198.18.0.2", "33080/tcp"};
  auto d = CompareFindings({a, b}, {b, c});
  ASSERT_EQ(d.appeared.size(), 1u);
  EXPECT_EQ(d.appeared[0].key, c.key);
  ASSERT_EQ(d.cleared.size(), 1u);
  EXPECT_EQ(d.cleared[0].key, a.key);
  EXPECT_TRUE(CompareFindings({a}, {a}).empty());
}

TEST(WatchChanges, RechecksPerHost) {
  auto before = Record({Host("198.18.0.2", {{22, kOpen}, {23, kOpen}}), Host("198.18.0.3", {{80, kClosed}})});
  auto after = Record({Host("198.18.0.2", {{22, kClosed}, {23, kClosed}}), Host("198.18.0.3", {{80, kOpen}})});
  after.hosts.push_back(Host("198.18.0.2", {{161, kOpen}}, Proto::kUdp));
  auto rechecks = RechecksFor(PortFlips(before, after));
  ASSERT_EQ(rechecks.size(), 2u);
  EXPECT_EQ(rechecks[0], (Recheck{*Address::Parse("198.18.0.2"), {22, 23}, {161}}));
  EXPECT_EQ(rechecks[1], (Recheck{*Address::Parse("198.18.0.3"), {80}, {}}));
}

TEST(WatchChanges, RecheckSuppressesWhatCameBack) {
  // 22 looked filtered (a lost SYN) but the re-check sees it open again:
  // suppressed. 8080 opened and is still open: confirmed. 443 closed, and
  // the re-check sees it filtered: still a change, reported as filtered.
  auto before = Record({Host("198.18.0.2", {{22, kOpen}, {443, kOpen}, {8080, kClosed}})});
  auto after = Record({Host("198.18.0.2", {{22, kFiltered}, {443, kClosed}, {8080, kOpen}})});
  auto recheck = Record({Host("198.18.0.2", {{22, kOpen}, {443, kFiltered}, {8080, kOpen}})});
  auto c = ConfirmFlips(PortFlips(before, after), {recheck});
  ASSERT_EQ(c.suppressed.size(), 1u);
  EXPECT_EQ(c.suppressed[0].port, 22);
  EXPECT_EQ(c.suppressed[0].after, kFiltered);  // what the run saw
  ASSERT_EQ(c.confirmed.size(), 2u);
  EXPECT_EQ(c.confirmed[0].port, 443);
  EXPECT_EQ(c.confirmed[0].after, kFiltered);
  EXPECT_TRUE(c.confirmed[0].rechecked);
  EXPECT_EQ(c.confirmed[1].port, 8080);
}

TEST(WatchChanges, ANewPortGoneByRecheckIsSuppressed) {
  auto before = Record({Host("198.18.0.2", {{22, kOpen}})});
  auto after = Record({Host("198.18.0.2", {{22, kOpen}, {5000, kOpen}})});
  auto recheck = Record({Host("198.18.0.2", {})});  // 5000 not reported (closed, folded)
  auto c = ConfirmFlips(PortFlips(before, after), {recheck});
  EXPECT_TRUE(c.confirmed.empty());
  ASSERT_EQ(c.suppressed.size(), 1u);
}

TEST(WatchChanges, ApplyRechecksCorrectsTheRecord) {
  auto record = Record({Host("198.18.0.2", {{22, kFiltered}, {80, kOpen}})});
  auto recheck = Record({Host("198.18.0.2", {{22, kOpen}, {25, kClosed}})});
  ApplyRechecks({recheck}, &record);
  ASSERT_EQ(record.hosts[0].ports.size(), 3u);
  EXPECT_EQ(record.hosts[0].ports[0].port, 22);
  EXPECT_EQ(record.hosts[0].ports[0].state, kOpen);
  EXPECT_EQ(record.hosts[0].ports[1].port, 25);  // inserted in order
  EXPECT_EQ(record.hosts[0].ports[2].port, 80);
}

}  // namespace
}  // namespace tj
