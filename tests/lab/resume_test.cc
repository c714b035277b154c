// Lab tests of interrupt and resume: a full-range scan of the lab target is
// interrupted with SIGINT at random moments (a fixed seed, printed, so a
// failure can be replayed), then finished with `tojimari resume FILE`. The
// resumed run's -oJ must equal an uninterrupted reference scan port for
// port, and the two runs' NDJSON streams must split the ports between them:
// nothing decided twice, nothing left out. For the SYN scan the lab's SYN
// counter also shows that the resumed run probed only what was undecided.
//
// Needs root for the lab, like lab_test.cc.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lab.h"
#include "lab_fixture.h"
#include "scan_check.h"

namespace tjlab {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr const char* kTarget = "198.18.0.2";
constexpr int kAllPorts = 65535;
// The interruption moments come from this seed; TOJIMARI_RESUME_SEED
// overrides it to explore (the seed is printed either way).
unsigned Seed() {
  const char* s = std::getenv("TOJIMARI_RESUME_SEED");
  return s && *s ? static_cast<unsigned>(std::strtoul(s, nullptr, 10)) : 20261122u;
}

std::string Read(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// (state, reason) of every port of every host, by address then port.
using StateReason = std::pair<std::string, std::string>;
using PortMap = std::map<int, StateReason>;
using HostPorts = std::map<std::string, PortMap>;

// "1-3,5,80-81" (the -p syntax of extra_ports) to its ports.
std::vector<int> ExpandRanges(const std::string& s) {
  std::vector<int> out;
  std::istringstream in(s);
  std::string part;
  while (std::getline(in, part, ',')) {
    auto dash = part.find('-');
    int lo = std::stoi(part.substr(0, dash));
    int hi = dash == std::string::npos ? lo : std::stoi(part.substr(dash + 1));
    for (int p = lo; p <= hi; ++p) out.push_back(p);
  }
  return out;
}

// Every port of an -oJ document, listed in ports[] or folded into
// extra_ports[]; a port found twice is a failure.
testing::AssertionResult JsonPorts(const json& doc, HostPorts* out) {
  for (const json& h : doc.at("hosts")) {
    PortMap& m = (*out)[h.at("address").get<std::string>()];
    auto add = [&](int port, const std::string& state, const std::string& reason) {
      return m.emplace(port, StateReason{state, reason}).second;
    };
    for (const json& p : h.at("ports"))
      if (!add(p.at("port"), p.at("state"), p.at("reason")))
        return testing::AssertionFailure() << "port " << p.at("port") << " listed twice";
    for (const json& e : h.at("extra_ports"))
      for (const json& r : e.at("reasons"))
        for (int port : ExpandRanges(r.at("ports")))
          if (!add(port, e.at("state"), r.at("reason")))
            return testing::AssertionFailure() << "port " << port << " listed twice";
  }
  return testing::AssertionSuccess();
}

// Differences between two scans of the same host. The rejected range is the
// one place two correct scans may differ: the target's ICMP rate limit lets
// only some admin-prohibited errors through, the rest are no-response (and a
// connect() may see the ICMP as host-unreach); filtered they must be.
std::vector<std::string> Differences(const Lab& lab, const PortMap& want, const PortMap& got) {
  std::vector<std::string> diff;
  for (int port = 1; port <= kAllPorts; ++port) {
    auto w = want.find(port), g = got.find(port);
    std::string ws = w == want.end() ? "missing" : w->second.first + "/" + w->second.second;
    std::string gs = g == got.end() ? "missing" : g->second.first + "/" + g->second.second;
    if (ws == gs) continue;
    auto filtered = [](const std::string& s) { return s.starts_with("filtered/"); };
    if (lab.TcpTruth(port) == Truth::kRejected && filtered(ws) && filtered(gs)) continue;
    diff.push_back(std::to_string(port) + ": reference " + ws + ", resumed " + gs);
  }
  return diff;
}

std::string FirstFew(const std::vector<std::string>& v) {
  std::string s = std::to_string(v.size()) + " difference(s)";
  for (size_t i = 0; i < v.size() && i < 20; ++i) s += "\n  " + v[i];
  return s;
}

// Realpath of the program a process runs, "" when it is gone.
std::string ExeOf(pid_t pid) {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec);
  return ec ? "" : p.string();
}

struct Interrupted {
  int exit_code = -1;      // -1: killed by a signal, or still running at the deadline
  bool signalled = false;  // SIGINT reached tojimari itself while it ran
  double stop_seconds = 0;  // from SIGINT to exit
  std::string err;
};

class ResumeLabTest : public LabFixture {
 protected:

