// The defender's loop end to end, as an administrator lives it, with the
// real binary against the lab target: a policy for the target; `audit`
// finds exactly the planted violations and exits 1; `watch` runs the same
// audit on a schedule, posting to a real HTTP receiver; the administrator
// tightens the target's firewall (a real nftables rule in its namespace);
// the watch's next run notices, re-checks and posts the change; the history
// holds the runs before and after, and `diff` shows the change.
#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "watch_fixture.h"

namespace tjlab {
namespace {

using std::chrono::seconds;
using Json = nlohmann::json;
using DefendersLoop = WatchLab;

// The lab target listens on 22, 80, 3306 and 33080 (lab.sh); the test adds
// 111. The policy knows only 22 and 80.
constexpr const char* kPolicy = R"(name = "lab-loop"
scope = ["198.18.0.0/15"]

[groups.target]
hosts = ["198.18.0.2"]
expected = ["22/tcp", "80/tcp"]
scan = "22,80,111,3306,33080"
)";

const std::set<std::string> kPlanted = {
    "unexpected-open 198.18.0.2 111/tcp",    // a portmapper left running
    "unexpected-open 198.18.0.2 3306/tcp",   // a database not in the policy
    "unexpected-open 198.18.0.2 33080/tcp",  // a development server
};

// The keys of a list of findings; with `counting`, only those that count
// (an audit report lists excepted findings too).
std::set<std::string> Keys(const Json& findings, bool counting = false) {
  std::set<std::string> keys;
  for (const Json& f : findings)
    if (!counting || f["counts"].get<bool>()) keys.insert(f["key"].get<std::string>());
  return keys;
}

Json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return Json::parse(in, nullptr, false);
}

