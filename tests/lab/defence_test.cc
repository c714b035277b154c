// Lab tests of networks that defend themselves (engine/host_guard.h): the
// target bans the scanner (an IPS, by rate or by count), caps its RSTs (as
// Solaris does), or answers SYN-ACK for every port (nft synproxy), each with
// nftables rules in its namespace (lab.sh defend) and thresholds varied
// here. Every port must come out right, or honestly undecided with the event
// named; the probes sent to a rate-limited host stay within a small factor
// of what it answers, counted on the target's link.
//
// Needs root; skips without it, fails when CI=true.
#include <gtest/gtest.h>

#include <iostream>

#include "lab.h"
#include "lab_fixture.h"
#include "scan_check.h"

namespace tjlab {
namespace {

using std::chrono::seconds;

constexpr char kTarget[] = "198.18.0.2";

class DefenceTest : public LabFixture {
 protected:
  // Runs a scan of kTarget with -oJ; its final verdicts and notes.
  RunResult Scan(std::vector<std::string> args, Rows* rows, std::map<std::string, std::string>* notes) {
    std::string json = P("scan-" + std::to_string(++scans_) + ".json");
    args.insert(args.begin(), ScannerBin());
    args.insert(args.end(), {"-n", "-Pn", "-oJ", json, kTarget});
    RunResult r = lab_->RunInScanner(args, seconds(600));
    std::cout << "scan took " << r.seconds << " s, exit " << r.exit_code << "\nstderr:\n" << r.err;
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(ParseJsonReport(json, kTarget, rows, notes));
    return r;
  }

  // Every port right by the lab's truth for a SYN scan.
  void ExpectAllRight(const Rows& rows, const std::vector<int>& ports) {
    EXPECT_EQ(rows.size(), ports.size());
    Tally t = GradeAll(*lab_, rows, ports, {.technique = Technique::kSyn});
    std::cout << "outcomes (truth -> state/reason):\n" << DescribeOutcomes(t);
    EXPECT_TRUE(t.wrong.empty()) << DescribeWrong(t);
  }