  std::vector<std::string> ScanArgs(const std::string& technique) const {
    return {ScannerBin(), technique, "-p-", "-n", "-Pn", "--max-rate", "40000"};
  }
  uint64_t Syns() const { return lab_->Syns(); }

  // The uninterrupted scan every resumed one must equal.
  void Reference(const std::string& technique, PortMap* ports, double* secs) {
    std::vector<std::string> argv = ScanArgs(technique);
    argv.insert(argv.end(), {"-oJ", P("ref.json"), kTarget});
    RunResult r = lab_->RunInScanner(argv, seconds(120));
    ASSERT_FALSE(r.timed_out);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    HostPorts hp;
    ASSERT_TRUE(JsonPorts(json::parse(Read(P("ref.json"))), &hp));
    ASSERT_EQ(hp.size(), 1u);
    *ports = hp[kTarget];
    ASSERT_EQ(ports->size(), static_cast<size_t>(kAllPorts));
    *secs = r.seconds;
    std::cout << technique << " reference: " << r.seconds << " s\n";
  }

  Interrupted StartAndInterrupt(const std::vector<std::string>& argv, double delay_s);
  void InterruptAndResume(const std::string& technique, double delay_s, const PortMap& ref);
  void CheckNdjsonSplit(const PortMap& ref, const Rows& first, const Rows& second);

};

// Starts argv inside the scanner's namespace (stdout and stderr to files),
// sends SIGINT after delay_s, and waits for the exit. `ip netns exec`
// execs, so the child's PID becomes tojimari's; the signal is sent only
// once it is, so it never hits `ip` instead.
Interrupted ResumeLabTest::StartAndInterrupt(const std::vector<std::string>& argv, double delay_s) {
  Interrupted res;
  std::vector<std::string> full = {"ip", "netns", "exec", lab_->scanner_ns()};
  full.insert(full.end(), argv.begin(), argv.end());
  const std::string out = P("int.out"), err = P("int.err");
  const std::string want_exe = fs::weakly_canonical(ScannerBin()).string();
  auto start = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    int in = open("/dev/null", O_RDONLY);
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0), dup2(o, 1), dup2(e, 2);
    for (int fd : {in, o, e})
      if (fd > 2) close(fd);
    std::vector<char*> args;
    for (const auto& a : full) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  if (pid < 0) return res;
  std::this_thread::sleep_until(start + milliseconds(static_cast<int>(delay_s * 1000)));
  for (int i = 0; i < 200 && ExeOf(pid) != want_exe; ++i) std::this_thread::sleep_for(milliseconds(10));
  int status = 0;
  if (ExeOf(pid) == want_exe && waitpid(pid, &status, WNOHANG) == 0) {
    res.signalled = kill(pid, SIGINT) == 0;  // our own child, by PID
  }
  const auto signalled_at = Clock::now();
  auto deadline = signalled_at + seconds(60);
  pid_t w = 0;
  while ((w = waitpid(pid, &status, WNOHANG)) == 0 && Clock::now() < deadline)
    std::this_thread::sleep_for(milliseconds(20));
  if (w == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  } else if (w == pid && WIFEXITED(status)) {
    res.exit_code = WEXITSTATUS(status);
  }
  res.stop_seconds = std::chrono::duration<double>(Clock::now() - signalled_at).count();
  res.err = Read(err);
  return res;
}