TEST_F(DefendersLoop, AuditThenAFirewallChangeAlertedByWatchAndShownByDiff) {
  if (NotReady()) return;
  ASSERT_TRUE(lab_->Listen({111}, 0)) << "listener on 111";
  const std::string policy = P("policy.toml"), db = P("history.db");
  std::ofstream(policy) << kPolicy;

  // The audit: exactly the planted violations, exit 1.
  RunResult audit = lab_->RunInScanner(
      {ScannerBin(), "audit", "--policy", policy, "-n", "--no-store", "--format", "json", "-o", P("audit.json")},
      seconds(300));
  EXPECT_EQ(audit.exit_code, 1) << audit.err;
  Json report = ReadJson(P("audit.json"));
  ASSERT_FALSE(report.is_discarded()) << Slurp(P("audit.json"));
  EXPECT_EQ(Keys(report["findings"], true), kPlanted);

  // The watch: its first run is the baseline, whose findings are all new.
  const int metrics_port = 19481;
  Spawn({"--policy", policy, "--every", "3s", "--db", db, "--webhook", receiver_->url(), "--metrics",
         "127.0.0.1:" + std::to_string(metrics_port), "-n"});
  ASSERT_TRUE(receiver_->WaitFor(1, seconds(90))) << Slurp(P("watch.err"));
  Json first = Json::parse(receiver_->Bodies()[0]);
  EXPECT_EQ(first["policy"], "lab-loop");
  EXPECT_EQ(Keys(first["findings_appeared"]), kPlanted) << first.dump(1);
  EXPECT_TRUE(first["changes"].empty()) << first.dump(1);

  // The firewall change: the target now drops what comes to 3306. The run
  // under way when the rule lands may have seen 3306 open; the next one
  // starts after it, so the alert comes from that run at the latest.
  const double before = Metric(Scrape(metrics_port), "tojimari_scans_total");
  ASSERT_GE(before, 1);
  RunResult rule = tjlab::Run(
      {"ip", "netns", "exec", lab_->target_ns(), "nft", "insert rule inet tjlab input tcp dport 3306 drop"}, seconds(30));
  ASSERT_EQ(rule.exit_code, 0) << rule.err;
  ASSERT_TRUE(receiver_->WaitFor(2, seconds(120))) << Slurp(P("watch.err"));
  const double alerted_at = Metric(Scrape(metrics_port), "tojimari_scans_total");
  EXPECT_LE(alerted_at, before + 2) << "the change was not alerted by the first run after it";
  Json second = Json::parse(receiver_->Bodies()[1]);
  ASSERT_EQ(second["changes"].size(), 1u) << second.dump(1);
  const Json& change = second["changes"][0];
  EXPECT_EQ(change["host"], kTarget);
  EXPECT_EQ(change["port"], 3306);
  EXPECT_EQ(change["proto"], "tcp");
  EXPECT_EQ(change["before"], "open");
  EXPECT_EQ(change["after"], "filtered");
  EXPECT_EQ(change["rechecked"], true) << "re-checked before alerting";
  EXPECT_EQ(Keys(second["findings_cleared"]), std::set<std::string>{"unexpected-open 198.18.0.2 3306/tcp"});
  EXPECT_TRUE(second["findings_appeared"].empty()) << second.dump(1);
  // The text is Slack's: its "->" arrives escaped.
  EXPECT_NE(second["text"].get<std::string>().find("port 3306/tcp on 198.18.0.2: open -&gt; filtered (re-checked)"),
            std::string::npos)
      << second["text"];

  // One more run with nothing new: no third alert; then a clean stop.
  ASSERT_TRUE(WaitForScans(metrics_port, alerted_at + 1, seconds(60)));
  const double runs = Metric(Scrape(metrics_port), "tojimari_scans_total");
  EXPECT_EQ(Stop(), 0) << Slurp(P("watch.err"));
  EXPECT_EQ(receiver_->Bodies().size(), 2u) << Slurp(P("watch.err"));

  // The history holds every run, the ones before the change and after it.
  RunResult history = lab_->RunInScanner({ScannerBin(), "history", "--db", db, "--json"}, seconds(30));
  ASSERT_EQ(history.exit_code, 0) << history.err;
  Json scans = Json::parse(history.out, nullptr, false)["scans"];
  ASSERT_TRUE(scans.is_array()) << history.out;
  EXPECT_GE(scans.size(), static_cast<size_t>(runs)) << history.out;
  std::set<int64_t> ids;
  for (const Json& s : scans) ids.insert(s["id"].get<int64_t>());
  ASSERT_TRUE(first["run_id"].is_number() && second["run_id"].is_number()) << first.dump() << second.dump();
  const int64_t a = first["run_id"], b = second["run_id"];
  EXPECT_TRUE(ids.contains(a) && ids.contains(b)) << history.out;

  // diff of the baseline and the run that alerted: 3306 went from open to
  // filtered, and nothing else changed.
  RunResult diff = lab_->RunInScanner(
      {ScannerBin(), "diff", "--db", db, std::to_string(a), std::to_string(b), "--json"}, seconds(30));
  EXPECT_EQ(diff.exit_code, 1) << diff.out << diff.err;
  Json d = Json::parse(diff.out, nullptr, false);
  ASSERT_FALSE(d.is_discarded()) << diff.out;
  EXPECT_EQ(d["changed"], true);
  ASSERT_EQ(d["hosts"].size(), 1u) << diff.out;
  ASSERT_EQ(d["hosts"][0]["ports"].size(), 1u) << diff.out;
  const Json& port = d["hosts"][0]["ports"][0];
  EXPECT_EQ(port["port"], 3306);
  EXPECT_EQ(port["change"], "closed") << "open before, not open after";
  EXPECT_EQ(port["before"]["state"], "open");
  EXPECT_EQ(port["after"]["state"], "filtered");
  RunResult text = lab_->RunInScanner({ScannerBin(), "diff", "--db", db, std::to_string(a), std::to_string(b)},
                                      seconds(30));
  EXPECT_EQ(text.exit_code, 1) << text.err;
  EXPECT_NE(text.out.find("3306"), std::string::npos) << text.out;
}

}  // namespace
}  // namespace tjlab
