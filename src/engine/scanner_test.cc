// RunScan's use of host discovery, with the discoverer and the port scanner
// replaced by functions that record what they are asked: only hosts found
// up are port-scanned, down hosts are counted, -sn reports the live hosts
// with no ports, -Pn asks nobody.
#include "engine/scanner.h"

#include <gtest/gtest.h>

namespace tj {
namespace {

Result<std::vector<Address>> NoNames(std::string_view, FamilyChoice) { return MakeError("no names here"); }

struct Recorder {
  std::vector<Address> discovered, scanned;
  std::vector<HostResult> hosts;
};

// 198.18.0.1-4: .2 and .4 answer discovery (.4 with a MAC, as on the link).
TargetScan Request(const TargetList& targets, Recorder* rec) {
  TargetScan req;
  req.targets = &targets;
  req.tcp_ports = {22, 80};
  req.discover = [rec](const std::vector<Address>& group) -> Result<std::vector<HostOutcome>> {
    std::vector<HostOutcome> out(group.size());
    for (size_t i = 0; i < group.size(); ++i) {
      rec->discovered.push_back(group[i]);
      out[i].addr = group[i];
      const uint8_t last = group[i].bytes()[3];
      out[i].up = last == 2 || last == 4;
      out[i].up_reason = last == 2 ? Reason::kEchoReply : Reason::kArpResponse;
      out[i].up_ttl = last == 2 ? 64 : 0;
      if (last == 4) out[i].mac = MacAddr{{2, 0, 0, 0, 0, 4}};
      out[i].latency = std::chrono::microseconds(50);
    }
    return out;
  };
  req.scan = [rec](const std::vector<HostJob>& jobs, ResultSink*) -> Result<std::vector<HostOutcome>> {
    std::vector<HostOutcome> out(jobs.size());
    for (size_t i = 0; i < jobs.size(); ++i) {
      rec->scanned.push_back(jobs[i].addr);
      out[i].addr = jobs[i].addr;
      for (uint16_t p : jobs[i].ports) {
        PortResult r;
        r.addr = jobs[i].addr;
        r.port = p;
        out[i].ports.push_back(r);
      }
    }
    return out;
  };
  return req;
}

TargetList Targets() {
  TargetList t;
  EXPECT_TRUE(t.Add("198.18.0.1-4", FamilyChoice::kV4, NoNames).ok());
  return t;
}

TEST(RunScanDiscovery, OnlyLiveHostsArePortScanned) {
  TargetList targets = Targets();
  Recorder rec;
  TargetScan req = Request(targets, &rec);
  auto totals = ScanTargets(req, nullptr, [&](HostResult&& h) { rec.hosts.push_back(std::move(h)); });
  ASSERT_TRUE(totals);
  EXPECT_EQ(totals->hosts_total, 4u);
  EXPECT_EQ(totals->hosts_up, 2u);
  EXPECT_EQ(rec.discovered.size(), 4u);
  EXPECT_EQ(rec.scanned, (std::vector<Address>{*Address::Parse("198.18.0.2"), *Address::Parse("198.18.0.4")}));
  ASSERT_EQ(rec.hosts.size(), 2u);
  EXPECT_EQ(rec.hosts[0].reason, Reason::kEchoReply);
  EXPECT_EQ(rec.hosts[0].reason_ttl, 64);
  EXPECT_EQ(rec.hosts[0].ports.size(), 2u);
  EXPECT_EQ(rec.hosts[1].reason, Reason::kArpResponse);
  EXPECT_EQ(rec.hosts[1].mac, (MacAddr{{2, 0, 0, 0, 0, 4}}));
}

TEST(RunScanDiscovery, PingScanReportsLiveHostsWithoutPorts) {
  TargetList targets = Targets();
  Recorder rec;
  TargetScan req = Request(targets, &rec);
  req.discovery_only = true;
  req.tcp_ports.clear();
  auto totals = ScanTargets(req, nullptr, [&](HostResult&& h) { rec.hosts.push_back(std::move(h)); });
  ASSERT_TRUE(totals);
  EXPECT_EQ(totals->hosts_up, 2u);
  EXPECT_TRUE(rec.scanned.empty());
  ASSERT_EQ(rec.hosts.size(), 2u);
  for (const HostResult& h : rec.hosts) {
    EXPECT_TRUE(h.ports.empty());
    EXPECT_EQ(h.latency, std::chrono::microseconds(50));
  }
}

TEST(RunScanDiscovery, SkipDiscoveryAsksNobody) {
  TargetList targets = Targets();
  Recorder rec;
  TargetScan req = Request(targets, &rec);
  req.skip_discovery = true;
  auto totals = ScanTargets(req, nullptr, [&](HostResult&& h) { rec.hosts.push_back(std::move(h)); });
  ASSERT_TRUE(totals);
  EXPECT_TRUE(rec.discovered.empty());
  EXPECT_EQ(rec.scanned.size(), 4u);
  EXPECT_EQ(totals->hosts_up, 4u);
  for (const HostResult& h : rec.hosts) EXPECT_EQ(h.reason, Reason::kUserSet);
}

TEST(RunScanDiscovery, ADiscoveryErrorEndsTheScanWithIt) {
  TargetList targets = Targets();
  Recorder rec;
  TargetScan req = Request(targets, &rec);
  req.discover = [](const std::vector<Address>&) -> Result<std::vector<HostOutcome>> {
    return MakeError("198.18.0.1 is reached through eth9, which was not opened");
  };
  auto totals = ScanTargets(req, nullptr, [&](HostResult&& h) { rec.hosts.push_back(std::move(h)); });
  ASSERT_FALSE(totals);
  EXPECT_NE(totals.error().message.find("eth9"), std::string::npos);
  EXPECT_TRUE(rec.scanned.empty());
}

}  // namespace
}  // namespace tj
