// The session with a fake engine: a request in, observer events, reports
// and a record out; an interrupt leaves a resume file whose request and
// hosts finish the scan with no host probed twice.
#include "session/scan_session.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tj {
namespace {

// Every host answers: 22 open, the rest closed. `stop_after` hosts scanned,
// it sets the stop flag, as SIGINT would.
struct FakeEngine {
  std::vector<Address> scanned;  // every host a scan was asked for, in order
  std::vector<std::vector<uint16_t>> ports_asked;
  std::atomic<bool>* stop = nullptr;
  size_t stop_after = 0;

  EngineChooser Chooser() {
    return [this](const EngineChoice& choice) -> Result<ChosenEngine> {
      choice.notice("fake engine chosen");
      ChosenEngine c;
      c.type = "syn";
      c.max_group_hosts = 1;  // a group per host: the interrupt falls between hosts
      c.scan = [this](const std::vector<HostJob>& jobs, ResultSink* sink) -> Result<std::vector<HostOutcome>> {
        std::vector<HostOutcome> out;
        for (const HostJob& j : jobs) {
          scanned.push_back(j.addr);
          ports_asked.push_back(j.ports);
          HostOutcome o;
          o.addr = j.addr;
          o.up = true;
          for (uint16_t p : j.ports) {
            PortResult r;
            r.addr = j.addr;
            r.port = p;
            r.state = p == 22 ? PortState::kOpen : PortState::kClosed;
            r.reason = p == 22 ? Reason::kSynAck : Reason::kReset;
            if (sink) sink->OnPort(r);
            o.ports.push_back(r);
          }
          out.push_back(std::move(o));
        }
        if (stop && stop_after && scanned.size() >= stop_after) stop->store(true);
        return out;
      };
      c.stats = [] { return std::string("fake: 0 probes"); };
      return c;
    };
  }
};

class Events : public ScanObserver {
 public:
  std::vector<std::string> log;
  std::vector<HostResult> hosts;
  void Notice(std::string_view line) override { log.push_back("notice " + std::string(line)); }
  void Started(const ScanInfo& info, const ProgressCounters& c) override {
    log.push_back("started " + info.scan_type + " " + info.tcp_services);
    counters = &c;
  }
  void Host(const HostResult& h) override {
    log.push_back("host " + h.addr.ToString());
    hosts.push_back(h);
  }
  void Done(const RunSummary& s) override {
    log.push_back("done " + std::to_string(s.hosts_up) + (s.interrupted ? " interrupted" : ""));
    done_count = counters ? counters->done.load() : 0;
  }
  const ProgressCounters* counters = nullptr;
  uint64_t done_count = 0;
};

ScanRequest Request(const std::string& dir) {
  ScanRequest r;
  r.targets = {"198.18.0.1-3"};
  r.ports = PortSpec{};
  r.ports->tcp.AddRange(21, 23);
  r.skip_discovery = true;  // -Pn: no connects to decide who is up
  r.no_dns = true;
  r.json_out = dir + "/scan.json";
  r.resume_file = dir + "/scan.resume";
  r.command_line = "tojimari scan test";
  return r;
}

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/tj-session-" + std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const char* old = getenv("XDG_DATA_HOME");
    saved_ = old ? std::optional<std::string>(old) : std::nullopt;
    setenv("XDG_DATA_HOME", (dir_ + "/data").c_str(), 1);  // the resume key goes here
  }
  void TearDown() override {
    if (saved_) setenv("XDG_DATA_HOME", saved_->c_str(), 1);
    else unsetenv("XDG_DATA_HOME");
    std::filesystem::remove_all(dir_);
  }
  std::string dir_;
  std::optional<std::string> saved_;
};

