// Lab tests of the progress reports on stderr. On a terminal: a scan runs in
// a real one (a detached tmux session on a tmux server of the test's own),
// and the pane, read every 0.3 s, must show the live line while stdout (a
// file) never sees it. Off a terminal: --stats-every prints "Stats: " lines
// on stderr, and neither stdout nor the report files get any.
//
// Needs root for the lab, like lab_test.cc, and tmux (scripts/deps.sh
// installs it): without it the terminal test skips, or fails when CI=true.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "lab.h"
#include "lab_fixture.h"

namespace tjlab {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr const char* kTarget = "198.18.0.2";

// "42.1% done; 27513 probes sent (9170/s); 12 open; 0:00:03 elapsed, about 0:00:04 left"
const std::regex& ProgressRe() {
  static const std::regex re(
      R"((\d{1,3}\.\d)% done; (\d+) probes sent \((\d+)/s\); (\d+) open; )"
      R"((\d+:\d\d:\d\d) elapsed, about (\d+:\d\d:\d\d|unknown) left)");
  return re;
}

std::string Read(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

using ProgressLabTest = LabFixture;

// A tmux server of this test's own (its socket in the test's directory, no
// user config), so the teardown ends it without touching anyone else's
// sessions and leaves no socket behind.
class TmuxProgressTest : public ProgressLabTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ProgressLabTest::SetUp());
    if (IsSkipped()) return;
    if (tjlab::Run({"sh", "-c", "command -v tmux"}, seconds(10)).exit_code != 0) {
      if (InCi()) FAIL() << "tmux is missing and CI=true (scripts/deps.sh installs it)";
      GTEST_SKIP() << "tmux is missing (scripts/deps.sh installs it)";
    }
    socket_ = P("tmux.sock");
    session_ = "tj" + std::to_string(getpid());
  }
  void TearDown() override {
    if (!socket_.empty()) {
      Tmux({"kill-session", "-t", session_});
      Tmux({"kill-server"});  // only ours: -S names our own socket
    }
    ProgressLabTest::TearDown();
  }
  RunResult Tmux(std::vector<std::string> args) const {
    args.insert(args.begin(), {"tmux", "-S", socket_, "-f", "/dev/null"});
    return tjlab::Run(args, seconds(10));
  }

  std::string socket_, session_;
};

TEST_F(TmuxProgressTest, TerminalShowsLiveLineAndStdoutNone) {
  const std::string out = P("out.txt");
  // stdout to a file, stderr on the pane; the shell then prints the exit
  // status and stays, so the pane can still be read after the scan.
  const std::string cmd = "ip netns exec " + lab_->scanner_ns() + " " + ScannerBin() +
                          " -sS -p- -n -Pn --max-rate 15000 " + kTarget + " > " + out +
                          "; echo EXIT=$?; sleep 600";
  RunResult r = Tmux({"new-session", "-d", "-s", session_, "-x", "200", "-y", "20", cmd});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  std::vector<std::string> seen;  // progress lines, in the order seen
  int most_in_one_pane = 0;
  std::string pane;
  auto deadline = Clock::now() + seconds(60);
  while (Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(300));
    RunResult c = Tmux({"capture-pane", "-p", "-t", session_});
    ASSERT_EQ(c.exit_code, 0) << c.err;
    pane = c.out;
    int here = 0;
    for (const auto& line : Lines(pane)) {
      if (!std::regex_search(line, ProgressRe())) continue;
      ++here;
      if (seen.empty() || seen.back() != line) seen.push_back(line);
    }
    most_in_one_pane = std::max(most_in_one_pane, here);
    if (pane.find("EXIT=") != std::string::npos) break;
  }
  ASSERT_NE(pane.find("EXIT="), std::string::npos) << "the scan did not end within 60 s:\n" << pane;
  std::cout << seen.size() << " distinct progress lines seen, e.g.:\n";
  for (size_t i = 0; i < seen.size() && i < 3; ++i) std::cout << "  " << seen[i] << "\n";

  EXPECT_NE(pane.find("EXIT=0"), std::string::npos) << pane;
  ASSERT_FALSE(seen.empty()) << "no progress line on the terminal; last pane:\n" << pane;
  EXPECT_EQ(most_in_one_pane, 1) << "the live line is rewritten in place, never one per second";
  // The line is cleared when the scan ends.
  EXPECT_EQ(pane.find("% done"), std::string::npos) << "left on the terminal:\n" << pane;
  // What it says moves forward.
  double last_pct = -1;
  uint64_t last_probes = 0;
  for (const auto& line : seen) {
    std::smatch m;
    ASSERT_TRUE(std::regex_search(line, m, ProgressRe()));
    double pct = std::stod(m[1]);
    uint64_t probes = std::stoull(m[2]);
    EXPECT_GE(pct, last_pct) << line;
    EXPECT_LE(pct, 100.0) << line;
    EXPECT_GE(probes, last_probes) << line;
    last_pct = pct, last_probes = probes;
  }
  std::string stdout_text = Read(out);
  EXPECT_NE(stdout_text.find("198.18.0.2"), std::string::npos) << "no report on stdout:\n" << stdout_text;
  EXPECT_EQ(stdout_text.find("% done"), std::string::npos) << stdout_text;
  EXPECT_EQ(stdout_text.find('\r'), std::string::npos) << "a carriage return on stdout";
  EXPECT_EQ(stdout_text.find("\033[K"), std::string::npos) << "a line-clearing escape on stdout";
}

TEST_F(ProgressLabTest, StatsEveryPrintsLinesOnStderrOnly) {
  RunResult r = lab_->RunInScanner({ScannerBin(), "-sS", "-p-", "-n", "-Pn", "--max-rate", "15000",
                                    "--stats-every", "1s", "-oN", P("scan.nmap"), "-oJ", P("scan.json"),
                                    "--ndjson", P("scan.ndjson"), kTarget},
                                   seconds(120));
  ASSERT_FALSE(r.timed_out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  int stats = 0;
  for (const auto& line : Lines(r.err)) {
    if (!line.starts_with("Stats: ")) continue;
    ++stats;
    EXPECT_TRUE(std::regex_search(line, ProgressRe())) << line;
    EXPECT_EQ(line.find('\r'), std::string::npos) << "a log gets whole lines, not a live one";
  }
  // 65535 ports at 15000/s take over 4 s: at least 3 intervals.
  EXPECT_GE(stats, 3) << "scan took " << r.seconds << " s; stderr:\n" << r.err;
  EXPECT_LE(stats, static_cast<int>(r.seconds) + 1) << r.err;
  std::cout << stats << " Stats lines in " << r.seconds << " s\n";
  EXPECT_EQ(r.out.find("Stats"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("% done"), std::string::npos) << r.out;
  for (const char* f : {"scan.nmap", "scan.json", "scan.ndjson"})
    EXPECT_EQ(Read(P(f)).find("% done"), std::string::npos) << f;
}

// Off a terminal and without --stats-every, stderr stays quiet.
TEST_F(ProgressLabTest, NoTerminalNoStatsEveryMeansNoProgress) {
  RunResult r = lab_->RunInScanner(
      {ScannerBin(), "-sS", "-p-", "-n", "-Pn", "--max-rate", "40000", kTarget}, seconds(120));
  ASSERT_FALSE(r.timed_out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("% done"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("% done"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace tjlab
