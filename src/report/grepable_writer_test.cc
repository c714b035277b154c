#include <gtest/gtest.h>

#include "report/writer.h"
#include "support/writer_testing.h"

namespace tj {
namespace {

using namespace tj::report_testing;

std::string RenderG(const std::vector<HostResult>& hosts, RunSummary sum = SampleSummary(),
                    ScanInfo info = SampleInfo()) {
  return Render(MakeGrepableWriter, info, hosts, sum);
}

TEST(GrepableWriter, HeaderStatusPortsAndFooter) {
  std::string g = RenderG({SampleHost()});
  EXPECT_EQ(g.rfind("# tojimari 0.1.0 scan initiated ", 0), 0u) << g;
  EXPECT_NE(g.find(" as: tojimari scan -sT -p 1-1000,33080 198.18.0.2\n"), std::string::npos) << g;
  EXPECT_NE(g.find("\nHost: 198.18.0.2 ()\tStatus: Up\n"
                   "Host: 198.18.0.2 ()\tPorts: 22/open/tcp//ssh///, 80/open/tcp//http///, 33080/open/tcp/////"
                   "\tIgnored State: closed (967), filtered (31)\n"),
            std::string::npos)
      << g;
  EXPECT_NE(g.find("\n# tojimari done at "), std::string::npos) << g;
  EXPECT_TRUE(g.ends_with(" -- 1 IP address (1 host up) scanned in 1.50 seconds\n")) << g;
}

TEST(GrepableWriter, OneIgnoredStateAsNmapWritesIt) {
  HostResult h;
  h.addr = *Address::Parse("198.18.0.2");
  h.name = "target.example";
  for (uint16_t p = 1; p <= 30; ++p) h.ports.push_back(MakePort("198.18.0.2", p, PortState::kClosed, Reason::kConnRefused));
  h.ports.push_back(MakePort("198.18.0.2", 50010, PortState::kOpen, Reason::kSynAck));
  std::string g = RenderG({h});
  EXPECT_NE(g.find("Host: 198.18.0.2 (target.example)\tPorts: 50010/open/tcp/////\tIgnored State: closed (30)\n"),
            std::string::npos)
      << g;
  h.ports.pop_back();
  g = RenderG({h});
  EXPECT_NE(g.find("Host: 198.18.0.2 (target.example)\tPorts: \tIgnored State: closed (30)\n"), std::string::npos)
      << g;
}

TEST(GrepableWriter, SmallStatesAreListed) {
  HostResult h;
  h.addr = *Address::Parse("2001:2::2");
  h.ports = {MakePort("2001:2::2", 23, PortState::kClosed, Reason::kConnRefused),
             MakePort("2001:2::2", 443, PortState::kFiltered, Reason::kNoResponse)};
  std::string g = RenderG({h});
  EXPECT_NE(g.find("Host: 2001:2::2 ()\tPorts: 23/closed/tcp//telnet///, 443/filtered/tcp//https///\n"),
            std::string::npos)
      << g;
}

TEST(GrepableWriter, ServiceDetectionResults) {
  HostResult h;
  h.addr = *Address::Parse("198.18.0.2");
  h.ports = {ProbedPort()};
  std::string g = RenderG({h});
  EXPECT_NE(g.find("Ports: 443/open/tcp//ssl|http//nginx 1.22.1 (Debian)/\n"), std::string::npos) << g;
}

TEST(GrepableWriter, NamesCannotBreakTheLine) {
  HostResult h;
  h.addr = *Address::Parse("198.18.0.2");
  h.name = "evil\tname\n(x)";
  std::string g = RenderG({h});
  EXPECT_NE(g.find("Host: 198.18.0.2 (evil\\x09name\\x0a[x])\tStatus: Up\n"), std::string::npos) << g;
}

TEST(GrepableWriter, TimeoutAndInterruption) {
  HostResult h = SampleHost();
  h.status = HostStatus::kTimedOut;
  std::string g = RenderG({h}, SampleSummary(1, 1, true));
  EXPECT_NE(g.find("Host: 198.18.0.2 ()\tStatus: Timeout\n"), std::string::npos) << g;
  EXPECT_EQ(g.find("Ports:"), std::string::npos) << g;
  EXPECT_NE(g.find("# Scan interrupted: the results above are partial\n# tojimari done at "), std::string::npos)
      << g;
}

}  // namespace
}  // namespace tj
