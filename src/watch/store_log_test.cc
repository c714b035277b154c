// The watch's runs in a real SQLite history (a temporary file).
#include "watch/store_log.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/watch_testing.h"

namespace tj {
namespace {

using testing::Host;
using testing::Record;

class StoreLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tojimari-storelog-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<RunLog> Open(const StoreLogOptions& o) {
    auto store = Store::Open(dir_ + "/history.db", OpenOptions{});
    EXPECT_TRUE(store.ok()) << store.error().message;
    return MakeStoreRunLog(std::move(*store), o);
  }
  std::string dir_;
};

WatchRun MakeRun(uint16_t extra_port, std::vector<FindingBrief> findings) {
  WatchRun run;
  run.record = Record({Host("198.18.0.2", {{22, PortState::kOpen}, {extra_port, PortState::kOpen}})});
  run.record.info.args = "tojimari watch --policy p.toml";
  run.record.info.start = std::chrono::system_clock::now();
  run.findings = std::move(findings);
  nlohmann::json doc = {{"findings", nlohmann::json::array()}};
  for (const auto& f : run.findings)
    doc["findings"].push_back({{"key", f.key}, {"severity", f.severity}, {"counts", true}, {"title", f.title},
                               {"host", f.host}, {"port", extra_port}, {"proto", "tcp"}});
  doc["findings"].push_back({{"key", "exception-applied x"}, {"severity", "info"}, {"counts", false}});
  run.audit_json = doc.dump();
  return run;
}

TEST_F(StoreLogTest, LastIsTheNewestRunOfThisPolicy) {
  StoreLogOptions mine{"/etc/tojimari/policy.toml", "office", "tojimari watch --policy p.toml"};
  StoreLogOptions other{"/etc/tojimari/other.toml", "other", "tojimari watch --policy other.toml"};
  {
    auto log = Open(mine);
    auto last = log->Last();
    ASSERT_TRUE(last.ok()) << last.error().message;
    EXPECT_FALSE(last->has_value());
    ASSERT_TRUE(log->Save(MakeRun(80, {})).ok());
    FindingBrief f{"unexpected-open 198.18.0.2 8080/tcp", "medium", "8080 open", "198.18.0.2", "8080/tcp"};
    auto id = log->Save(MakeRun(8080, {f}));
    ASSERT_TRUE(id.ok()) << id.error().message;
  }
  ASSERT_TRUE(Open(other)->Save(MakeRun(9090, {})).ok());  // newer, but another policy's
  // A new process (the next --once) finds the last run of its own policy.
  auto last = Open(mine)->Last();
  ASSERT_TRUE(last.ok()) << last.error().message;
  ASSERT_TRUE(last->has_value());
  const WatchRun& run = **last;
  ASSERT_EQ(run.record.hosts.size(), 1u);
  EXPECT_EQ(run.record.hosts[0].ports.size(), 2u);
  EXPECT_EQ(run.record.hosts[0].ports[1].port, 8080);
  ASSERT_EQ(run.findings.size(), 1u);  // the exception-applied entry does not count
  EXPECT_EQ(run.findings[0].key, "unexpected-open 198.18.0.2 8080/tcp");
  EXPECT_EQ(run.findings[0].port, "8080/tcp");
}

TEST_F(StoreLogTest, RunsWithoutPolicyMatchTheirCommandLine) {
  StoreLogOptions a{"", "", "tojimari watch -p 22 198.18.0.2"}, b{"", "", "tojimari watch -p 80 198.18.0.2"};
  WatchRun run = MakeRun(80, {});
  run.record.info.args = a.args;
  ASSERT_TRUE(Open(a)->Save(run).ok());
  auto mine = Open(a)->Last();
  ASSERT_TRUE(mine.ok() && mine->has_value());
  auto theirs = Open(b)->Last();
  ASSERT_TRUE(theirs.ok());
  EXPECT_FALSE(theirs->has_value());
}

TEST(StoreLogFindings, HostileAuditJsonIsAnErrorOrSkipped) {
  EXPECT_FALSE(FindingsFromAuditJson("{not json", 3).ok());
  EXPECT_NE(FindingsFromAuditJson("{not json", 3).error().message.find("scan 3"), std::string::npos);
  EXPECT_FALSE(FindingsFromAuditJson(R"({"findings": 5})", 3).ok());
  EXPECT_FALSE(FindingsFromAuditJson(R"({"findings": [{"severity": "high"}]})", 3).ok());  // no key
  auto odd = FindingsFromAuditJson(R"({"findings": [7, {"key": "k", "counts": "yes", "port": -1, "title": 3}]})", 3);
  ASSERT_TRUE(odd.ok());
  ASSERT_EQ(odd->size(), 1u);
  EXPECT_EQ((*odd)[0].key, "k");
  EXPECT_EQ((*odd)[0].port, "");
  EXPECT_TRUE(FindingsFromAuditJson("{}", 3)->empty());
}

}  // namespace
}  // namespace tj
