// Lab tests of the reports: real scans of the lab target, read by the tools
// people already use on nmap's output, from Debian's packages: xmllint
// (libxml2-utils) against nmap.dtd, ndiff, xsltproc with nmap.xsl
// (nmap-common), and python3-jsonschema against docs/tojimari-scan.schema.json.
// scripts/deps.sh installs them all; a missing one skips its check here,
// except when CI=true, where it fails.
//
// Needs root for the lab, like lab_test.cc.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lab.h"
#include "lab_fixture.h"

namespace tjlab {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr const char* kTarget = "198.18.0.2";
constexpr const char* kDtd = "/usr/share/nmap/nmap.dtd";
constexpr const char* kXsl = "/usr/share/nmap/nmap.xsl";

std::string RepoRoot() {
  std::string here = __FILE__;  // tests/lab/report_test.cc, absolute under CMake
  return here.substr(0, here.rfind("/tests/lab/"));
}

std::string Read(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Runs a shell command on the host (the tools need no namespace; /tmp is shared).
RunResult Sh(const std::string& cmd) { return Run({"sh", "-c", cmd}, seconds(120)); }

bool Have(const std::string& tool) { return Sh("command -v " + tool).exit_code == 0; }
bool HaveJsonSchema() { return Sh("python3 -c 'import jsonschema'").exit_code == 0; }

// Validates an -oJ document ("doc") or NDJSON lines ("ndjson") against the
// documented schema with python3-jsonschema.
RunResult ValidateJson(const std::string& path, const std::string& mode) {
  const std::string script = R"PY(
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
Draft202012Validator.check_schema(schema)
if sys.argv[2] == "doc":
    Draft202012Validator(schema).validate(json.load(open(sys.argv[3])))
else:
    line_schema = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/ndjson_line"}
    for line in open(sys.argv[3]):
        Draft202012Validator(line_schema).validate(json.loads(line))
)PY";
  return Run({"python3", "-c", script, RepoRoot() + "/docs/tojimari-scan.schema.json", mode, path}, seconds(60));
}

// The DTD's scanner attribute allows only "nmap" (docs/XML.md says why the
// report names tojimari), so validity is checked on a copy that names nmap:
// everything else must satisfy the DTD as it is.
RunResult ValidateAgainstDtd(const std::string& path) {
  return Sh("sed 's/<nmaprun scanner=\"tojimari\"/<nmaprun scanner=\"nmap\"/' " + path +
            " | xmllint --noout --dtdvalid " + kDtd + " -");
}

class ReportLabTest : public LabFixture {
 protected:

  // A tool this test needs: skips the check when it is missing, or fails in CI.
  bool Need(bool have, const std::string& what) {
    if (have) return true;
    if (InCi()) ADD_FAILURE() << what << " is missing and CI=true (scripts/deps.sh installs it)";
    else std::cout << "NOTE: " << what << " is missing: that check is skipped (scripts/deps.sh installs it)\n";
    return false;
  }