  int scans_ = 0;
};

std::vector<int> Ports(std::initializer_list<std::pair<int, int>> ranges) {
  std::vector<int> out;
  for (auto [lo, hi] : ranges)
    for (int p = lo; p <= hi; ++p) out.push_back(p);
  return out;
}

// An IPS that bans a source sending more than 3,000 SYNs a second, for 3 s:
// the scan notices the silence, waits the ban out, resumes below the rate
// that caused it, and gets every port right.
TEST_F(DefenceTest, IpsBanByRateIsWaitedOutAndEveryPortIsRight) {
  if (NotReady()) return;
  ASSERT_TRUE(lab_->Defend({"ban", "3000", "3"}));
  Rows rows;
  std::map<std::string, std::string> notes;
  RunResult r = Scan({"-sS", "-p", "1-12000"}, &rows, &notes);
  EXPECT_GE(lab_->Counter("bans"), 1u) << "the IPS never banned the scanner: the test proves nothing";
  ExpectAllRight(rows, Ports({{1, 12000}}));
  ASSERT_TRUE(notes.count("host-went-silent")) << "no note about the ban";
  EXPECT_NE(notes["host-went-silent"].find("answered again"), std::string::npos) << notes["host-went-silent"];
  EXPECT_NE(r.err.find("stopped answering"), std::string::npos) << "the ban was not told on stderr";
}

// A ban that outlasts the bound (300 SYNs, then 10 minutes; the scan waits
// at most --host-timeout 6s): what was answered is right, the rest is
// undecided and says so, never plain filtered.
TEST_F(DefenceTest, ABanThatOutlastsTheBoundLeavesTheRestUndecided) {
  if (NotReady()) return;
  ASSERT_TRUE(lab_->Defend({"ban-count", "300", "600"}));
  Rows rows;
  std::map<std::string, std::string> notes;
  Scan({"-sS", "-p", "1-3000", "--host-timeout", "6s"}, &rows, &notes);
  ASSERT_EQ(rows.size(), 3000u);
  int undecided = 0, decided = 0;
  for (const auto& [port, row] : rows) {
    if (row.reason == "host-went-silent") {
      EXPECT_EQ(row.state, "filtered") << port;
      ++undecided;
      continue;
    }
    ++decided;
    Truth t = lab_->TcpTruth(port);
    std::string got = row.state + "/" + row.reason;
    EXPECT_EQ(got, t == Truth::kOpen ? "open/syn-ack" : "closed/reset") << "port " << port;
  }
  std::cout << decided << " decided, " << undecided << " undecided\n";
  EXPECT_GT(undecided, 2000);
  EXPECT_GT(decided, 100);
  ASSERT_TRUE(notes.count("host-went-silent"));
  EXPECT_NE(notes["host-went-silent"].find("undecided"), std::string::npos) << notes["host-went-silent"];
}

// A host that sends at most N RSTs a second: every closed port comes out
// closed (not filtered), dropped ports filtered, and the probes sent stay
// within a small factor of the answers the host gave.
struct RstCase {
  const char* rate;
  const char* burst;
  std::vector<int> ports;
  const char* spec;
};

class RstLimitTest : public DefenceTest, public ::testing::WithParamInterface<RstCase> {};

TEST_P(RstLimitTest, EveryClosedPortIsRightAndTheProbesFollowTheAnswers) {
  if (NotReady()) return;
  const RstCase& c = GetParam();
  ASSERT_TRUE(lab_->Defend({"rst-limit", c.rate, c.burst}));
  const uint64_t syns0 = lab_->Syns(), rsts0 = lab_->Counter("rsts"), acks0 = lab_->Counter("synacks");
  Rows rows;
  std::map<std::string, std::string> notes;
  Scan({"-sS", "-p", c.spec}, &rows, &notes);
  const uint64_t syns = lab_->Syns() - syns0;
  const uint64_t answers = lab_->Counter("rsts") - rsts0 + lab_->Counter("synacks") - acks0;
  std::cout << "target received " << syns << " SYNs, sent " << answers << " answers\n";
  ExpectAllRight(rows, c.ports);
  ASSERT_TRUE(notes.count("rst-ratelimit")) << "no note about the RST limit";
  // The host's own answers (RSTs and SYN-ACKs) bound what it is sent: the
  // first pass, one paced pass, and the confirmations of the silent ports.
  EXPECT_LE(syns, 4 * answers);
}

INSTANTIATE_TEST_SUITE_P(
    Limits, RstLimitTest,
    // About seven seconds of the target's RSTs each: long enough for the
    // pacing to settle, short enough for both of CI's lab runs.
    ::testing::Values(RstCase{"50", "5", Ports({{1, 350}}), "1-350"},
                      RstCase{"300", "10", Ports({{1, 2000}, {40000, 40149}}), "1-2000,40000-40149"},
                      RstCase{"1000", "50", Ports({{1, 7500}}), "1-7500"}),
    [](const auto& info) { return std::string("PerSecond") + info.param.rate; });

// --defeat-rst-ratelimit: not waiting, but honest: a closed port whose RST
// the limit dropped is closed|filtered (rst-ratelimit), never filtered.
TEST_F(DefenceTest, DefeatingTheRstLimitIsFastAndHonest) {
  if (NotReady()) return;
  ASSERT_TRUE(lab_->Defend({"rst-limit", "200", "10"}));
  Rows rows;
  std::map<std::string, std::string> notes;
  Scan({"-sS", "-p", "1-4000", "--defeat-rst-ratelimit"}, &rows, &notes);
  ASSERT_EQ(rows.size(), 4000u);
  int limited = 0;
  for (const auto& [port, row] : rows) {
    std::string got = row.state + "/" + row.reason;
    if (lab_->TcpTruth(port) == Truth::kOpen) {
      EXPECT_EQ(got, "open/syn-ack") << port;
    } else if (got != "closed/reset") {
      EXPECT_EQ(got, "closed|filtered/rst-ratelimit") << port;
      ++limited;
    }
  }
  EXPECT_GT(limited, 1000);
  EXPECT_TRUE(notes.count("rst-ratelimit"));
}

// nft synproxy on 1000-3000, one real service (greeting) at 2000: the scan
// warns and marks the SYN-ACK ports unverified; -sV confirms the real one
// and closes the rest (reset right after the handshake).
TEST_F(DefenceTest, ASynProxyIsWarnedAndSettledByServiceDetection) {
  if (NotReady()) return;
  ASSERT_TRUE(lab_->Listen({2000}, 0, /*greet=*/true));
  ASSERT_TRUE(lab_->Defend({"synproxy", "1000-3000"}));
  Rows rows;
  std::map<std::string, std::string> notes;
  RunResult r = Scan({"-sS", "-p", "1-5000"}, &rows, &notes);
  ASSERT_EQ(rows.size(), 5000u);
  for (int port = 1000; port <= 3000; ++port)
    EXPECT_EQ(rows[port].state + "/" + rows[port].reason, "open/syn-ack-unverified") << port;
  ASSERT_TRUE(notes.count("syn-proxy"));
  EXPECT_NE(notes["syn-proxy"].find("in a row (1000-3000)"), std::string::npos) << notes["syn-proxy"];
  EXPECT_NE(r.out.find("Warning: syn-proxy:"), std::string::npos) << r.out.substr(0, 2000);

  Rows sv;
  std::map<std::string, std::string> sv_notes;
  Scan({"-sS", "-sV", "--version-light", "-p", "1900-2100"}, &sv, &sv_notes);
  ASSERT_EQ(sv.size(), 201u);
  for (const auto& [port, row] : sv) {
    std::string got = row.state + "/" + row.reason;
    EXPECT_EQ(got, port == 2000 ? "open/syn-ack" : "closed/syn-proxy-reset") << port;
  }
  ASSERT_TRUE(sv_notes.count("syn-proxy"));
  EXPECT_NE(sv_notes["syn-proxy"].find("200 reset after the handshake"), std::string::npos) << sv_notes["syn-proxy"];
}

}  // namespace
}  // namespace tjlab
