#include "watch/watcher.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "watch/schedule.h"
#include "support/watch_testing.h"

namespace tj {
namespace {

using testing::Host;
using testing::Record;
constexpr auto kOpen = PortState::kOpen, kClosed = PortState::kClosed, kFiltered = PortState::kFiltered;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A cycle's scan and re-check answer with the records the test sets, and
// the sinks are real: a shell command writing what it gets to a file.
class WatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tojimari-watcher-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    SinkOptions so;
    so.version = "test";
    sinks_.push_back(MakeExecSink("cat >> " + dir_ + "/alerts; echo \"$TOJIMARI_CHANGES $TOJIMARI_FINDINGS_NEW "
                                  "$TOJIMARI_FINDINGS_CLEARED\" >> " + dir_ + "/env",
                                  so));
    WatchSource src;
    src.scan = [this]() -> Result<ScanRecord> { return scan_; };
    src.recheck = [this](const Recheck& r) -> Result<ScanRecord> {
      rechecks_.push_back(r);
      return recheck_;
    };
    src.judge = [](const ScanRecord& rec) {
      // A stand-in policy: every open port but 22 is a finding.
      Judgement out;
      for (const auto& h : rec.hosts)
        for (const auto& p : h.ports)
          if (p.state == PortState::kOpen && p.port != 22)
            out.findings.push_back({"unexpected-open " + std::to_string(p.port), "medium", "port " + std::to_string(p.port),
                           h.addr.ToString(), std::to_string(p.port) + "/tcp"});
      return out;
    };
    watcher_ = std::make_unique<Watcher>(src, log_.get(), &sinks_, &metrics_, "test-policy");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<std::string> Alerts() {
    std::vector<std::string> out;
    std::istringstream in(Slurp(dir_ + "/alerts"));
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

  std::string dir_;
  ScanRecord scan_, recheck_;
  std::vector<Recheck> rechecks_;
  std::unique_ptr<RunLog> log_ = MakeMemoryRunLog();
  std::vector<std::unique_ptr<AlertSink>> sinks_;
  Metrics metrics_;
  std::unique_ptr<Watcher> watcher_;
};

TEST_F(WatcherTest, BaselineThenConfirmedChangeThenSuppressedBlip) {
  scan_ = Record({Host("198.18.0.2", {{22, kOpen}, {8080, kClosed}})});
  auto r1 = watcher_->Cycle();
  ASSERT_TRUE(r1.ok());
  EXPECT_TRUE(r1->baseline);
  EXPECT_TRUE(r1->alert.empty());
  EXPECT_TRUE(Alerts().empty());

  // 8080 opens, and the re-check sees it open: one alert, with the new finding.
  scan_ = Record({Host("198.18.0.2", {{22, kOpen}, {8080, kOpen}})});
  recheck_ = Record({Host("198.18.0.2", {{8080, kOpen}})});
  auto r2 = watcher_->Cycle();
  ASSERT_TRUE(r2.ok());
  ASSERT_EQ(rechecks_.size(), 1u);
  EXPECT_EQ(rechecks_[0], (Recheck{*Address::Parse("198.18.0.2"), {8080}, {}}));
  ASSERT_EQ(r2->alert.changes.size(), 1u);
  EXPECT_EQ(r2->alert.run_id, 2);
  ASSERT_EQ(Alerts().size(), 1u);
  auto j = nlohmann::json::parse(Alerts()[0]);
  EXPECT_EQ(j["changes"][0]["port"], 8080);
  EXPECT_EQ(j["findings_appeared"][0]["key"], "unexpected-open 8080");
  EXPECT_EQ(Slurp(dir_ + "/env"), "1 1 0\n");

  // 22 looks filtered (a lost SYN), 8080 stays: the re-check sees 22 open
  // again, so no alert, no finding, and the stored run says open.
  scan_ = Record({Host("198.18.0.2", {{22, kFiltered}, {8080, kOpen}})});
  recheck_ = Record({Host("198.18.0.2", {{22, kOpen}})});
  auto r3 = watcher_->Cycle();
  ASSERT_TRUE(r3.ok());
  EXPECT_TRUE(r3->alert.empty());
  ASSERT_EQ(r3->alert.suppressed.size(), 1u);
  EXPECT_EQ(Alerts().size(), 1u);
  auto stored = log_->Last();
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->record.hosts[0].ports[0].state, kOpen);
  EXPECT_NE(metrics_.Text().find("tojimari_changes_suppressed_total 1\n"), std::string::npos);
  EXPECT_NE(metrics_.Text().find("tojimari_alerts_sent_total 1\n"), std::string::npos);

  // 8080 closes for real: the finding clears.
  scan_ = Record({Host("198.18.0.2", {{22, kOpen}, {8080, kClosed}})});
  recheck_ = Record({Host("198.18.0.2", {{8080, kClosed}})});
  auto r4 = watcher_->Cycle();
  ASSERT_TRUE(r4.ok());
  ASSERT_EQ(r4->alert.findings.cleared.size(), 1u);
  EXPECT_EQ(Alerts().size(), 2u);
  EXPECT_EQ(Slurp(dir_ + "/env"), "1 1 0\n1 0 1\n");
}

TEST_F(WatcherTest, FailingSinkIsCountedAndTheWatchGoesOn) {
  SinkOptions so;
  sinks_.insert(sinks_.begin(), MakeExecSink("exit 3", so));
  scan_ = Record({Host("198.18.0.2", {{9000, kOpen}})});  // first run: its finding is new
  auto r = watcher_->Cycle();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sink_failures, 1u);
  EXPECT_EQ(Alerts().size(), 1u);  // the sink after the failing one still got it
  EXPECT_NE(metrics_.Text().find("tojimari_alert_failures_total 1\n"), std::string::npos);
}

TEST_F(WatcherTest, FailedRecheckAlertsUnconfirmed) {
  scan_ = Record({Host("198.18.0.2", {{22, kOpen}})});
  ASSERT_TRUE(watcher_->Cycle().ok());
  scan_ = Record({Host("198.18.0.2", {{22, kClosed}})});
  WatchSource src;
  src.scan = [this]() -> Result<ScanRecord> { return scan_; };
  src.recheck = [](const Recheck&) -> Result<ScanRecord> { return MakeError("no"); };
  Watcher w(src, log_.get(), &sinks_, &metrics_, "");
  auto r = w.Cycle();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->recheck_failed);
  ASSERT_EQ(r->alert.changes.size(), 1u);
  EXPECT_FALSE(r->alert.changes[0].rechecked);
}

TEST_F(WatcherTest, InterruptedScanIsNeitherStoredNorCompared) {
  scan_ = Record({Host("198.18.0.2", {{22, kOpen}})});
  scan_.summary.interrupted = true;
  auto r = watcher_->Cycle();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->interrupted);
  auto last = log_->Last();
  ASSERT_TRUE(last.ok());
  EXPECT_FALSE(last->has_value());
}

TEST(WatchSchedule, RunsEveryIntervalUntilStopped) {
  std::atomic<bool> stop{false};
  int n = 0;
  auto t0 = std::chrono::steady_clock::now();
  RunEvery(std::chrono::milliseconds(50), stop, [&] {
    if (++n == 4) stop = true;
    return true;
  });
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(n, 4);
  EXPECT_GE(ms, 150);  // three waits between four cycles
  EXPECT_LT(ms, 1000);
  n = 0;
  RunEvery(std::chrono::hours(1), stop, [&] { return ++n, true; });
  EXPECT_EQ(n, 0);  // already stopped: not even one cycle
}

}  // namespace
}  // namespace tj
