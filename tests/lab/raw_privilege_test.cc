// Lab tests of the raw scans' privileges: as root the scanner opens its raw
// sockets and then becomes nobody with no capabilities; as nobody it falls
// back from -sS to -sT with a one-line notice and refuses the scans that
// need raw sockets; a copy given cap_net_raw by setcap does a real SYN scan
// as nobody. Runs the real binary in the lab's scanner namespace
// (tests/lab/lab.sh), as nobody through setpriv (util-linux). Also here:
// --max-rate below the engine's default floor, which the watch relies on.
//
// Needs root. Without it the tests skip, except when CI=true, where they fail.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "lab.h"
#include "lab_fixture.h"
#include "scan_check.h"

namespace tjlab {
namespace {

using std::chrono::seconds;
namespace fs = std::filesystem;

constexpr char kTarget4[] = "198.18.0.2";
constexpr int kNobody = 65534;  // Debian's nobody and nogroup

// A command that runs the rest of argv as nobody with no capabilities, no
// supplementary groups and nothing inheritable (file capabilities still apply).
const std::vector<std::string> kAsNobody = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                            "--inh-caps=-all"};

bool HaveTool(const std::string& name) {
  return Run({"sh", "-c", "command -v " + name}, seconds(10)).exit_code == 0;
}

// The first line of text that starts with key, or "".
std::string Line(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key, 0) == 0) return line;
  return "";
}

class RawPrivilegeTest : public LabFixture {
 protected:
  void SetUp() override {
    LabFixture::SetUp();
    if (NotReady()) return;
    // nobody must reach the binary and write the NDJSON: a private 0755 dir.
    chmod(dir_.c_str(), 0755);
    bin_ = dir_ + "/tojimari";
    fs::copy_file(ScannerBin(), bin_);
    chmod(bin_.c_str(), 0755);
  }


  // Skips the test (fails it when CI=true) when tool is not installed; the
  // caller returns when IsSkipped() or HasFailure().
  void NeedTool(const std::string& tool, const std::string& package) {
    if (HaveTool(tool)) return;
    if (InCi()) FAIL() << tool << " missing: scripts/deps.sh installs " << package;
    GTEST_SKIP() << tool << " missing (apt-get install " << package << ")";
  }

  // An empty file nobody may write, for --ndjson.
  std::string NdjsonForNobody() {
    std::string p = dir_ + "/out" + std::to_string(files_++) + ".ndjson";
    { std::ofstream create(p); }
    EXPECT_EQ(chown(p.c_str(), kNobody, kNobody), 0);
    return p;
  }

  // Runs the copy, as nobody when as_nobody, in the scanner's namespace.
  RunResult ScanAs(bool as_nobody, std::vector<std::string> args) {
    std::vector<std::string> argv = as_nobody ? kAsNobody : std::vector<std::string>{};
    argv.push_back(bin_);
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r = lab_->RunInScanner(argv, seconds(120));
    EXPECT_FALSE(r.timed_out);
    return r;
  }

  std::string bin_;
  int files_ = 0;
};

std::string StateOf(const Rows& rows, int port) {
  auto it = rows.find(port);
  if (it == rows.end()) return "missing";
  return it->second.state + "/" + it->second.reason + " ttl " + std::to_string(it->second.reason_ttl);
}

// /proc/PID/status of a scan taken as late as possible while it still runs
// as tojimari (before the exec of `ip netns exec` it is still "ip").
struct Observed {
  std::string status;  // the last snapshot, "" if none
  int snapshots = 0;
  double wall_s = 0;
};

Observed WatchScan(const std::vector<std::string>& argv, seconds timeout) {
  Observed o;
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  if (pid < 0) return o;
  const std::string path = "/proc/" + std::to_string(pid) + "/status";
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() - start > timeout) {
      kill(pid, SIGKILL);  // our own child, by PID
      waitpid(pid, &status, 0);
      break;
    }
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().rfind("Name:\ttojimari", 0) == 0) {
      o.status = text.str();
      ++o.snapshots;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  o.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return o;
}