// The interrupted run's stream and the resumed run's (only its new results)
// split the port space, and agree with the reference where they overlap it.
void ResumeLabTest::CheckNdjsonSplit(const PortMap& ref, const Rows& first, const Rows& second) {
  std::vector<int> twice;
  for (const auto& [port, row] : second)
    if (first.count(port)) twice.push_back(port);
  EXPECT_TRUE(twice.empty()) << twice.size() << " port(s) decided by both runs, e.g. " << twice.front();
  std::vector<std::string> missing;
  PortMap both;
  for (const Rows* rows : {&first, &second})
    for (const auto& [port, row] : *rows) both[port] = {row.state, row.reason};
  for (int port = 1; port <= kAllPorts; ++port)
    if (!both.count(port)) missing.push_back(std::to_string(port));
  EXPECT_EQ(both.size(), static_cast<size_t>(kAllPorts));
  EXPECT_TRUE(missing.empty()) << missing.size() << " port(s) in neither NDJSON stream, e.g. " << missing.front();
  std::vector<std::string> diff = Differences(*lab_, ref, both);
  // Ports missing from both streams are reported above already.
  std::erase_if(diff, [](const std::string& d) { return d.ends_with("resumed missing"); });
  EXPECT_TRUE(diff.empty()) << "NDJSON against the reference: " << FirstFew(diff);
}

void ResumeLabTest::InterruptAndResume(const std::string& technique, double delay_s, const PortMap& ref) {
  const std::string resume = P("R");
  std::vector<std::string> argv = ScanArgs(technique);
  argv.insert(argv.end(), {"-oJ", P("run.json"), "--ndjson", P("run.ndjson"), "--resume-file", resume, kTarget});
  fs::remove(P("run.json")), fs::remove(P("run.ndjson"));

  const uint64_t syns0 = Syns();
  Interrupted i = StartAndInterrupt(argv, delay_s);
  const uint64_t syns1 = Syns();
  ASSERT_TRUE(i.signalled) << "the scan ended before SIGINT at " << delay_s << " s\n" << i.err;
  ASSERT_EQ(i.exit_code, 130) << "interrupted scans exit 130\n" << i.err;
  // Usually 0.01-0.2 s; the bound only guards against a hang, since the
  // reports are fsync'ed before they are renamed and a busy disk can make
  // that take seconds.
  EXPECT_LT(i.stop_seconds, 30.0) << "seconds from SIGINT to exit";
  EXPECT_NE(i.err.find("Interrupted: `tojimari resume " + resume + "` finishes the scan."), std::string::npos)
      << i.err;
  ASSERT_TRUE(fs::exists(resume)) << "no resume file\n" << i.err;
  json partial = json::parse(Read(P("run.json")), nullptr, false);
  ASSERT_FALSE(partial.is_discarded()) << "the interrupted run's -oJ is not JSON:\n" << Read(P("run.json"));
  EXPECT_EQ(partial["run_stats"]["exit"], "interrupted");
  Rows first;
  ASSERT_TRUE(ParseNdjson(P("run.ndjson"), kTarget, &first));
  fs::copy_file(P("run.ndjson"), P("first.ndjson"), fs::copy_options::overwrite_existing);

  RunResult r = lab_->RunInScanner({ScannerBin(), "resume", resume}, seconds(120));
  const uint64_t syns2 = Syns();
  ASSERT_FALSE(r.timed_out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(resume)) << "the resume file outlived a finished scan";
  Rows second;
  ASSERT_TRUE(ParseNdjson(P("run.ndjson"), kTarget, &second));
  std::cout << "  " << technique << " SIGINT at " << delay_s << " s (exit " << i.stop_seconds
            << " s later): " << first.size()
            << " ports decided before, " << second.size() << " after; SYNs " << syns1 - syns0 << " + "
            << syns2 - syns1 << "; resume took " << r.seconds << " s\n";

  json done = json::parse(Read(P("run.json")), nullptr, false);
  ASSERT_FALSE(done.is_discarded()) << Read(P("run.json"));
  EXPECT_EQ(done["run_stats"]["exit"], "success");
  HostPorts got;
  ASSERT_TRUE(JsonPorts(done, &got));
  ASSERT_EQ(got.size(), 1u) << "hosts in the resumed -oJ";
  std::vector<std::string> diff = Differences(*lab_, ref, got[kTarget]);
  EXPECT_TRUE(diff.empty()) << "resumed -oJ against the reference: " << FirstFew(diff);
  CheckNdjsonSplit(ref, first, second);

  // Every SYN the resumed run sent was a try of a port it decided: it
  // re-probed nothing the interrupted run had decided.
  if (technique == "-sS") {
    auto tries = [](const Rows& rows) {
      uint64_t n = 0;
      for (const auto& [port, row] : rows) n += static_cast<uint64_t>(row.tries);
      return n;
    };
    EXPECT_GE(syns1 - syns0, tries(first)) << "SYNs the target got from the interrupted run vs its tries";
    EXPECT_EQ(syns2 - syns1, tries(second)) << "SYNs the target got from the resumed run vs its tries";
  }
  // Nothing left behind in the directory but the reports.
  std::set<std::string> left;
  for (const auto& e : fs::directory_iterator(dir_)) left.insert(e.path().filename().string());
  std::set<std::string> want = {"ref.json", "run.json", "run.ndjson", "first.ndjson", "int.out", "int.err"};
  EXPECT_EQ(left, want) << "stray files (temporaries?)";
}

