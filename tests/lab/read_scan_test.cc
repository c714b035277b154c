// The report reader (src/report/read_scan.h) on real reports of the same
// lab ports: nmap's own -oX (the real nmap 7.93, run in the lab's scanner
// namespace) and tojimari's -oX and -oJ. All three must read, and agree with
// each other and with the lab's truth on every port's state.
//
// Needs root for the lab, and nmap (scripts/deps.sh installs it): without
// nmap the test skips, or fails when CI=true.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "lab.h"
#include "lab_fixture.h"
#include "report/read_scan.h"

namespace tjlab {
namespace {

using std::chrono::seconds;

constexpr const char* kTarget = "198.18.0.2";

// Port -> state name, as a report read back says.
std::map<int, std::string> States(const tj::ScanRecord& r) {
  std::map<int, std::string> m;
  for (const tj::HostResult& h : r.hosts)
    for (const tj::PortResult& p : h.ports)
      if (p.proto == tj::Proto::kTcp) m[p.port] = std::string(tj::StateName(p.state));
  return m;
}

std::string TruthState(Truth t) {
  switch (t) {
    case Truth::kOpen: return "open";
    case Truth::kClosed: return "closed";
    case Truth::kDropped:
    case Truth::kRejected: return "filtered";
  }
  return "?";
}

class ReadScanLabTest : public LabFixture {};

TEST_F(ReadScanLabTest, NmapAndTojimariReportsAgreeOnEveryPort) {
  if (NotReady()) return;
  if (tjlab::Run({"sh", "-c", "command -v nmap"}, seconds(10)).exit_code != 0) {
    if (InCi()) FAIL() << "nmap is missing and CI=true (scripts/deps.sh installs it)";
    GTEST_SKIP() << "nmap is not installed (scripts/deps.sh installs it)";
  }
  // Every open port, and five of each other kind: under nmap's 26 ports per
  // state, so neither scanner folds any into <extraports>.
  std::vector<int> ports(lab_->open_tcp().begin(), lab_->open_tcp().end());
  for (int i = 0; i < 5; ++i) {
    ports.push_back(lab_->dropped().lo + i);
    ports.push_back(lab_->rejected().lo + i);
    ports.push_back(lab_->spare().lo + 20 + i);
  }
  std::string list;
  std::map<int, std::string> truth;
  for (int p : ports) {
    list += (list.empty() ? "" : ",") + std::to_string(p);
    truth[p] = TruthState(lab_->TcpTruth(p));
  }

  RunResult n = lab_->RunInScanner({"nmap", "-sT", "-Pn", "-n", "-p", list, "-oX", P("nmap.xml"), kTarget},
                                   seconds(300));
  ASSERT_EQ(n.exit_code, 0) << n.out << n.err;
  RunResult t = lab_->RunInScanner({ScannerBin(), "-sT", "-Pn", "-n", "-p", list, "-oX", P("tj.xml"), "-oJ",
                                    P("tj.json"), kTarget},
                                   seconds(300));
  ASSERT_EQ(t.exit_code, 0) << t.out << t.err;

  for (const char* f : {"nmap.xml", "tj.xml", "tj.json"}) {
    SCOPED_TRACE(f);
    tj::Result<tj::ScanRecord> r = tj::ReadScanFile(P(f));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->scanner, std::string(f).starts_with("nmap") ? "nmap" : "tojimari");
    EXPECT_EQ(r->info.scan_type, "connect");
    EXPECT_EQ(r->info.tcp_ports, ports.size());
    EXPECT_EQ(r->summary.hosts_up, 1u);
    ASSERT_EQ(r->hosts.size(), 1u);
    EXPECT_EQ(r->hosts[0].addr.ToString(), kTarget);
    EXPECT_EQ(r->hosts[0].reason, tj::Reason::kUserSet);
    // Every port read (none folded), each in the state the lab gives it.
    EXPECT_EQ(States(*r), truth);
  }
}

}  // namespace
}  // namespace tjlab
