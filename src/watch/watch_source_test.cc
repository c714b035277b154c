#include "watch/watch_source.h"

#include <gtest/gtest.h>


namespace tj {
namespace {


Recheck Ports(std::vector<uint16_t> tcp, std::vector<uint16_t> udp) {
  return Recheck{*Address::Parse("198.18.0.2"), std::move(tcp), std::move(udp)};
}

TEST(WatchRecheck, KeepsTheTechniqueAndTimingDropsTargetsPortsAndOutputs) {
  ScanRequest scan;  // -sS -T4 --max-retries 0 -p 22,80 -oJ out.json 198.18.0.0/24 --max-rate 500 -iL hosts.txt ...
  scan.technique = Technique::kSyn;
  scan.timing_level = 4;
  scan.max_retries = 0;
  scan.ports = PortSpec{};
  scan.ports->tcp.AddRange(22, 22);
  scan.ports->tcp.AddRange(80, 80);
  scan.ports_text = "22,80";
  scan.json_out = "out.json";
  scan.targets = {"198.18.0.0/24"};
  scan.max_rate = 500;
  scan.target_files = {"hosts.txt"};
  scan.excludes = {"198.18.0.9"};
  scan.store = true;
  scan.version_detect = true;
  ScanRequest q = RecheckRequest(scan, Ports({22, 23, 80}, {}));
  EXPECT_EQ(q.technique, Technique::kSyn);
  EXPECT_EQ(q.timing_level, 4);
  EXPECT_EQ(q.max_retries, 0);
  EXPECT_EQ(q.max_rate, 500);
  EXPECT_TRUE(q.version_detect);
  EXPECT_EQ(q.targets, (std::vector<std::string>{"198.18.0.2"}));
  EXPECT_TRUE(q.target_files.empty());
  EXPECT_TRUE(q.excludes.empty());
  ASSERT_TRUE(q.ports);
  EXPECT_EQ(q.ports->tcp.ToVector(), (std::vector<uint16_t>{22, 23, 80}));
  EXPECT_TRUE(q.ports->udp.empty());
  EXPECT_TRUE(q.ports_text.empty());
  EXPECT_TRUE(q.json_out.empty());
  EXPECT_FALSE(q.store);
  // The host answered moments ago: no discovery.
  EXPECT_TRUE(q.skip_discovery);
  EXPECT_FALSE(q.udp_scan);
}

TEST(WatchRecheck, UdpPortsBringTheUdpScanAndATcpTechniqueBesideIt) {
  ScanRequest none;
  ScanRequest q = RecheckRequest(none, Ports({22}, {161}));
  EXPECT_TRUE(q.udp_scan);
  EXPECT_EQ(q.technique, Technique::kSyn);  // -sU alone would leave TCP unscanned
  EXPECT_EQ(q.ports->udp.ToVector(), (std::vector<uint16_t>{161}));
  // A chosen technique stays.
  ScanRequest connect;
  connect.technique = Technique::kConnect;
  connect.udp_scan = true;
  EXPECT_EQ(RecheckRequest(connect, Ports({22}, {161})).technique, Technique::kConnect);
  // UDP ports alone: no TCP technique added.
  ScanRequest udp;
  udp.udp_scan = true;
  EXPECT_FALSE(RecheckRequest(udp, Ports({}, {161})).technique);
  EXPECT_FALSE(RecheckRequest(udp, Ports({}, {161})).ScansTcp());
}

TEST(WatchSource, StandardInputCannotFeedEveryCycle) {
  std::atomic<bool> stop{false};
  WatchSourceInfo info;
  ScanRequest scan;
  scan.target_files = {"-"};
  auto src = MakeWatchSource("", scan, &stop, &info);
  ASSERT_FALSE(src);
  EXPECT_NE(src.error().message.find("standard input"), std::string::npos);
  scan.target_files = {"hosts.txt"};
  scan.exclude_files = {"-"};
  EXPECT_FALSE(MakeWatchSource("", scan, &stop, &info));
  scan.exclude_files.clear();
  EXPECT_TRUE(MakeWatchSource("", scan, &stop, &info));  // a file is read again each cycle
}

}  // namespace
}  // namespace tj
