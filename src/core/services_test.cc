#include "core/services.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <set>
#include <string>

namespace tj {
namespace {

const ServiceTable& T() { return ServiceTable::Builtin(); }

TEST(ServicesTest, WellKnownNames) {
  EXPECT_EQ(T().Name(Proto::kTcp, 21), "ftp");
  EXPECT_EQ(T().Name(Proto::kTcp, 22), "ssh");
  EXPECT_EQ(T().Name(Proto::kTcp, 23), "telnet");
  EXPECT_EQ(T().Name(Proto::kTcp, 25), "smtp");
  EXPECT_EQ(T().Name(Proto::kTcp, 53), "domain");
  EXPECT_EQ(T().Name(Proto::kTcp, 80), "http");
  EXPECT_EQ(T().Name(Proto::kTcp, 111), "rpcbind");
  EXPECT_EQ(T().Name(Proto::kTcp, 135), "msrpc");
  EXPECT_EQ(T().Name(Proto::kTcp, 139), "netbios-ssn");
  EXPECT_EQ(T().Name(Proto::kTcp, 443), "https");
  EXPECT_EQ(T().Name(Proto::kTcp, 445), "microsoft-ds");
  EXPECT_EQ(T().Name(Proto::kTcp, 3306), "mysql");
  EXPECT_EQ(T().Name(Proto::kTcp, 3389), "ms-wbt-server");
  EXPECT_EQ(T().Name(Proto::kTcp, 5432), "postgresql");
  EXPECT_EQ(T().Name(Proto::kTcp, 6379), "redis");
  EXPECT_EQ(T().Name(Proto::kTcp, 8080), "http-proxy");
  EXPECT_EQ(T().Name(Proto::kTcp, 27017), "mongodb");
  EXPECT_EQ(T().Name(Proto::kUdp, 53), "domain");
  EXPECT_EQ(T().Name(Proto::kUdp, 123), "ntp");
  EXPECT_EQ(T().Name(Proto::kUdp, 161), "snmp");
}

TEST(ServicesTest, UnknownPortHasNoName) {
  EXPECT_EQ(T().Name(Proto::kTcp, 0), "");
  EXPECT_EQ(T().Name(Proto::kTcp, 64999), "");
  EXPECT_EQ(T().Name(Proto::kUdp, 64999), "");
  // 49152/tcp is ranked (Windows dynamic RPC) but carries no name.
  EXPECT_EQ(T().Name(Proto::kTcp, 49152), "");
  ServiceTable empty;
  EXPECT_EQ(empty.Name(Proto::kTcp, 22), "");
}

TEST(ServicesTest, PortsNamed) {
  std::vector<uint16_t> ssh = T().PortsNamed("ssh", Proto::kTcp);
  EXPECT_NE(std::find(ssh.begin(), ssh.end(), 22), ssh.end());
  std::vector<uint16_t> dns = T().PortsNamed("domain", Proto::kUdp);
  EXPECT_NE(std::find(dns.begin(), dns.end(), 53), dns.end());
  EXPECT_TRUE(T().PortsNamed("no-such-service", Proto::kTcp).empty());
  EXPECT_TRUE(T().PortsNamed("", Proto::kTcp).empty());
  EXPECT_TRUE(T().PortsNamed("-", Proto::kTcp).empty());
}

TEST(ServicesTest, PortsNamedIsCaseInsensitive) {
  EXPECT_EQ(T().PortsNamed("SSH", Proto::kTcp), T().PortsNamed("ssh", Proto::kTcp));
  EXPECT_EQ(T().PortsNamed("Http", Proto::kTcp), T().PortsNamed("http", Proto::kTcp));
  EXPECT_FALSE(T().PortsNamed("HTTPS", Proto::kTcp).empty());
}

TEST(ServicesTest, AllNames) {
  std::vector<std::string_view> names = T().AllNames();
  EXPECT_GT(names.size(), 500u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  EXPECT_TRUE(std::binary_search(names.begin(), names.end(), "ssh"));
  EXPECT_FALSE(std::binary_search(names.begin(), names.end(), ""));
}

TEST(ServicesTest, TopTcpStartsWithTheRankedHead) {
  std::vector<uint16_t> top = T().TopPorts(Proto::kTcp, 100);
  ASSERT_EQ(top.size(), 100u);
  EXPECT_EQ(std::set<uint16_t>(top.begin(), top.end()).size(), 100u);
  std::vector<uint16_t> head = {22, 80, 443, 21, 23, 25, 3389, 110, 445, 139};
  EXPECT_TRUE(std::equal(head.begin(), head.end(), top.begin()));
  EXPECT_EQ(T().TopPorts(Proto::kTcp, 1), std::vector<uint16_t>{22});
  EXPECT_TRUE(T().TopPorts(Proto::kTcp, 0).empty());
}

TEST(ServicesTest, TopUdpStartsWithTheRankedHead) {
  std::vector<uint16_t> top = T().TopPorts(Proto::kUdp, 100);
  ASSERT_EQ(top.size(), 100u);
  EXPECT_EQ(std::set<uint16_t>(top.begin(), top.end()).size(), 100u);
  std::vector<uint16_t> head = {53, 161, 123, 137, 67, 68, 500, 514};
  EXPECT_TRUE(std::equal(head.begin(), head.end(), top.begin()));
}

// Every n gives exactly n distinct ports; past the ranked list the rest
// follow in ascending order, and port 0 never appears.
void ExpectEveryPortOnce(Proto proto) {
  std::vector<uint16_t> all = ServiceTable::Builtin().TopPorts(proto, 65535);
  ASSERT_EQ(all.size(), 65535u);
  std::vector<bool> seen(65536, false);
  for (uint16_t p : all) {
    ASSERT_NE(p, 0);
    ASSERT_FALSE(seen[p]) << "port " << p << " twice";
    seen[p] = true;
  }
  EXPECT_EQ(ServiceTable::Builtin().TopPorts(proto, 1000000).size(), 65535u);
}

TEST(ServicesTest, TopTcpCoversEveryPortOnce) { ExpectEveryPortOnce(Proto::kTcp); }
TEST(ServicesTest, TopUdpCoversEveryPortOnce) { ExpectEveryPortOnce(Proto::kUdp); }

TEST(ServicesTest, RankedListsAreLargeEnough) {
  // Were the ranking shorter than 1000 TCP or 100 UDP ports, the ascending
  // fill would start at port 4, an unassigned and unranked port.
  std::vector<uint16_t> tcp = T().TopPorts(Proto::kTcp, 1000);
  std::vector<uint16_t> udp = T().TopPorts(Proto::kUdp, 100);
  EXPECT_EQ(std::find(tcp.begin(), tcp.end(), 4), tcp.end());
  EXPECT_EQ(std::find(udp.begin(), udp.end(), 4), udp.end());
  for (uint16_t modern : std::initializer_list<uint16_t>{2375, 6443, 9200, 27017, 6379, 11211,
                                                         5672, 1883, 8883})
    EXPECT_NE(std::find(tcp.begin(), tcp.end(), modern), tcp.end()) << modern;
}

TEST(ServicesTest, ParseSmallTable) {
  Result<ServiceTable> t = ServiceTable::Parse(
      "# comment\n"
      "\n"
      "ssh\t22/tcp\t2\tSecure Shell\n"
      "http\t80/tcp\t1\n"
      "-\t49152/tcp\t3\tranked only\r\n"
      "domain\t53/udp\t-\tDNS\n"
      "alt\t8080/tcp\t-\tno trailing newline");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->Name(Proto::kTcp, 22), "ssh");
  EXPECT_EQ(t->Name(Proto::kTcp, 53), "");
  EXPECT_EQ(t->Name(Proto::kUdp, 53), "domain");
  EXPECT_EQ(t->Name(Proto::kTcp, 8080), "alt");
  EXPECT_EQ(t->Name(Proto::kTcp, 49152), "");
  EXPECT_EQ(t->TopPorts(Proto::kTcp, 5), (std::vector<uint16_t>{80, 22, 49152, 1, 2}));
  EXPECT_EQ(t->TopPorts(Proto::kUdp, 2), (std::vector<uint16_t>{1, 2}));
  EXPECT_EQ(t->AllNames().size(), 4u);
}

// Each malformed input must fail with its line number and the problem.
TEST(ServicesTest, ParseErrorsNameTheLine) {
  struct Case {
    const char* text;
    const char* want;
  } cases[] = {
      {"ssh\t22/tcp\n", "line 1: missing columns"},
      {"# c\nssh 22/tcp 1\n", "line 2: missing columns"},
      {"ssh\t0/tcp\t1\n", "line 1: bad port"},
      {"ssh\t65536/tcp\t1\n", "line 1: bad port"},
      {"ssh\t22x/tcp\t1\n", "line 1: bad port"},
      {"ssh\t22\t1\n", "line 1: bad port"},
      {"ssh\t22/sctp\t1\n", "line 1: bad proto"},
      {"ssh\t22/tcp\t0\n", "line 1: bad rank"},
      {"ssh\t22/tcp\tfirst\n", "line 1: bad rank"},
      {"\t22/tcp\t1\n", "line 1: bad service name"},
      {"ssh\t22/tcp\t1\nsecure\t22/tcp\t2\n", "line 2: duplicate port 22/tcp (first on line 1)"},
      {"ssh\t22/tcp\t1\n\nhttp\t80/tcp\t1\n", "line 3: duplicate tcp rank 1"},
  };
  for (const Case& c : cases) {
    Result<ServiceTable> t = ServiceTable::Parse(c.text);
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_NE(t.error().message.find(c.want), std::string::npos)
        << "got: " << t.error().message << "\nwant: " << c.want;
  }
}

TEST(ServicesTest, SamePortOnBothProtocolsAndSameRankAcrossThemIsFine) {
  Result<ServiceTable> t = ServiceTable::Parse("domain\t53/tcp\t1\ndomain\t53/udp\t1\n");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->PortsNamed("DOMAIN", Proto::kUdp), std::vector<uint16_t>{53});
}

}  // namespace
}  // namespace tj