TEST_F(RawPrivilegeTest, RootScanDropsToNobody) {
  std::string nd = dir_ + "/root.ndjson";
  RunResult r = ScanAs(false, {"-v", "-sS", "-p", "22", "-n", "-Pn", "--ndjson", nd, kTarget4});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("Privileges dropped"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("now running as nobody"), std::string::npos) << r.err;
  Rows rows;
  EXPECT_TRUE(ParseNdjson(nd, kTarget4, &rows)) << "the NDJSON file opened before the drop";
  EXPECT_EQ(StateOf(rows, 22), "open/syn-ack ttl 64");

  // A scan slow enough to look at: 200 probes at 50 per second.
  Observed o = WatchScan({"ip", "netns", "exec", lab_->scanner_ns(), bin_, "-sS", "--max-rate", "50", "-p",
                          "1-200", "-n", "-Pn", kTarget4},
                         seconds(120));
  std::cout << o.snapshots << " snapshots over " << o.wall_s << " s; the last:\n" << o.status;
  ASSERT_GE(o.snapshots, 10) << "the scan ended too soon to be watched";
  EXPECT_EQ(Line(o.status, "Uid:"), "Uid:\t65534\t65534\t65534\t65534");
  EXPECT_EQ(Line(o.status, "Gid:"), "Gid:\t65534\t65534\t65534\t65534");
  EXPECT_EQ(Line(o.status, "CapEff:"), "CapEff:\t0000000000000000");
  EXPECT_EQ(Line(o.status, "CapPrm:"), "CapPrm:\t0000000000000000");
}

// --max-rate is a ceiling for raw scans too, also below the engine's floor.
TEST_F(RawPrivilegeTest, MaxRateBelowTheDefaultFloorIsHonoured) {
  RunResult r = ScanAs(false, {"-sS", "--max-rate", "50", "-p", "1-100", "-n", "-Pn", kTarget4});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::cout << "100 probes at --max-rate 50 took " << r.seconds << " s\n";
  EXPECT_GE(r.seconds, 1.8) << "100 probes at most 50/s need about 2 s";
}

TEST_F(RawPrivilegeTest, UnprivilegedSynFallsBackToConnect) {
  NeedTool("setpriv", "util-linux");
  if (IsSkipped() || HasFailure()) return;
  std::string nd = NdjsonForNobody();
  RunResult r = ScanAs(true, {"-sS", "-p", "22,23", "-n", "-Pn", "--ndjson", nd, kTarget4});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string err = r.err;
  while (!err.empty() && err.back() == '\n') err.pop_back();
  EXPECT_EQ(err.find('\n'), std::string::npos) << "want one line on stderr, got:\n" << r.err;
  EXPECT_NE(err.find("falling back"), std::string::npos) << err;
  EXPECT_NE(err.find("-sT"), std::string::npos) << err;
  Rows rows;
  EXPECT_TRUE(ParseNdjson(nd, kTarget4, &rows));
  EXPECT_EQ(StateOf(rows, 22), "open/syn-ack ttl 0");
  EXPECT_EQ(StateOf(rows, 23), "closed/conn-refused ttl 0");

  uint64_t before = lab_->Probes();
  r = ScanAs(true, {"-sF", "-p", "22", "-n", "-Pn", kTarget4});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  std::string lower = r.err;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_NE(lower.find("cap_net_raw"), std::string::npos) << r.err;
  EXPECT_NE(lower.find("setcap"), std::string::npos) << r.err;
  EXPECT_EQ(lab_->Probes(), before) << "-sF as nobody sent packets";
}

TEST_F(RawPrivilegeTest, SetcapCopyRawScansAsNobody) {
  NeedTool("setpriv", "util-linux");
  NeedTool("setcap", "libcap2-bin");
  if (IsSkipped() || HasFailure()) return;
  RunResult r = tjlab::Run({"setcap", "cap_net_raw,cap_net_admin+ep", bin_}, seconds(30));
  ASSERT_EQ(r.exit_code, 0) << "setcap: " << r.err;
  std::string nd = NdjsonForNobody();
  r = ScanAs(true, {"-v", "-sS", "-p", "22,23", "-n", "-Pn", "--ndjson", nd, kTarget4});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("falling back"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Privileges dropped"), std::string::npos) << r.err;
  Rows rows;
  EXPECT_TRUE(ParseNdjson(nd, kTarget4, &rows));
  // A reset and a TTL: only a raw scan sees them; a connect scan cannot.
  EXPECT_EQ(StateOf(rows, 22), "open/syn-ack ttl 64");
  EXPECT_EQ(StateOf(rows, 23), "closed/reset ttl 64");
}

}  // namespace
}  // namespace tjlab