// Seeded so a failing moment can be replayed; printed so it can be read.
std::vector<double> Moments(int n, double lo, double hi) {
  std::mt19937 rng(Seed());
  std::uniform_real_distribution<double> d(lo, hi);
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(d(rng));
  std::cout << "seed " << Seed() << ": SIGINT at";
  for (double x : v) std::cout << " " << x << " s";
  std::cout << "\n";
  return v;
}

TEST_F(ResumeLabTest, SynScanResumedAfterSigintEqualsUninterruptedScan) {
  PortMap ref;
  double secs = 0;
  ASSERT_NO_FATAL_FAILURE(Reference("-sS", &ref, &secs));
  // Moments within the scan: --max-rate makes it take 1.6 s at least.
  for (double delay : Moments(3, 0.2, std::min(1.5, secs * 0.8))) {
    SCOPED_TRACE("SIGINT at " + std::to_string(delay) + " s");
    ASSERT_NO_FATAL_FAILURE(InterruptAndResume("-sS", delay, ref));
  }
}

TEST_F(ResumeLabTest, ConnectScanResumedAfterSigintEqualsUninterruptedScan) {
  PortMap ref;
  double secs = 0;
  ASSERT_NO_FATAL_FAILURE(Reference("-sT", &ref, &secs));
  std::mt19937 rng(Seed() + 1);
  double delay = std::uniform_real_distribution<double>(0.2, std::min(1.5, secs * 0.8))(rng);
  std::cout << "seed " << Seed() + 1 << ": SIGINT at " << delay << " s\n";
  ASSERT_NO_FATAL_FAILURE(InterruptAndResume("-sT", delay, ref));
}

// A resume file is data a resumed scan acts on: edited (here its saved
// arguments made to read /etc/shadow and its position moved), it is refused
// in one line before anything is read or written, and kept as it was; the
// interrupted run's report is not rewritten.
TEST_F(ResumeLabTest, ChangedResumeFileIsRefusedAndKept) {
  const std::string resume = P("R");
  std::vector<std::string> argv = ScanArgs("-sT");
  argv.insert(argv.end(), {"-oJ", P("run.json"), "--resume-file", resume, kTarget});
  Interrupted i = StartAndInterrupt(argv, 0.3);
  ASSERT_TRUE(i.signalled) << i.err;
  ASSERT_EQ(i.exit_code, 130) << i.err;
  const std::string saved = Read(resume), report = Read(P("run.json"));
  // The file holds the scan as a request (data, not a command line).
  ASSERT_NE(saved.find("\"target_files\":[]"), std::string::npos) << saved.substr(0, 200);
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"\"target_files\":[]", "\"target_files\":[\"/etc/shadow\"]"},
           {"\"json_out\":\"", "\"json_out\":\"/tmp/elsewhere"},
           {"\"start_index\":", "\"start_index\":9"}}) {
    std::string edited = saved;
    edited.replace(edited.find(from), from.size(), to);
    std::ofstream(resume, std::ios::trunc) << edited;
    RunResult r = lab_->RunInScanner({ScannerBin(), "resume", resume}, seconds(60));
    EXPECT_NE(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("was changed after it was written"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.find("root:"), std::string::npos) << "a line of /etc/shadow in the error";
    EXPECT_EQ(Read(resume), edited) << "the refused resume file was changed or removed";
    EXPECT_EQ(Read(P("run.json")), report) << "the report was rewritten by a refused resume";
  }
  // The file as written still resumes.
  std::ofstream(resume, std::ios::trunc) << saved;
  RunResult r = lab_->RunInScanner({ScannerBin(), "resume", resume}, seconds(120));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(resume));
}

}  // namespace
}  // namespace tjlab
