// `tojimari watch` in the lab: the real binary in the scanner namespace, the
// lab's real target, a real HTTP receiver for the webhook (on 127.0.0.1 of
// the scanner namespace: alerts never leave loopback), a real shell command
// for --exec, and /metrics scraped with curl.
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "watch_fixture.h"

namespace tjlab {
namespace {

using std::chrono::seconds;
using Json = nlohmann::json;

// The loop: a listener started between two runs gives exactly one alert,
// to the webhook and to --exec alike, naming the new port; a dead webhook
// is counted and the watch goes on; SIGTERM ends it cleanly.
TEST_F(WatchLab, NewListenerAlertsOnceOnEverySink) {
  if (NotReady()) return;
  const int spare = lab_->spare().lo + 17;
  const int metrics_port = 19477;
  std::string exec_out = P("exec.json");
  Spawn({"--every", "2s", "--db", P("history.db"), "--webhook", receiver_->url(), "--webhook", "http://127.0.0.1:1/dead", "--exec",
         "cat >> " + exec_out + "; echo \"changes=$TOJIMARI_CHANGES\" >> " + exec_out + ".env", "--metrics",
         "127.0.0.1:" + std::to_string(metrics_port), "-sT", "-n", "-p", PortList(Ports(spare)), kTarget});
  ASSERT_TRUE(WaitForScans(metrics_port, 1, seconds(60))) << Slurp(P("watch.err"));
  std::string first = Scrape(metrics_port);
  EXPECT_EQ(Metric(first, "tojimari_open_ports{host=\"198.18.0.2\"}"), 3) << first;
  EXPECT_TRUE(receiver_->Bodies().empty()) << "the first run is the baseline";

  ASSERT_TRUE(lab_->Listen({spare}, 0));
  ASSERT_TRUE(receiver_->WaitFor(1, seconds(30))) << Slurp(P("watch.err"));
  // Two more runs with the port still open: no second alert.
  double scans = Metric(Scrape(metrics_port), "tojimari_scans_total");
  ASSERT_TRUE(WaitForScans(metrics_port, scans + 2, seconds(30)));
  std::string metrics = Scrape(metrics_port);
  EXPECT_EQ(Stop(), 0) << "SIGTERM ends the watch cleanly";
  std::string log = Slurp(P("watch.err"));

  auto bodies = receiver_->Bodies();
  ASSERT_EQ(bodies.size(), 1u) << log;
  Json j = Json::parse(bodies[0]);
  ASSERT_EQ(j["changes"].size(), 1u) << bodies[0];
  EXPECT_EQ(j["changes"][0]["host"], kTarget);
  EXPECT_EQ(j["changes"][0]["port"], spare);
  EXPECT_EQ(j["changes"][0]["after"], "open");
  EXPECT_EQ(j["changes"][0]["rechecked"], true);
  EXPECT_NE(j["text"].get<std::string>().find(std::to_string(spare) + "/tcp"), std::string::npos);
  // --exec got the same document on its stdin, and the counts in its environment.
  std::string exec_json = Slurp(exec_out);
  EXPECT_EQ(Json::parse(exec_json)["changes"], j["changes"]);
  EXPECT_EQ(Slurp(exec_out + ".env"), "changes=1\n");
  // The dead webhook failed once, and nothing stopped.
  EXPECT_NE(log.find("alert not delivered (webhook)"), std::string::npos) << log;
  EXPECT_EQ(Metric(metrics, "tojimari_alerts_sent_total"), 2) << metrics;
  EXPECT_EQ(Metric(metrics, "tojimari_alert_failures_total"), 1) << metrics;
  EXPECT_EQ(Metric(metrics, "tojimari_open_ports{host=\"198.18.0.2\"}"), 4) << metrics;
  EXPECT_GT(Metric(metrics, "tojimari_last_scan_timestamp_seconds"), 1.7e9);
  EXPECT_GT(Metric(metrics, "tojimari_last_scan_duration_seconds"), 0);
}

// One lost probe must not page anyone: the target drops the first SYN to
// an open port (an nftables quota), so the run sees it filtered; the
// re-check's SYN gets through, the change is suppressed, no alert is sent.
TEST_F(WatchLab, RecheckSuppressesALostProbe) {
  if (NotReady()) return;
  const int port = 3306;
  const int metrics_port = 19478;
  Spawn({"--every", "3s", "--db", P("history.db"), "--webhook", receiver_->url(), "--metrics", "127.0.0.1:" + std::to_string(metrics_port),
         "-sS", "-Pn", "-n", "--max-retries", "0", "-p", "22,80," + std::to_string(port), kTarget});
  ASSERT_TRUE(WaitForScans(metrics_port, 1, seconds(60))) << Slurp(P("watch.err"));
  // Drops SYNs to the port until 61 bytes have passed: the first SYN only
  // (44 to 60 bytes), whoever sends it.
  std::string rules = "table inet tjwatch { chain in { type filter hook input priority -5; policy accept; "
                      "tcp dport " + std::to_string(port) + " tcp flags & (syn | ack) == syn quota until 61 bytes "
                      "counter drop; }; }";
  auto added = tjlab::Run({"sh", "-c", "echo '" + rules + "' | ip netns exec " + lab_->target_ns() + " nft -f -"}, seconds(10));
  ASSERT_EQ(added.exit_code, 0) << added.err;
  double scans = Metric(Scrape(metrics_port), "tojimari_scans_total");
  ASSERT_TRUE(WaitForScans(metrics_port, scans + 2, seconds(60)));
  std::string metrics = Scrape(metrics_port);
  EXPECT_EQ(Stop(), 0);
  std::string log = Slurp(P("watch.err"));
  auto counted = tjlab::Run({"ip", "netns", "exec", lab_->target_ns(), "nft", "list", "table", "inet", "tjwatch"}, seconds(10));
  EXPECT_NE(counted.out.find("packets 1 "), std::string::npos) << "one SYN was dropped:\n" << counted.out;
  EXPECT_TRUE(receiver_->Bodies().empty()) << receiver_->Bodies()[0] << "\n" << log;
  EXPECT_EQ(Metric(metrics, "tojimari_changes_suppressed_total"), 1) << metrics << log;
  EXPECT_NE(log.find("port 3306/tcp on 198.18.0.2: open -> filtered not confirmed by the re-check"), std::string::npos)
      << log;
  EXPECT_EQ(Metric(metrics, "tojimari_open_ports{host=\"198.18.0.2\"}"), 3) << metrics;
}

// SIGTERM while a scan runs: the scan child stops, the watch exits cleanly,
// and nothing is left in its working directory (a scan the watch runs
// cannot be finished by `tojimari resume`, so it writes no resume file).
TEST_F(WatchLab, StopDuringAScanLeavesNoResumeFile) {
  if (NotReady()) return;
  const int metrics_port = 19479;
  // The dropped range at 100 probes a second: a scan of 20 s and more.
  const std::string dropped =
      std::to_string(lab_->dropped().lo) + "-" + std::to_string(lab_->dropped().hi);
  Spawn({"--every", "1h", "--db", P("history.db"), "--metrics", "127.0.0.1:" + std::to_string(metrics_port), "-sT",
         "-Pn", "-n", "--max-rate", "100", "-p", dropped, kTarget});
  // The scan child runs once the watch has a child of its own.
  const std::string children = "/proc/" + std::to_string(pid_) + "/task/" + std::to_string(pid_) + "/children";
  bool scanning = false;
  for (int i = 0; i < 100 && !scanning; ++i) {  // 10 s
    scanning = !Slurp(children).empty();
    if (!scanning) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(scanning) << Slurp(P("watch.err"));
  // Metrics answer once the listener is up; the scan is surely under way.
  for (int i = 0; i < 50 && Scrape(metrics_port).empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(Metric(Scrape(metrics_port), "tojimari_scans_total"), 0) << "the first scan is still running";
  EXPECT_EQ(Stop(), 0) << Slurp(P("watch.err"));
  std::vector<std::string> left;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    std::string name = e.path().filename().string();
    if (name != "watch.err" && !name.starts_with("history.db")) left.push_back(name);
  }
  EXPECT_TRUE(left.empty()) << "left in the working directory: " << left.front();
}

// The audit on a schedule, driven by two `--once` runs sharing a history:
// the first is the baseline (the policy is clean: exit 0, no alert); a
// listener started between them gives exactly one alert naming the new port
// and its new finding (exit 1); the history holds both runs, and `diff`
// shows the change.
TEST_F(WatchLab, OnceTwiceWithPolicyAlertsOnceAndKeepsHistory) {
  if (NotReady()) return;
  const int spare = lab_->spare().lo + 23;
  const std::string policy = P("policy.toml"), db = P("history.db"), exec_out = P("exec.json");
  {
    std::ofstream f(policy);
    f << "name = \"lab-watch\"\nscope = [\"198.18.0.0/15\"]\n\n[groups.target]\nhosts = [\"198.18.0.2\"]\n"
      << "expected = [\"22/tcp\", \"80/tcp\"]\nscan = \"22,80," << spare << "\"\n";
  }
  std::vector<std::string> once = {ScannerBin(), "watch", "--policy", policy, "--once", "--db", db, "--webhook",
                                   receiver_->url(), "--exec", "cat > " + exec_out, "-sT", "-n"};
  RunResult first = lab_->RunInScanner(once, seconds(120));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(receiver_->Bodies().empty());

  ASSERT_TRUE(lab_->Listen({spare}, 0));
  RunResult second = lab_->RunInScanner(once, seconds(120));
  EXPECT_EQ(second.exit_code, 1) << second.err;
  auto bodies = receiver_->Bodies();
  ASSERT_EQ(bodies.size(), 1u) << second.err;
  Json j = Json::parse(bodies[0]);
  EXPECT_EQ(j["policy"], "lab-watch");
  ASSERT_EQ(j["changes"].size(), 1u) << bodies[0];
  EXPECT_EQ(j["changes"][0]["port"], spare);
  EXPECT_EQ(j["changes"][0]["after"], "open");
  EXPECT_EQ(j["changes"][0]["rechecked"], true);
  ASSERT_EQ(j["findings_appeared"].size(), 1u) << bodies[0];
  EXPECT_EQ(j["findings_appeared"][0]["key"], "unexpected-open 198.18.0.2 " + std::to_string(spare) + "/tcp");
  EXPECT_TRUE(j["findings_cleared"].empty());
  EXPECT_TRUE(j["run_id"].is_number());
  EXPECT_EQ(Json::parse(Slurp(exec_out)), j);

  RunResult history = lab_->RunInScanner({ScannerBin(), "history", "--db", db, "--json"}, seconds(30));
  ASSERT_EQ(history.exit_code, 0) << history.err;
  Json h = Json::parse(history.out);
  ASSERT_TRUE(h.is_array() || h.contains("scans")) << history.out;
  EXPECT_EQ((h.is_array() ? h : h["scans"]).size(), 2u) << history.out;
  RunResult diff = lab_->RunInScanner({ScannerBin(), "diff", "--db", db, "latest~1", "latest"}, seconds(30));
  EXPECT_EQ(diff.exit_code, 1) << diff.out << diff.err;
  EXPECT_NE(diff.out.find(std::to_string(spare)), std::string::npos) << diff.out;
}

// --syslog: the watch runs in a private mount namespace whose /dev/log is
// the test's own datagram socket, so the messages syslog(3) sends can be
// read here (the host's syslog is never touched). A policy with a finding
// on the first run makes an alert at once.
TEST_F(WatchLab, SyslogGetsTheAlertLines) {
  if (NotReady()) return;
  const std::string policy = P("policy.toml"), sock_path = P("log.sock"), olddev = P("olddev");
  {
    std::ofstream f(policy);
    f << "name = \"lab-syslog\"\nscope = [\"198.18.0.0/15\"]\n\n[groups.target]\nhosts = [\"198.18.0.2\"]\n"
      << "expected = [\"22/tcp\"]\nscan = \"22,80\"\n";
  }
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(sock_path.size(), sizeof addr.sun_path);
  strcpy(addr.sun_path, sock_path.c_str());
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << strerror(errno);
  std::string script = "set -e; mkdir -p " + olddev + "; mount --bind /dev " + olddev +
                       "; mount -t tmpfs tmpfs /dev; for f in null zero random urandom; do touch /dev/$f; "
                       "mount --bind " + olddev + "/$f /dev/$f; done; touch /dev/log; mount --bind " + sock_path +
                       " /dev/log; exec ip netns exec " + scanner_ns() + " " + ScannerBin() + " watch --policy " +
                       policy + " --db " + P("history.db") + " --once --syslog -sT -n";
  RunResult r = tjlab::Run({"unshare", "-m", "--propagation", "private", "sh", "-c", script}, seconds(120));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  std::vector<std::string> messages;
  char buf[2048];
  while (true) {
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0) break;
    messages.emplace_back(buf, static_cast<size_t>(n));
  }
  close(fd);
  ASSERT_EQ(messages.size(), 2u) << r.err;
  // <28>: facility daemon (3 << 3) + priority warning (4).
  EXPECT_TRUE(messages[0].starts_with("<28>")) << messages[0];
  EXPECT_NE(messages[0].find("tojimari-watch["), std::string::npos) << messages[0];
  EXPECT_NE(messages[0].find("(lab-syslog): 1 new finding"), std::string::npos) << messages[0];
  EXPECT_NE(messages[1].find("new ["), std::string::npos) << messages[1];
  EXPECT_NE(messages[1].find("198.18.0.2 80/tcp: "), std::string::npos) << messages[1];
}

}  // namespace
}  // namespace tjlab