  RunResult Scan(std::vector<std::string> args, seconds timeout = seconds(120)) {
    args.insert(args.begin(), ScannerBin());
    args.push_back(kTarget);
    RunResult r = lab_->RunInScanner(args, timeout);
    EXPECT_FALSE(r.timed_out);
    return r;
  }

};

// Ports of the scan: 1-100 holds listeners and ~95 closed ports (folded into
// extraports), 33080 a listener, and one spare port that is closed in the
// first scan and open in the second.
struct Plan {
  int changed;
  std::string ports;
  std::set<int> open_before;
};

Plan MakePlan(const Lab& lab) {
  Plan p;
  p.changed = lab.spare().lo + 10;
  p.ports = "1-100,33080," + std::to_string(p.changed);
  for (int port : lab.open_tcp())
    if (port <= 100 || port == 33080) p.open_before.insert(port);
  return p;
}

// The port lines of ndiff's text output ("-50010/tcp closed ...", "+50010/tcp open ...").
std::vector<std::string> NdiffPortLines(const std::string& out) {
  std::vector<std::string> lines;
  std::istringstream in(out);
  std::string line;
  std::regex port_line(R"(^[-+]\d+/tcp\s)");
  while (std::getline(in, line))
    if (std::regex_search(line, port_line)) lines.push_back(line);
  return lines;
}

// Two scans of each kind around a listener that starts between them: a.*
// and base.* (-oA) at default verbosity, where the ~95 closed ports are
// folded into extraports; av.xml and bv.xml at -v -v -v, where every port is
// listed, so ndiff can name the old state of the changed port too.
class NmapToolsTest : public ReportLabTest {
 protected:
  void RunScans() {
    plan_ = MakePlan(*lab_);
    const std::vector<std::string> common = {"-sT", "-p", plan_.ports, "-n", "-Pn"};
    auto scan = [&](std::vector<std::string> extra) {
      extra.insert(extra.begin(), common.begin(), common.end());
      RunResult r = Scan(extra);
      ASSERT_EQ(r.exit_code, 0) << r.err;
    };
    ASSERT_NO_FATAL_FAILURE(
        scan({"-oX", P("a.xml"), "-oG", P("a.gnmap"), "-oJ", P("a.json"), "--ndjson", P("a.ndjson")}));
    ASSERT_NO_FATAL_FAILURE(scan({"-v", "-v", "-v", "-oX", P("av.xml")}));
    ASSERT_TRUE(lab_->Listen({plan_.changed}, 0));
    ASSERT_NO_FATAL_FAILURE(scan({"-oA", P("base"), "-oJ", P("b.json")}));
    ASSERT_NO_FATAL_FAILURE(scan({"-v", "-v", "-v", "-oX", P("bv.xml")}));
  }
  std::set<int> OpenAfter() const {
    std::set<int> s = plan_.open_before;
    s.insert(plan_.changed);
    return s;
  }

  void CheckXmlValid();
  void CheckNdiff();
  void CheckHtml();
  void CheckJson();
  void CheckGrepable();

