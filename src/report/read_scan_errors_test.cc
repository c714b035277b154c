// ReadScanText and ReadScanFile on broken or hostile input: every refusal is
// one line that starts with the file's name and says what is wrong, and where.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "report/read_scan.h"
#include "support/writer_testing.h"

namespace tj {
namespace {

using namespace tj::report_testing;

// The error for text, which must be one line starting with its name.
std::string ErrorOf(std::string_view text, const char* name = "scan.x") {
  Result<ScanRecord> r = ReadScanText(text, name);
  if (r.ok()) return "(read without error)";
  const std::string& m = r.error().message;
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  EXPECT_EQ(m.rfind(name, 0), 0u) << m;
  return m;
}

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? s : s.replace(at, from.size(), to);
}

TEST(ReadScanTest, NotAReport) {
  EXPECT_NE(ErrorOf("").find("empty"), std::string::npos);
  EXPECT_NE(ErrorOf(" \n\t ").find("empty"), std::string::npos);
  EXPECT_NE(ErrorOf("Starting Nmap 7.93").find("neither JSON nor XML"), std::string::npos);
  EXPECT_NE(ErrorOf(R"({"name": "x", "version": 3})").find("another kind"), std::string::npos);
  EXPECT_NE(ErrorOf("[1,2]").find("neither JSON nor XML"), std::string::npos);
  EXPECT_NE(ErrorOf("<?xml version=\"1.0\"?>\n<svg/>").find("another kind, not an nmap-format scan report (root <svg>)"),
            std::string::npos);
  EXPECT_NE(ErrorOf(R"({"format":"tojimari-scan","schema_version":2,"hosts":[],"run_stats":{}})")
                .find("schema_version 2"),
            std::string::npos);
}

TEST(ReadScanTest, TruncatedReportsNameTheLine) {
  std::string x = Render(MakeXmlWriter, SampleInfo(), {SampleHost()}, SampleSummary());
  std::string m = ErrorOf(x.substr(0, x.size() / 2));
  EXPECT_NE(m.find("malformed XML"), std::string::npos) << m;
  EXPECT_TRUE(m.starts_with("scan.x:")) << m;
  EXPECT_GT(std::atoi(m.c_str() + 7), 1) << m;
  std::string j = Render(MakeJsonWriter, SampleInfo(), {SampleHost()}, SampleSummary());
  m = ErrorOf(j.substr(0, j.size() - 20));
  EXPECT_NE(m.find("not valid JSON"), std::string::npos) << m;
  EXPECT_NE(m.find("at line 3, column"), std::string::npos) << m;  // the header, a host, the run_stats
}

TEST(ReadScanTest, BadValuesAreNamed) {
  const std::string x = Render(MakeXmlWriter, SampleInfo(), {SampleHost()}, SampleSummary());
  const auto line = std::count(x.begin(), x.begin() + x.find("portid=\"22\""), '\n') + 1;
  std::string m = ErrorOf(Replace(x, "portid=\"22\"", "portid=\"70000\""));
  EXPECT_EQ(m, fmt::format("scan.x:{}: <port>: portid=\"70000\": expected an integer 0-65535", line));
  m = ErrorOf(Replace(x, "portid=\"22\"", "portid=\"-1\""));
  EXPECT_NE(m.find("portid"), std::string::npos) << m;
  m = ErrorOf(Replace(x, "state=\"open\" reason", "state=\"ajar\" reason"));
  EXPECT_NE(m.find("<state>: unknown port state \"ajar\""), std::string::npos) << m;
  m = ErrorOf(Replace(x, "protocol=\"tcp\" portid", "protocol=\"icmp\" portid"));
  EXPECT_NE(m.find("unknown protocol \"icmp\""), std::string::npos) << m;
  m = ErrorOf(Replace(x, "addr=\"198.18.0.2\"", "addr=\"198.18.0.300\""));
  EXPECT_NE(m.find("not an IP address"), std::string::npos) << m;
  // A start past 2262 would overflow the clock (found by the read_scan fuzzer).
  m = ErrorOf(Replace(x, " start=\"", " start=\"9795322903\" was=\""));
  EXPECT_NE(m.find("start=\"9795322903\": expected an integer 0-"), std::string::npos) << m;

  const std::string j = Render(MakeJsonWriter, SampleInfo(), {SampleHost()}, SampleSummary());
  m = ErrorOf(Replace(j, "\"port\":22,", "\"port\":70000,"));
  EXPECT_NE(m.find("hosts[0].ports[0].port: expected an integer 0-65535, got \"70000\""), std::string::npos) << m;
  m = ErrorOf(Replace(j, "\"state\":\"open\"", "\"state\":\"ajar\""));
  EXPECT_NE(m.find("hosts[0].ports[0].state: unknown port state \"ajar\""), std::string::npos) << m;
  m = ErrorOf(Replace(j, "\"port\":22,", "\"port\":\"22\","));
  EXPECT_NE(m.find("hosts[0].ports[0].port: expected an integer"), std::string::npos) << m;
  m = ErrorOf(Replace(j, "\"hosts\":[", "\"hosts\":{\"a\":1},\"x\":["));
  EXPECT_NE(m.find("hosts: expected an array"), std::string::npos) << m;
  m = ErrorOf(Replace(j, "\"address\":\"198.18.0.2\"", "\"address\":7"));
  EXPECT_NE(m.find("hosts[0].address: expected a string"), std::string::npos) << m;
  m = ErrorOf(Replace(j, "\"start\":", "\"start\":9795322903,\"x\":"));
  EXPECT_NE(m.find("start: expected an integer 0-"), std::string::npos) << m;
}

// Entity declarations are refused before parsing: no billion laughs, no
// external entities that read local files.
TEST(ReadScanTest, EntitiesAreRefused) {
  std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [\n<!ENTITY a \"aaaaaaaaaa\">\n";
  for (char e = 'b'; e <= 'j'; ++e)
    bomb += fmt::format("<!ENTITY {} \"&{};&{};&{};&{};&{};&{};&{};&{};&{};&{};\">\n", e, e - 1, e - 1, e - 1, e - 1,
                        e - 1, e - 1, e - 1, e - 1, e - 1, e - 1);
  bomb += "]>\n<nmaprun scanner=\"&j;\"/>\n";
  EXPECT_NE(ErrorOf(bomb).find("declares XML entities"), std::string::npos);
  std::string xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                    "<nmaprun args=\"&x;\"/>";
  EXPECT_NE(ErrorOf(xxe).find("declares XML entities"), std::string::npos);
  // UTF-16 cannot hide a declaration from the check: reports are read as UTF-8.
  std::string utf16;
  for (char ch : std::string("<?xml version=\"1.0\"?><!DOCTYPE nmaprun [<!ENTITY x \"y\">]><nmaprun/>")) {
    utf16 += ch;
    utf16 += '\0';
  }
  EXPECT_NE(ErrorOf(utf16).find("scan.x"), std::string::npos);
}

TEST(ReadScanTest, Files) {
  char dir[] = "/tmp/tojimari-readscan-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string d = dir;
  Result<ScanRecord> r = ReadScanFile(d + "/missing.xml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, d + "/missing.xml: cannot open: No such file or directory");
  r = ReadScanFile(d);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, d + ": is a directory, not a report file");
  r = ReadScanFile("/dev/null");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "/dev/null: not a regular file");
  {
    std::ofstream(d + "/empty.json");
    std::ofstream(d + "/a.json") << Render(MakeJsonWriter, SampleInfo(), {SampleHost()}, SampleSummary());
  }
  r = ReadScanFile(d + "/empty.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, d + "/empty.json: empty file, not a scan report");
  r = ReadScanFile(d + "/a.json");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->hosts.size(), 1u);
  std::filesystem::remove_all(d);
}

}  // namespace
}  // namespace tj
