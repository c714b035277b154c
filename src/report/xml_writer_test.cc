#include <gtest/gtest.h>

#include <fstream>

#include "report/writer.h"
#include "support/writer_testing.h"

namespace tj {
namespace {

using namespace tj::report_testing;

std::string RenderXml(const std::vector<HostResult>& hosts, RunSummary sum = SampleSummary(),
                      ScanInfo info = SampleInfo()) {
  return Render(MakeXmlWriter, info, hosts, sum);
}

TEST(XmlWriter, HeaderNamesTojimariAndTheScan) {
  std::string x = RenderXml({SampleHost()});
  EXPECT_EQ(x.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n", 0), 0u) << x;
  EXPECT_NE(x.find("<nmaprun scanner=\"tojimari\" args=\"tojimari scan -sT -p 1-1000,33080 198.18.0.2\" "
                   "start=\"1700000000\" startstr=\""),
            std::string::npos)
      << x;
  EXPECT_NE(x.find("version=\"0.1.0\" xmloutputversion=\"1.05\">\n"), std::string::npos) << x;
  EXPECT_NE(x.find("<scaninfo type=\"connect\" protocol=\"tcp\" numservices=\"1001\" services=\"1-1000,33080\"/>\n"
                   "<verbose level=\"0\"/>\n<debugging level=\"0\"/>\n"),
            std::string::npos)
      << x;
}

TEST(XmlWriter, HostWithFoldedAndListedPorts) {
  std::string x = RenderXml({SampleHost()});
  EXPECT_NE(x.find("<status state=\"up\" reason=\"user-set\" reason_ttl=\"0\"/>\n"
                   "<address addr=\"198.18.0.2\" addrtype=\"ipv4\"/>\n<hostnames>\n</hostnames>\n"),
            std::string::npos)
      << x;
  EXPECT_NE(x.find("<ports><extraports state=\"closed\" count=\"967\">\n"
                   "<extrareasons reason=\"conn-refused\" count=\"967\" proto=\"tcp\" "
                   "ports=\"1-21,23-79,81-899,930-949,951-1000\"/>\n</extraports>\n"
                   "<extraports state=\"filtered\" count=\"31\">\n"
                   "<extrareasons reason=\"no-response\" count=\"30\" proto=\"tcp\" ports=\"900-929\"/>\n"
                   "<extrareasons reason=\"admin-prohibited\" count=\"1\" proto=\"tcp\" ports=\"950\"/>\n"
                   "</extraports>\n"),
            std::string::npos)
      << x;
  EXPECT_NE(x.find("<port protocol=\"tcp\" portid=\"22\"><state state=\"open\" reason=\"syn-ack\" "
                   "reason_ttl=\"0\"/><service name=\"ssh\" method=\"table\" conf=\"3\"/></port>\n"),
            std::string::npos)
      << x;
  // No name in the port table: no service element, as nmap does.
  EXPECT_NE(x.find("<port protocol=\"tcp\" portid=\"33080\"><state state=\"open\" reason=\"syn-ack\" "
                   "reason_ttl=\"0\"/></port>\n</ports>\n</host>\n"),
            std::string::npos)
      << x;
}

TEST(XmlWriter, Ipv6HostnamesAndReasonIp) {
  HostResult h;
  h.addr = *Address::Parse("2001:2::2");
  h.name = "a&b<\"c\">.example";
  h.name_from_ptr = true;
  PortResult p = MakePort("2001:2::2", 443, PortState::kFiltered, Reason::kAdminProhibited);
  p.reason_ttl = 63;
  p.reason_ip = *Address::Parse("2001:2::1");
  p.reason_ip_set = true;
  h.ports = {p};
  std::string x = RenderXml({h});
  EXPECT_NE(x.find("<address addr=\"2001:2::2\" addrtype=\"ipv6\"/>"), std::string::npos) << x;
  EXPECT_NE(x.find("<hostname name=\"a&amp;b&lt;&quot;c&quot;&gt;.example\" type=\"PTR\"/>"), std::string::npos)
      << x;
  EXPECT_NE(x.find("<state state=\"filtered\" reason=\"admin-prohibited\" reason_ttl=\"63\" "
                   "reason_ip=\"2001:2::1\"/>"),
            std::string::npos)
      << x;
}

TEST(XmlWriter, ServiceDetectionResults) {
  HostResult h;
  h.addr = *Address::Parse("198.18.0.2");
  h.ports = {ProbedPort()};
  std::string x = RenderXml({h});
  EXPECT_NE(x.find("<service name=\"http\" product=\"nginx\" version=\"1.22.1\" extrainfo=\"Debian\" "
                   "tunnel=\"ssl\" method=\"probed\" conf=\"10\"/>"),
            std::string::npos)
      << x;
  // The certificate as nmap's ssl-cert script element, after the service.
  EXPECT_NE(
      x.find("conf=\"10\"/><script id=\"ssl-cert\" output=\"Subject: CN=lab.example&#10;Subject Alternative "
             "Name: DNS:lab.example&#10;"),
      std::string::npos)
      << x;
  EXPECT_NE(x.find("<table key=\"validity\"><elem key=\"notBefore\">2026-01-01T00:00:00Z</elem>"),
            std::string::npos);
  EXPECT_NE(x.find("<elem key=\"starttls\">false</elem></script></port>"), std::string::npos);
}

TEST(XmlWriter, TimedOutHostHasNoPortTable) {
  HostResult h = SampleHost();
  h.status = HostStatus::kTimedOut;
  std::string x = RenderXml({h});
  EXPECT_NE(x.find(" timedout=\"true\"><status state=\"up\""), std::string::npos) << x;
  EXPECT_EQ(x.find("<ports>"), std::string::npos) << x;
}

TEST(XmlWriter, RunstatsAndInterruptedScan) {
  std::string x = RenderXml({SampleHost()}, SampleSummary(3, 1));
  EXPECT_NE(x.find("elapsed=\"1.50\" exit=\"success\"/><hosts up=\"1\" down=\"2\" total=\"3\"/>\n</runstats>\n"
                   "</nmaprun>\n"),
            std::string::npos)
      << x;
  EXPECT_NE(x.find("summary=\"tojimari done at "), std::string::npos) << x;
  x = RenderXml({}, SampleSummary(1, 0, true));
  EXPECT_NE(x.find("exit=\"error\" errormsg=\"Scan interrupted: the results are partial\"/>"), std::string::npos)
      << x;
  EXPECT_TRUE(x.ends_with("</runstats>\n</nmaprun>\n")) << x;
}

TEST(XmlWriter, CommandLineIsEscapedInCommentAndAttribute) {
  ScanInfo info = SampleInfo();
  info.args = "tojimari scan --reason -oX - \"x<y\" \x01";
  std::string x = RenderXml({}, SampleSummary(), info);
  EXPECT_NE(x.find("<!-- tojimari 0.1.0 scan initiated "), std::string::npos);
  EXPECT_NE(x.find(" as: tojimari scan -&#45;reason -oX - &quot;x&lt;y&quot; \\x01 -->"), std::string::npos) << x;
  EXPECT_NE(x.find("args=\"tojimari scan --reason -oX - &quot;x&lt;y&quot; \\x01\""), std::string::npos) << x;
}

// nmap.dtd, as Debian's nmap-common ships it, checks the element order and
// the required attributes. Only the scanner attribute is outside it (its
// enumeration allows "nmap" alone; docs/XML.md explains the choice), so the
// check runs on a copy that names nmap.
TEST(XmlWriter, ValidAgainstNmapDtd) {
  const char* dtd = "/usr/share/nmap/nmap.dtd";
  if (!HaveCommand("xmllint") || access(dtd, R_OK) != 0)
    GTEST_SKIP() << "needs xmllint (libxml2-utils) and " << dtd << " (nmap-common)";
  HostResult v6;
  v6.addr = *Address::Parse("2001:2::2");
  v6.name = "t\xc3\xa9st.example";
  v6.ports = {MakePort("2001:2::2", 22, PortState::kOpen, Reason::kSynAck), ProbedPort()};
  HostResult late = SampleHost();
  late.status = HostStatus::kTimedOut;
  std::string x = RenderXml({SampleHost(), v6, late}, SampleSummary(3, 3, true));
  const std::string path = "/tmp/tojimari-xmltest-" + std::to_string(getpid()) + ".xml";
  std::ofstream(path) << x;
  EXPECT_EQ(Shell("xmllint --noout " + path), 0) << x;
  int valid = Shell("sed 's/scanner=\"tojimari\"/scanner=\"nmap\"/' " + path + " | xmllint --noout --dtdvalid " +
                    dtd + " -");
  EXPECT_EQ(valid, 0) << x;
  // And the scanner attribute is the only thing the DTD objects to.
  EXPECT_NE(Shell("xmllint --noout --dtdvalid " + std::string(dtd) + " " + path + " 2>/dev/null"), 0);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace tj