  Plan plan_;
};

void NmapToolsTest::CheckXmlValid() {
  if (!Need(Have("xmllint"), "xmllint (libxml2-utils)")) return;
  const bool have_dtd = access(kDtd, R_OK) == 0;
  if (!have_dtd) std::cout << "NOTE: " << kDtd << " not installed (nmap-common): DTD validation skipped\n";
  for (const char* f : {"a.xml", "av.xml", "base.xml", "bv.xml"}) {
    RunResult r = Sh("xmllint --noout " + P(f));
    EXPECT_EQ(r.exit_code, 0) << f << ": " << r.err;
    if (!have_dtd) continue;
    r = ValidateAgainstDtd(P(f));
    EXPECT_EQ(r.exit_code, 0) << f << " against nmap.dtd: " << r.err;
  }
}

void NmapToolsTest::CheckNdiff() {
  if (!Need(Have("ndiff"), "ndiff")) return;
  const std::string changed = std::to_string(plan_.changed);
  // Folded closed ports: ndiff sees the port appear, and nothing else change.
  RunResult r = Sh("ndiff " + P("a.xml") + " " + P("base.xml"));
  EXPECT_EQ(r.exit_code, 1) << "ndiff exits 1 when the scans differ\n" << r.out << r.err;
  std::vector<std::string> lines = NdiffPortLines(r.out);
  ASSERT_EQ(lines.size(), 1u) << r.out;
  EXPECT_TRUE(std::regex_search(lines[0], std::regex("^\\+" + changed + "/tcp\\s+open\\b"))) << r.out;
  // Listed one by one: closed before, open after.
  r = Sh("ndiff " + P("av.xml") + " " + P("bv.xml"));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  lines = NdiffPortLines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_TRUE(std::regex_search(lines[0], std::regex("^-" + changed + "/tcp\\s+closed\\b"))) << r.out;
  EXPECT_TRUE(std::regex_search(lines[1], std::regex("^\\+" + changed + "/tcp\\s+open\\b"))) << r.out;
  EXPECT_NE(r.out.find("tojimari 0.1.0 scan initiated"), std::string::npos) << r.out;
}

void NmapToolsTest::CheckHtml() {
  if (!Need(Have("xsltproc") && access(kXsl, R_OK) == 0, std::string("xsltproc and ") + kXsl)) return;
  RunResult r = tjlab::Run({"xsltproc", kXsl, P("base.xml")}, seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (int port : OpenAfter()) {
    std::regex row("<tr class=\"open\">\\s*<td>" + std::to_string(port) + "</td>\\s*<td>tcp</td>\\s*<td>open</td>");
    EXPECT_TRUE(std::regex_search(r.out, row)) << "open port " << port << " missing from the HTML";
  }
  EXPECT_NE(r.out.find("scanned but not shown below are in state: <b>closed</b>"), std::string::npos);
}

// Against the schema where the validator is installed; the structural
// checks after it run everywhere.
void NmapToolsTest::CheckJson() {
  if (Need(HaveJsonSchema(), "python3-jsonschema")) {
    for (const char* f : {"a.json", "b.json"}) {
      RunResult r = ValidateJson(P(f), "doc");
      EXPECT_EQ(r.exit_code, 0) << f << ": " << r.err;
    }
    RunResult r = ValidateJson(P("a.ndjson"), "ndjson");
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  json ja = json::parse(Read(P("a.json")));
  json jb = json::parse(Read(P("b.json")));
  for (const json* j : {&ja, &jb}) {
    EXPECT_EQ((*j)["format"], "tojimari-scan");
    EXPECT_EQ((*j)["schema_version"], 1);
    EXPECT_EQ((*j)["scan_info"][0]["services"], plan_.ports);
    ASSERT_EQ((*j)["hosts"].size(), 1u);
    EXPECT_EQ((*j)["run_stats"]["exit"], "success");
  }
  auto open_ports = [](const json& j) {
    std::set<int> s;
    for (const auto& p : j["hosts"][0]["ports"])
      if (p["state"] == "open") s.insert(p["port"].get<int>());
    return s;
  };
  EXPECT_EQ(open_ports(ja), plan_.open_before);
  EXPECT_EQ(open_ports(jb), OpenAfter());
  size_t listed = ja["hosts"][0]["ports"].size();
  for (const auto& e : ja["hosts"][0]["extra_ports"]) listed += e["count"].get<size_t>();
  EXPECT_EQ(listed, 102u) << "every scanned port listed or counted";
}

// nmap's two lines per host: open ports listed, closed ones counted.
void NmapToolsTest::CheckGrepable() {
  std::string g = Read(P("a.gnmap"));
  EXPECT_NE(g.find(std::string("Host: ") + kTarget + " ()\tStatus: Up\n"), std::string::npos) << g;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(g, m, std::regex(std::string("Host: ") + kTarget +
                                                 R"( \(\)\tPorts: ([^\t]*)\tIgnored State: closed \((\d+)\)\n)")))
      << g;
  EXPECT_EQ(std::stoul(m[2]), 102 - plan_.open_before.size()) << g;
  for (int port : plan_.open_before)
    EXPECT_NE(m[1].str().find(std::to_string(port) + "/open/tcp//"), std::string::npos) << port << ": " << g;
  std::string after = Read(P("base.gnmap"));
  EXPECT_NE(after.find(std::to_string(plan_.changed) + "/open/tcp/////"), std::string::npos) << after;
}

TEST_F(NmapToolsTest, ReadTwoScansAroundANewListener) {
  ASSERT_NO_FATAL_FAILURE(RunScans());
  // -oA: the three files, each its own format.
  EXPECT_NE(Read(P("base.nmap")).find(std::to_string(plan_.changed) + "/tcp open"), std::string::npos)
      << Read(P("base.nmap"));
  EXPECT_NE(Read(P("base.xml")).find("<nmaprun scanner=\"tojimari\""), std::string::npos);
  EXPECT_NE(Read(P("base.gnmap")).find("\tPorts: "), std::string::npos);
  CheckXmlValid();
  CheckNdiff();
  CheckHtml();
  CheckJson();
  CheckGrepable();
}

TEST_F(ReportLabTest, DashSendsOneFormatToStdout) {
  RunResult r = Scan({"-sT", "-p", "20-25", "-n", "-Pn", "-oX", "-"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("<?xml", 0), 0u) << "the normal report went to stdout too:\n" << r.out;
  if (Need(Have("xmllint"), "xmllint (libxml2-utils)")) {
    std::string path = P("stdout.xml");
    std::ofstream(path) << r.out;
    EXPECT_EQ(Sh("xmllint --noout " + path).exit_code, 0) << r.out;
  }
}

TEST_F(ReportLabTest, UnwritableOutputExitsTwoBeforeScanning) {
  const std::vector<std::vector<std::string>> cases = {
      {"-oX", "/nonexistent/dir/x.xml"}, {"-oG", "/nonexistent/dir/x.gnmap"},
      {"-oJ", "/nonexistent/dir/x.json"}, {"-oN", "/nonexistent/dir/x.nmap"},
      {"-oA", "/nonexistent/dir/base"},   {"--ndjson", "/nonexistent/dir/x.ndjson"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c[0] + " " + c[1]);
    uint64_t before = lab_->Probes();
    RunResult r = Scan({"-sT", "-p", "1-100", "-n", "-Pn", c[0], c[1]}, seconds(30));
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    std::string err = r.err;
    while (!err.empty() && err.back() == '\n') err.pop_back();
    EXPECT_EQ(err.find('\n'), std::string::npos) << "want one line on stderr, got:\n" << r.err;
    EXPECT_NE(err.find("/nonexistent/dir/"), std::string::npos) << err;
    EXPECT_TRUE(r.out.empty()) << "output before the error: " << r.out;
    EXPECT_EQ(lab_->Probes(), before) << "packets reached the target";
  }
}

// Ctrl-C (SIGINT from `timeout`) during a long scan: the reports written so
// far are whole documents that say they are partial, and they replace the
// previous files.
TEST_F(ReportLabTest, InterruptedScanLeavesWholeDocuments) {
  std::ofstream(P("i.xml")) << "previous";
  std::vector<std::string> argv = {"timeout", "--preserve-status", "-s", "INT", "2", ScannerBin(),
                                   "-sT", "-p-", "-n", "-Pn", "--max-rate", "2000",
                                   "-oX", P("i.xml"), "-oJ", P("i.json"), "-oG", P("i.gnmap"),
                                   "--resume-file", P("i.resume"), kTarget};
  RunResult r = lab_->RunInScanner(argv, seconds(120));
  ASSERT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 130) << "interrupted scans exit 130\n" << r.err;
  std::string x = Read(P("i.xml"));
  EXPECT_NE(x.find("exit=\"error\" errormsg=\"Scan interrupted"), std::string::npos) << x;
  EXPECT_TRUE(x.ends_with("</nmaprun>\n")) << x;
  if (Need(Have("xmllint"), "xmllint (libxml2-utils)")) {
    EXPECT_EQ(Sh("xmllint --noout " + P("i.xml")).exit_code, 0) << x;
    if (access(kDtd, R_OK) == 0) {
      EXPECT_EQ(ValidateAgainstDtd(P("i.xml")).exit_code, 0) << x;
    }
  }
  json j = json::parse(Read(P("i.json")));
  EXPECT_EQ(j["run_stats"]["exit"], "interrupted");
  if (Need(HaveJsonSchema(), "python3-jsonschema")) {
    EXPECT_EQ(ValidateJson(P("i.json"), "doc").exit_code, 0);
  }
  EXPECT_NE(Read(P("i.gnmap")).find("# Scan interrupted"), std::string::npos);
}

}  // namespace
}  // namespace tjlab
