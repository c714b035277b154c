#include "audit/risks.h"

#include <gtest/gtest.h>

namespace tj {
namespace {

TEST(RiskBase, BuiltinCoversThePortsThePolicyAuditNeeds) {
  const RiskBase& kb = RiskBase::Builtin();
  struct Want {
    uint16_t port;
    Proto proto;
    const char* id;
  };
  const Want wants[] = {
      {111, Proto::kTcp, "rpcbind"},     {3306, Proto::kTcp, "mysql"},          {5432, Proto::kTcp, "postgresql"},
      {6379, Proto::kTcp, "redis"},      {27017, Proto::kTcp, "mongodb"},       {9200, Proto::kTcp, "elasticsearch"},
      {11211, Proto::kTcp, "memcached"}, {23, Proto::kTcp, "telnet"},           {21, Proto::kTcp, "ftp"},
      {161, Proto::kUdp, "snmp"},        {2375, Proto::kTcp, "docker-api"},     {2376, Proto::kTcp, "docker-api"},
      {6443, Proto::kTcp, "kubernetes-api"}, {10250, Proto::kTcp, "kubelet"},   {3000, Proto::kTcp, "dev-web-server"},
      {5000, Proto::kTcp, "dev-web-server"}, {8000, Proto::kTcp, "dev-web-server"}, {8080, Proto::kTcp, "dev-web-server"},
      {33080, Proto::kTcp, "dev-web-server"}, {22, Proto::kTcp, "ssh"},         {3389, Proto::kTcp, "rdp"},
      {445, Proto::kTcp, "smb"},         {139, Proto::kTcp, "smb"},             {137, Proto::kUdp, "netbios"},
      {5900, Proto::kTcp, "vnc"},        {389, Proto::kTcp, "ldap"},            {873, Proto::kTcp, "rsync"},
      {2049, Proto::kTcp, "nfs"},        {6000, Proto::kTcp, "x11"},            {1883, Proto::kTcp, "mqtt"},
  };
  for (const Want& w : wants) EXPECT_EQ(kb.ForPort(w.proto, w.port, "").id, w.id) << w.port;
  EXPECT_EQ(kb.ForPort(Proto::kTcp, 47123, "").id, "unexpected-open");
  for (const Risk& r : kb.all()) {
    EXPECT_GT(r.risk.size(), 60u) << r.id << ": the risk is explained in words";
    EXPECT_GT(r.remediation.size(), 30u) << r.id;
  }
}

TEST(RiskBase, ProbedServiceNameWinsOverThePort) {
  const RiskBase& kb = RiskBase::Builtin();
  EXPECT_EQ(kb.ForPort(Proto::kTcp, 8080, "redis").id, "redis");  // Redis moved to 8080
  EXPECT_EQ(kb.ForPort(Proto::kTcp, 3306, "ssh").id, "ssh");
  EXPECT_EQ(kb.ForPort(Proto::kTcp, 3306, "no-such-service").id, "mysql");
}

TEST(RiskBase, ParseErrorsNameTheEntry) {
  auto r = RiskBase::Parse("[[risk]]\nid = \"x\"\nseverity = \"severe\"\ntitle = \"t\"\nrisk = \"r\"\nremediation = \"m\"\n",
                           "k.toml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "k.toml:1: unknown severity \"severe\"");
  r = RiskBase::Parse("[[risk]]\nid = \"x\"\nseverity = \"low\"\ntitle = \"t\"\nrisk = \"r\"\nremediation = \"m\"\n", "k.toml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "k.toml: no entry \"unexpected-open\", which the audit needs");
}

// A syntax error is one line naming the file and the line, as for policies.
TEST(RiskBase, SyntaxErrorsAreOneLine) {
  auto r = RiskBase::Parse("[[risk]]\nid = \n", "k.toml");
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().message.starts_with("k.toml:2: ")) << r.error().message;
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos) << r.error().message;
  r = RiskBase::Parse("a = " + std::string(40, '['), "k.toml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "k.toml:1: arrays and tables nest deeper than 32 levels");
}

}  // namespace
}  // namespace tj
