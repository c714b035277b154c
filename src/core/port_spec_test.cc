#include "core/port_spec.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace tj {
namespace {

// A small table in the data/services.tsv format, so these tests do not
// change when the built-in data does.
const ServiceTable& Table() {
  static const ServiceTable table = [] {
    auto t = ServiceTable::Parse(
        "# name\tport/proto\trank\tdescription\n"
        "ssh\t22/tcp\t1\tSecure Shell\n"
        "ssh\t22/udp\t-\t\n"
        "http\t80/tcp\t2\tWeb\n"
        "http\t80/udp\t-\tQUIC\n"
        "https\t443/tcp\t3\tWeb over TLS\n"
        "http-alt\t8008/tcp\t-\t\n"
        "http-proxy\t8080/tcp\t4\t\n"
        "domain\t53/tcp\t-\tDNS\n"
        "domain\t53/udp\t1\tDNS\n"
        "snmp\t161/udp\t2\t\n"
        "-\t9999/tcp\t5\tranked, no name\n");
    EXPECT_TRUE(t.ok()) << t.error().message;
    return std::move(t).value();
  }();
  return table;
}

PortSpec Ok(std::string_view spec, const ServiceTable& services = Table()) {
  auto r = ParsePortSpec(spec, services);
  EXPECT_TRUE(r.ok()) << spec << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : PortSpec{};
}

// Expects an error that quotes the whole spec; returns the message.
std::string Err(std::string_view spec) {
  auto r = ParsePortSpec(spec, Table());
  EXPECT_FALSE(r.ok()) << spec;
  if (r.ok()) return "";
  const std::string& msg = r.error().message;
  EXPECT_NE(msg.find("\"" + std::string(spec) + "\""), std::string::npos) << msg;
  return msg;
}

using Ports = std::vector<uint16_t>;

TEST(PortSet, Basics) {
  PortSet s;
  EXPECT_TRUE(s.empty());
  s.Add(443);
  s.AddRange(20, 22);
  s.Add(21);
  s.AddRange(65535, 65535);
  EXPECT_EQ(s.size(), 5u);
  EXPECT_TRUE(s.Contains(21));
  EXPECT_FALSE(s.Contains(23));
  EXPECT_EQ(s.ToVector(), (Ports{20, 21, 22, 443, 65535}));
  s.Remove(21);
  EXPECT_EQ(s.ToVector(), (Ports{20, 22, 443, 65535}));
  PortSet t;
  t.AddRange(1, 65535);
  EXPECT_EQ(t.size(), 65535u);
  EXPECT_FALSE(t.Contains(0));
  EXPECT_FALSE(s == t);
}

TEST(PortSpec, SinglesAndListsApplyToBothProtocols) {
  PortSpec p = Ok("22");
  EXPECT_EQ(p.tcp.ToVector(), Ports{22});
  EXPECT_EQ(p.udp.ToVector(), Ports{22});
  p = Ok("443,22,80,22");
  EXPECT_EQ(p.tcp.ToVector(), (Ports{22, 80, 443}));
  EXPECT_EQ(p.udp, p.tcp);
  EXPECT_EQ(Ok("1").tcp.ToVector(), Ports{1});
  EXPECT_EQ(Ok("65535").tcp.ToVector(), Ports{65535});
  EXPECT_EQ(Ok("0022").tcp.ToVector(), Ports{22});
}

TEST(PortSpec, Ranges) {
  PortSpec p = Ok("1-1000");
  EXPECT_EQ(p.tcp.size(), 1000u);
  EXPECT_TRUE(p.tcp.Contains(1) && p.tcp.Contains(1000) && !p.tcp.Contains(1001));
  EXPECT_EQ(Ok("22-22").tcp.ToVector(), Ports{22});
  EXPECT_EQ(Ok("20-25,23-30").tcp.size(), 11u);
  // "-p-" passes "-": every port but 0.
  p = Ok("-");
  EXPECT_EQ(p.tcp.size(), 65535u);
  EXPECT_FALSE(p.tcp.Contains(0));
  EXPECT_TRUE(p.tcp.Contains(65535));
  EXPECT_EQ(p.udp.size(), 65535u);
  p = Ok("1000-");
  EXPECT_EQ(p.tcp.size(), 65535u - 1000u + 1u);
  EXPECT_FALSE(p.tcp.Contains(999));
  EXPECT_TRUE(p.tcp.Contains(1000) && p.tcp.Contains(65535));
  p = Ok("-100");
  EXPECT_EQ(p.tcp.size(), 100u);
  EXPECT_TRUE(p.tcp.Contains(1) && p.tcp.Contains(100));
}

TEST(PortSpec, ProtocolPrefixesSwitchLaterItems) {
  PortSpec p = Ok("T:1-1000,U:53,161");
  EXPECT_EQ(p.tcp.size(), 1000u);
  EXPECT_FALSE(p.tcp.Contains(1001));
  EXPECT_EQ(p.udp.ToVector(), (Ports{53, 161}));
  p = Ok("22,U:53,T:80,443");  // items before any prefix go to both
  EXPECT_EQ(p.tcp.ToVector(), (Ports{22, 80, 443}));
  EXPECT_EQ(p.udp.ToVector(), (Ports{22, 53}));
  p = Ok("u:161,t:-");  // prefixes are case-insensitive
  EXPECT_EQ(p.udp.ToVector(), Ports{161});
  EXPECT_EQ(p.tcp.size(), 65535u);
  EXPECT_TRUE(Ok("U:53").tcp.empty());
}

TEST(PortSpec, ServiceNames) {
  PortSpec p = Ok("ssh,http");
  EXPECT_EQ(p.tcp.ToVector(), (Ports{22, 80}));
  EXPECT_EQ(p.udp.ToVector(), (Ports{22, 80}));
  p = Ok("domain,snmp");  // only where the table lists the name
  EXPECT_EQ(p.tcp.ToVector(), Ports{53});
  EXPECT_EQ(p.udp.ToVector(), (Ports{53, 161}));
  p = Ok("T:ssh,U:domain");
  EXPECT_EQ(p.tcp.ToVector(), Ports{22});
  EXPECT_EQ(p.udp.ToVector(), Ports{53});
  EXPECT_EQ(Ok("SSH").tcp.ToVector(), Ports{22});
  p = Ok("ssh,8000-8001,https");
  EXPECT_EQ(p.tcp.ToVector(), (Ports{22, 443, 8000, 8001}));
}

TEST(PortSpec, ServiceGlobs) {
  PortSpec p = Ok("http*");
  EXPECT_EQ(p.tcp.ToVector(), (Ports{80, 443, 8008, 8080}));
  EXPECT_EQ(p.udp.ToVector(), Ports{80});
  EXPECT_EQ(Ok("T:http?").tcp.ToVector(), Ports{443});
  EXPECT_EQ(Ok("T:HTTP-*").tcp.ToVector(), (Ports{8008, 8080}));
  EXPECT_EQ(Ok("T:*").tcp.ToVector(), (Ports{22, 53, 80, 443, 8008, 8080}));  // named ports only
  EXPECT_EQ(Ok("T:*s*h*").tcp.ToVector(), Ports{22});
  EXPECT_NE(Err("nomatch*").find("\"nomatch*\""), std::string::npos);
  EXPECT_FALSE(ParsePortSpec("T:snmp", Table()).ok());  // snmp is UDP only here
}

TEST(PortSpec, GlobsStayFastOnPathologicalPatterns) {
  // Many stars must not backtrack exponentially over every service name.
  auto start = std::chrono::steady_clock::now();
  for (const char* spec : {"****************!", "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
                           "*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*!"}) {
    EXPECT_FALSE(ParsePortSpec(spec, ServiceTable::Builtin()).ok()) << spec;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(PortSpec, BuiltinTableKnowsCommonNames) {
  PortSpec p = Ok("T:ssh,http,https", ServiceTable::Builtin());
  EXPECT_TRUE(p.tcp.Contains(22) && p.tcp.Contains(80) && p.tcp.Contains(443));
  EXPECT_TRUE(p.udp.empty());
}

TEST(PortSpec, NumericErrors) {
  EXPECT_NE(Err("70000").find("\"70000\" is out of range"), std::string::npos);
  EXPECT_NE(Err("22,65536").find("\"65536\""), std::string::npos);
  EXPECT_NE(Err("99999999999999999999").find("out of range"), std::string::npos);
  EXPECT_NE(Err("0").find("\"0\""), std::string::npos);
  EXPECT_NE(Err("0-10").find("\"0\""), std::string::npos);
  EXPECT_NE(Err("22,5-1").find("range \"5-1\" is reversed (5 > 1)"), std::string::npos);
  EXPECT_NE(Err("1-2-3").find("\"1-2-3\""), std::string::npos);
  Err("--");
  Err("70000-");
  Err("-70000");
}

TEST(PortSpec, SyntaxErrors) {
  EXPECT_FALSE(ParsePortSpec("", Table()).ok());
  EXPECT_NE(Err("22,").find("empty item"), std::string::npos);
  EXPECT_NE(Err(",22").find("empty item"), std::string::npos);
  EXPECT_NE(Err("22,,80").find("empty item"), std::string::npos);
  // A prefix with nothing after it is an empty item, not "every port".
  EXPECT_NE(Err("T:").find("empty item"), std::string::npos);
  EXPECT_NE(Err("T:22,U:").find("empty item"), std::string::npos);
  EXPECT_NE(Err("X:22").find("\"X:\""), std::string::npos);
  EXPECT_NE(Err("S:22").find("use T: or U:"), std::string::npos);
  EXPECT_NE(Err("abc-1").find("\"abc-1\""), std::string::npos);
  Err("22 80");
  Err("T:U:22");
}

TEST(PortSpec, UnknownServiceSuggestsAName) {
  std::string msg = Err("sshh");
  EXPECT_NE(msg.find("unknown service name \"sshh\""), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean \"ssh\""), std::string::npos) << msg;
  msg = Err("22,htps");
  EXPECT_NE(msg.find("did you mean \"http"), std::string::npos) << msg;
  msg = Err("zzzzzzzz");
  EXPECT_EQ(msg.find("did you mean"), std::string::npos) << msg;
}

}  // namespace
}  // namespace tj