TEST_F(SessionTest, ARequestInEventsReportsAndARecordOut) {
  FakeEngine engine;
  std::atomic<bool> stop{false};
  ScanRecord record;
  ScanEnv env;
  env.stop = &stop;
  env.quiet = true;
  env.record = &record;
  env.choose_engine = engine.Chooser();
  Events events;
  auto out = RunScan(Request(dir_), env, &events);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(events.log, (std::vector<std::string>{"notice fake engine chosen", "started syn 21-23",
                                                  "host 198.18.0.1", "host 198.18.0.2", "host 198.18.0.3",
                                                  "done 3"}));
  EXPECT_EQ(events.done_count, 9u);  // the progress counters saw every port
  EXPECT_FALSE(out->summary.interrupted);
  EXPECT_EQ(out->engine_stats, "fake: 0 probes");
  EXPECT_TRUE(out->resume_written.empty());
  EXPECT_TRUE(out->output_error.ok());
  // The record and the report hold the same scan.
  ASSERT_EQ(record.hosts.size(), 3u);
  EXPECT_EQ(record.info.args, "tojimari scan test");
  EXPECT_EQ(record.hosts[1].ports.size(), 3u);
  EXPECT_EQ(record.hosts[1].ports[1].state, PortState::kOpen);
  std::ifstream json(dir_ + "/scan.json");
  std::stringstream text;
  text << json.rdbuf();
  EXPECT_NE(text.str().find("198.18.0.3"), std::string::npos);
  // A finished scan leaves no resume file.
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/scan.resume"));
}

TEST_F(SessionTest, BadRequestsAreRefusedBeforeTheEngine) {
  FakeEngine engine;
  ScanEnv env;
  env.quiet = true;
  env.choose_engine = engine.Chooser();
  ScanRequest r = Request(dir_);
  r.top_ports = 10;  // and a port spec
  EXPECT_NE(RunScan(r, env, nullptr).error().message.find("cannot be combined"), std::string::npos);
  r = Request(dir_);
  r.targets = {"198.18.0.0/8"};
  r.max_targets = 1000;
  EXPECT_NE(RunScan(r, env, nullptr).error().message.find("--i-know"), std::string::npos);
  r = Request(dir_);
  r.xml_out = r.json_out = "-";
  EXPECT_NE(RunScan(r, env, nullptr).error().message.find("only one report"), std::string::npos);
  // A request a program built (no text from a user) is quoted as ranges.
  r = Request(dir_);
  r.ports = PortSpec{};
  r.ports->udp.AddRange(161, 162);
  EXPECT_EQ(RunScan(r, env, nullptr).error().message, "port spec \"U:161-162\" names no TCP port");
  EXPECT_TRUE(engine.scanned.empty());
}

TEST_F(SessionTest, AnInterruptedScanResumesWithNoHostProbedTwice) {
  FakeEngine engine;
  std::atomic<bool> stop{false};
  engine.stop = &stop;
  engine.stop_after = 2;
  ScanEnv env;
  env.stop = &stop;
  env.quiet = true;
  env.choose_engine = engine.Chooser();
  Events first;
  auto out = RunScan(Request(dir_), env, &first);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_TRUE(out->summary.interrupted);
  ASSERT_EQ(out->resume_written, dir_ + "/scan.resume");
  ASSERT_EQ(first.hosts.size(), 2u);

  // The resume file holds the request as data and the hosts decided.
  auto key = LoadResumeKey(false);
  ASSERT_TRUE(key) << key.error().message;
  auto state = ReadResumeFile(dir_ + "/scan.resume", *key);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->request.targets, Request(dir_).targets);
  EXPECT_EQ(state->request.json_out, dir_ + "/scan.json");
  EXPECT_EQ(state->hosts.size(), 2u);

  stop = false;
  engine.stop_after = 0;
  env.resume = &*state;
  Events second;
  auto done = RunScan(state->request, env, &second);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_FALSE(done->summary.interrupted);
  // Every host once, in order, and only the third probed again.
  ASSERT_EQ(second.hosts.size(), 3u);
  EXPECT_EQ(second.hosts[2].addr, *Address::Parse("198.18.0.3"));
  ASSERT_EQ(engine.scanned.size(), 3u);
  EXPECT_EQ(engine.scanned[2], *Address::Parse("198.18.0.3"));
  // Consumed.
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/scan.resume"));
}

}  // namespace
}  // namespace tj
