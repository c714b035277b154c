#include "watch/alert.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/watch_testing.h"

namespace tj {
namespace {

Alert Sample() {
  Alert a;
  a.at = std::chrono::system_clock::from_time_t(1795000000);
  a.policy = "lab";
  a.run_id = 7;
  PortFlip f;
  f.host = *Address::Parse("198.18.0.2");
  f.host_name = "target<!channel>";
  f.port = 50123;
  f.before = PortState::kClosed;
  f.after = PortState::kOpen;
  f.rechecked = true;
  a.changes.push_back(f);
  PortFlip s = f;
  s.port = 22;
  s.before = PortState::kOpen;
  s.after = PortState::kOpen;
  a.suppressed.push_back(s);
  a.findings.appeared.push_back({"unexpected-open 198.18.0.2 50123/tcp", "medium", "Unexpected open port 50123/tcp",
                                 "198.18.0.2", "50123/tcp"});
  a.findings.cleared.push_back({"expected-missing 198.18.0.2 443/tcp", "high", "443/tcp is not open\nX",
                                "198.18.0.2", "443/tcp"});
  return a;
}

TEST(WatchAlert, LinesSayWhatChanged) {
  auto lines = AlertLines(Sample());
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "tojimari watch (lab): 1 port changed, 1 new finding, 1 finding cleared");
  EXPECT_EQ(lines[1], "port 50123/tcp on target<!channel> (198.18.0.2): closed -> open (re-checked)");
  EXPECT_EQ(lines[2], "new [medium] 198.18.0.2 50123/tcp: Unexpected open port 50123/tcp");
  EXPECT_EQ(lines[3], "cleared [high] 198.18.0.2 443/tcp: 443/tcp is not open?X");  // one line, whatever the data
  EXPECT_EQ(lines[4], "(1 change not confirmed by the re-check, not alerted)");
}

TEST(WatchAlert, JsonIsSlackCompatibleAndStructured) {
  auto j = nlohmann::json::parse(AlertJson(Sample(), "0.1.0"));
  ASSERT_TRUE(j["text"].is_string());
  std::string text = j["text"];
  // Slack markup from the network is escaped: no @channel, no fake link.
  EXPECT_EQ(text.find("<!channel>"), std::string::npos);
  EXPECT_NE(text.find("target&lt;!channel&gt;"), std::string::npos);
  EXPECT_NE(text.find("50123/tcp"), std::string::npos);
  EXPECT_EQ(j["format"], "tojimari-alert");
  EXPECT_EQ(j["schema_version"], kAlertJsonVersion);
  EXPECT_EQ(j["version"], "0.1.0");
  EXPECT_EQ(j["time"], "2026-11-18T11:06:40Z");
  EXPECT_EQ(j["run_id"], 7);
  ASSERT_EQ(j["changes"].size(), 1u);
  EXPECT_EQ(j["changes"][0]["host"], "198.18.0.2");
  EXPECT_EQ(j["changes"][0]["host_name"], "target<!channel>");  // raw in the structured field
  EXPECT_EQ(j["changes"][0]["port"], 50123);
  EXPECT_EQ(j["changes"][0]["proto"], "tcp");
  EXPECT_EQ(j["changes"][0]["before"], "closed");
  EXPECT_EQ(j["changes"][0]["after"], "open");
  EXPECT_EQ(j["changes"][0]["rechecked"], true);
  EXPECT_EQ(j["findings_appeared"][0]["key"], "unexpected-open 198.18.0.2 50123/tcp");
  EXPECT_EQ(j["findings_appeared"][0]["severity"], "medium");
  EXPECT_EQ(j["findings_cleared"][0]["port"], "443/tcp");
  EXPECT_EQ(j["suppressed_changes"].size(), 1u);
}

TEST(WatchAlert, NotReportedIsNull) {
  Alert a = Sample();
  a.changes[0].before.reset();
  a.run_id = 0;
  auto j = nlohmann::json::parse(AlertJson(a, "0.1.0"));
  EXPECT_TRUE(j["changes"][0]["before"].is_null());
  EXPECT_TRUE(j["run_id"].is_null());
  EXPECT_NE(AlertLines(a)[1].find("not reported -> open"), std::string::npos);
}

TEST(WatchAlert, InvalidUtf8NeverThrows) {
  Alert a = Sample();
  a.changes[0].host_name = "bad\xff\xfe";
  EXPECT_NO_THROW(nlohmann::json::parse(AlertJson(a, "0.1.0")));
}

}  // namespace
}  // namespace tj
