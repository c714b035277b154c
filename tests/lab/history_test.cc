// Lab tests of the history and diff: real scans of the lab target stored
// with --store in a temporary SQLite history, a listener started between
// them, and `tojimari diff` asked what changed; nmap's own XML of the same
// target compared with a stored scan. Also the command-line contract for
// unusable databases (no lab needed for those).
//
// Needs root for the lab, like lab_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "lab.h"
#include "lab_fixture.h"

namespace tjlab {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr const char* kTarget = "198.18.0.2";

class HistoryLabTest : public LabFixture {
 protected:
  void SetUp() override {
    LabFixture::SetUp();
    if (NotReady()) return;
    db_ = P("history.db");
    changed_ = lab_->spare().lo + 7;
    // The lab's listeners up to 100, some closed ports, and the port that changes.
    ports_ = "1-100," + std::to_string(changed_);
  }
  RunResult Tj(std::vector<std::string> args, seconds timeout = seconds(120)) {
    args.insert(args.begin(), ScannerBin());
    return lab_->RunInScanner(args, timeout);
  }
  // A scan stored in the test's history; returns its stdout+stderr on failure.
  void StoredScan(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"-p", ports_, "-n", "-Pn", "--db", db_, kTarget};
    args.insert(args.end(), extra.begin(), extra.end());
    RunResult r = Tj(args);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  std::string db_, ports_;
  int changed_ = 0;
};

// The brief's end-to-end: two SYN scans (raw, so the store is written after
// the scan has dropped root) around a new listener; diff shows exactly it.
TEST_F(HistoryLabTest, DiffOfTwoStoredScansShowsTheNewListener) {
  if (NotReady()) return;
  StoredScan({"-oJ", P("first.json"), "-oX", P("first.xml")});
  ASSERT_TRUE(lab_->Listen({changed_}, 0));
  StoredScan();

  RunResult h = Tj({"history", "--db", db_, "--json"});
  ASSERT_EQ(h.exit_code, 0) << h.err;
  json scans = json::parse(h.out)["scans"];
  ASSERT_EQ(scans.size(), 2u) << h.out;
  EXPECT_EQ(scans[0]["open_ports"].get<int>(), scans[1]["open_ports"].get<int>() + 1) << h.out;

  RunResult d = Tj({"diff", "--db", db_, "latest~1", "latest"});
  EXPECT_EQ(d.exit_code, 1) << d.out << d.err;
  const std::string line = std::to_string(changed_) + "/tcp";
  EXPECT_NE(d.out.find("+ " + line), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("closed -> open"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("1 port opened."), std::string::npos) << d.out;

  d = Tj({"diff", "--db", db_, "--json", "latest~1", "latest"});
  EXPECT_EQ(d.exit_code, 1) << d.err;
  json j = json::parse(d.out);
  EXPECT_EQ(j["changed"], true);
  for (auto& [k, v] : j["counts"].items()) EXPECT_EQ(v.get<int>(), k == "ports_opened" ? 1 : 0) << k;
  ASSERT_EQ(j["hosts"].size(), 1u);
  EXPECT_EQ(j["hosts"][0]["address"], kTarget);
  ASSERT_EQ(j["hosts"][0]["ports"].size(), 1u);
  EXPECT_EQ(j["hosts"][0]["ports"][0]["port"], changed_);
  EXPECT_EQ(j["hosts"][0]["ports"][0]["before"]["state"], "closed");
  EXPECT_EQ(j["hosts"][0]["ports"][0]["after"]["state"], "open");

  // One argument: that scan against the one before it.
  d = Tj({"diff", "--db", db_, "latest", "-oJ", P("d.json")});
  EXPECT_EQ(d.exit_code, 1) << d.out << d.err;
  std::ifstream f(P("d.json"));
  EXPECT_EQ(json::parse(f)["counts"]["ports_opened"], 1);

  d = Tj({"diff", "--db", db_, "latest", "latest"});
  EXPECT_EQ(d.exit_code, 0) << d.out << d.err;
  EXPECT_NE(d.out.find("No changes."), std::string::npos) << d.out;

  // The first scan's own reports say what its stored copy says.
  for (const char* report : {"first.json", "first.xml"}) {
    d = Tj({"diff", "--db", db_, P(report), "latest"});
    EXPECT_EQ(d.exit_code, 1) << report << ": " << d.out << d.err;
    EXPECT_NE(d.out.find("1 port opened."), std::string::npos) << report << ": " << d.out;
    d = Tj({"diff", "--db", db_, P(report), "latest~1"});
    EXPECT_EQ(d.exit_code, 0) << report << ": " << d.out << d.err;
  }
  d = Tj({"diff", P("first.json"), P("first.xml")});  // two files: no history needed
  EXPECT_EQ(d.exit_code, 0) << d.out << d.err;
}

// nmap's own XML (Debian's nmap, run by the test) against stored scans: the
// same target gives no change; a listener started afterwards is exactly the
// change, either way round.
TEST_F(HistoryLabTest, NmapXmlAgainstAStoredScan) {
  if (NotReady()) return;
  if (tjlab::Run({"sh", "-c", "command -v nmap"}, seconds(10)).exit_code != 0) {
    if (InCi()) FAIL() << "nmap is not installed and CI=true (scripts/deps.sh test installs it)";
    GTEST_SKIP() << "nmap is not installed (scripts/deps.sh test installs it)";
  }
  const std::string xml = P("nmap.xml");
  RunResult n =
      lab_->RunInScanner({"nmap", "-sS", "-n", "-Pn", "-p", ports_, "-oX", xml, kTarget}, seconds(120));
  ASSERT_EQ(n.exit_code, 0) << n.out << n.err;
  StoredScan();
  RunResult d = Tj({"diff", "--db", db_, xml, "latest"});
  EXPECT_EQ(d.exit_code, 0) << d.out << d.err;
  EXPECT_NE(d.out.find("No changes."), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("nmap"), std::string::npos) << "the nmap side is not named: " << d.out;

  ASSERT_TRUE(lab_->Listen({changed_}, 0));
  StoredScan();
  d = Tj({"diff", "--db", db_, "--json", xml, "latest"});
  ASSERT_EQ(d.exit_code, 1) << d.out << d.err;
  json j = json::parse(d.out);
  EXPECT_EQ(j["before"]["file"], xml);
  EXPECT_EQ(j["before"]["scanner"], "nmap");
  for (auto& [k, v] : j["counts"].items())
    EXPECT_EQ(v.get<int>(), k == "ports_opened" ? 1 : 0) << k << " " << d.out;
  ASSERT_EQ(j["hosts"].size(), 1u);
  ASSERT_EQ(j["hosts"][0]["ports"].size(), 1u);
  const json& port = j["hosts"][0]["ports"][0];
  EXPECT_EQ(port["port"], changed_);
  // nmap folds the closed ports into <extraports>: the port is either
  // listed closed or not listed at all.
  EXPECT_TRUE(port["before"].is_null() || port["before"]["state"] == "closed") << port.dump();
  EXPECT_EQ(port["after"]["state"], "open");

  d = Tj({"diff", "--db", db_, "latest", xml});
  EXPECT_EQ(d.exit_code, 1) << d.out << d.err;
  EXPECT_NE(d.out.find("- " + std::to_string(changed_) + "/tcp"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("1 port closed."), std::string::npos) << d.out;
}

// An interrupted scan stores what it had gathered, marked interrupted: the
// lab's open ports among 300 closed ones at 100 probes a second, stopped
// with SIGINT after 1.5 s, so about half are decided (in random order).
TEST_F(HistoryLabTest, InterruptedScanIsStoredAndMarked) {
  if (NotReady()) return;
  std::string ports = std::to_string(lab_->spare().lo) + "-" + std::to_string(lab_->spare().lo + 299);
  for (int p : lab_->open_tcp()) ports += "," + std::to_string(p);
  RunResult r = lab_->RunInScanner({"timeout",     "--preserve-status",
                                    "-s",          "INT",
                                    "1.5",         ScannerBin(),
                                    "-sT",         "-p",
                                    ports,         "-n",
                                    "-Pn",         "--max-rate",
                                    "100",         "--resume-file",
                                    P("r.resume"), "-oJ",
                                    P("i.json"),   "--db",
                                    db_,           kTarget},
                                   seconds(60));
  ASSERT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_NE(r.err.find("Stored as scan 1"), std::string::npos) << r.err;
  RunResult h = Tj({"history", "--db", db_, "--json"});
  ASSERT_EQ(h.exit_code, 0) << h.err;
  json scans = json::parse(h.out)["scans"];
  ASSERT_EQ(scans.size(), 1u);
  EXPECT_EQ(scans[0]["interrupted"], true);
  EXPECT_EQ(scans[0]["hosts_up"], 1) << "the partly scanned host is kept";
  const int open = scans[0]["open_ports"].get<int>();
  EXPECT_GT(open, 0) << "ports found before the interrupt were lost";
  EXPECT_LT(open, static_cast<int>(lab_->open_tcp().size())) << "the scan was not interrupted midway";
  // The stored scan is what the interrupted scan's own report says.
  RunResult d = Tj({"diff", "--db", db_, P("i.json"), "latest"});
  EXPECT_EQ(d.exit_code, 0) << d.out << d.err;
  h = Tj({"history", "--db", db_});
  EXPECT_NE(h.out.find("(interrupted)"), std::string::npos) << h.out;
}

// Unusable databases: one line naming the problem, exit 2, and a scan
// refuses to start rather than lose its results at the end.
TEST(HistoryCli, UnusableDatabasesExitTwoWithOneLine) {
  char tmpl[] = "/tmp/tojimari-histcli-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  std::ofstream(dir + "/junk.db") << std::string(2048, 'j');
  struct Case {
    std::vector<std::string> args;
    std::string names;
  };
  const std::vector<Case> cases = {
      {{"history", "--db", dir + "/junk.db"}, "not a database"},
      {{"history", "--db", dir + "/missing.db"}, "missing.db"},
      {{"diff", "--db", dir + "/junk.db", "latest"}, "not a database"},
      {{"history", "--db", "postgresql:///x?host=" + dir + "&connect_timeout=2"}, "No such file"},
      {{"history", "--db", "mysql://db/x"}, "mysql://"},
      {{"-p", "1", "127.0.0.1", "--db", dir + "/junk.db"}, "not a database"},
      {{"diff", "--db", dir + "/missing.db", "latest~x"}, "latest~x"},
      {{"diff", dir + "/no-such-report.xml", "latest"}, "no-such-report.xml"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {ScannerBin()};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    RunResult r = tjlab::Run(argv, seconds(30));
    EXPECT_EQ(r.exit_code, 2) << c.args[0] << " " << c.names << ": " << r.out << r.err;
    EXPECT_NE(r.err.find(c.names), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.out, "") << "a scan ran although its history was unusable";
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tjlab
