#include "audit/scan_plan.h"

#include <gtest/gtest.h>

#include "core/port_spec.h"
#include "policy/policy_file.h"

namespace tj {
namespace {

Policy Parse(const std::string& text) {
  auto p = ParsePolicy(text, "p.toml");
  EXPECT_TRUE(p) << p.error().message;
  return *p;
}

// A resolver for the test's names; it never touches DNS.
Result<std::vector<Address>> FakeDns(std::string_view name, FamilyChoice) {
  if (name == "web.lab.test") return std::vector<Address>{*Address::Parse("198.18.0.7")};
  if (name == "two.lab.test") return std::vector<Address>{*Address::Parse("198.18.0.8"), *Address::Parse("203.0.113.9")};
  return MakeError("name not found");
}

TEST(ScanPlan, OneScanForEveryGroupInsideTheScope) {
  Policy p = Parse(R"(name = "x"
scope = ["198.18.0.0/15"]
[groups.a]
hosts = ["198.18.0.2", "198.18.0.10-12", "web.lab.test"]
expected = { "22/tcp" = "ssh" }
forbidden = ["6000-6002/tcp", "161/udp"]
scan = "80"
[groups.b]
hosts = ["198.18.0.2", "198.18.1.0/30"]
expected = ["8080"]
scan = "443,T:9000"
)");
  auto plan = PlanScan(&p, FamilyChoice::kV4, FakeDns);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_TRUE(plan->service_detection);
  EXPECT_EQ(plan->udp.ToVector(), (std::vector<uint16_t>{161}));
  EXPECT_EQ(plan->targets, (std::vector<std::string>{"198.18.0.2", "198.18.0.10-12", "198.18.0.7", "198.18.1.0/30"}));
  // The name now matches its address, whatever name a scan reports.
  EXPECT_TRUE(p.groups[0].hosts[2].Matches(*Address::Parse("198.18.0.7"), "ptr.example"));
  // The request keeps the user's options and takes the plan's targets and ports.
  ScanRequest base;
  base.timing_level = 4;
  base.no_dns = true;
  ScanRequest tcp = PlanRequest(*plan, base, false);
  EXPECT_EQ(tcp.timing_level, 4);
  EXPECT_TRUE(tcp.no_dns);
  EXPECT_TRUE(tcp.i_know);
  EXPECT_TRUE(tcp.version_detect);
  EXPECT_FALSE(tcp.udp_scan);
  EXPECT_FALSE(tcp.technique);
  ASSERT_TRUE(tcp.ports);
  EXPECT_EQ(tcp.ports->tcp.ToVector(), (std::vector<uint16_t>{22, 80, 443, 6000, 6001, 6002, 8080, 9000}));
  EXPECT_TRUE(tcp.ports->udp.empty());
  EXPECT_EQ(tcp.targets, plan->targets);
  // With raw sockets the UDP ports are scanned too, and -sU alone would drop TCP.
  ScanRequest both = PlanRequest(*plan, ScanRequest{}, true);
  EXPECT_TRUE(both.udp_scan);
  EXPECT_EQ(both.technique, Technique::kSyn);
  EXPECT_EQ(both.ports->udp.ToVector(), (std::vector<uint16_t>{161}));
  ScanRequest connect;
  connect.technique = Technique::kConnect;
  EXPECT_EQ(PlanRequest(*plan, connect, true).technique, Technique::kConnect);
  // A port spec the user gave cannot reach the plan's request.
  base.ports_text = "1-65535";
  base.top_ports = 5;
  EXPECT_TRUE(PlanRequest(*plan, base, false).ports_text.empty());
  EXPECT_EQ(PlanRequest(*plan, base, false).top_ports, 0);
}

TEST(ScanPlan, DefaultPortsAreTheTop1000PlusThePolicysOwn) {
  Policy p = Parse("name = \"x\"\nscope = [\"198.18.0.0/15\"]\n[groups.a]\nhosts = [\"198.18.0.2\"]\nforbidden = [47123]\n");
  auto plan = PlanScan(&p, FamilyChoice::kV4, FakeDns);
  ASSERT_TRUE(plan);
  auto spec = std::optional<PortSpec>(PortSpec{plan->tcp, plan->udp});
  EXPECT_TRUE(plan->udp.empty());
  auto top = ServiceTable::Builtin().TopPorts(Proto::kTcp, 1000);
  ASSERT_EQ(std::count(top.begin(), top.end(), 47123), 0);
  EXPECT_EQ(spec->tcp.size(), 1001u);
  for (uint16_t port : top) EXPECT_TRUE(spec->tcp.Contains(port)) << port;
  EXPECT_TRUE(spec->tcp.Contains(47123));
  EXPECT_FALSE(plan->service_detection);
}

TEST(ScanPlan, NamesResolvingOutsideTheScopeAreRefused) {
  Policy p = Parse("name = \"x\"\nscope = [\"198.18.0.0/15\"]\n[groups.a]\nhosts = [\"198.18.0.2\",\n  \"two.lab.test\"]\n");
  auto plan = PlanScan(&p, FamilyChoice::kV4, FakeDns);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().message,
            "p.toml:5: host \"two.lab.test\" resolves to 203.0.113.9, outside the scope (198.18.0.0/15)");
  p = Parse("name = \"x\"\nscope = [\"198.18.0.0/15\"]\n[groups.a]\nhosts = [\"nowhere.lab.test\"]\n");
  plan = PlanScan(&p, FamilyChoice::kV4, FakeDns);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().message, "p.toml:4: host \"nowhere.lab.test\": name not found");
}

TEST(ScanPlan, APolicyWithoutGroupsHasNothingToScan) {
  Policy p = Parse("name = \"x\"\nscope = [\"198.18.0.0/15\"]\n");
  auto plan = PlanScan(&p, FamilyChoice::kV4, FakeDns);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().message, "p.toml: the policy names no hosts to scan");
}

}  // namespace
}  // namespace tj
