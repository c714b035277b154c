#include "lab.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#ifndef TOJIMARI_BIN
#define TOJIMARI_BIN "tojimari"
#endif
#ifndef LAB_SH
#define LAB_SH "tests/lab/lab.sh"
#endif
#ifndef LAB_LISTEN_BIN
#define LAB_LISTEN_BIN "lab_listen"
#endif

namespace tjlab {
namespace {

using Clock = std::chrono::steady_clock;

std::string EnvOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// Child side of Run: never returns.
[[noreturn]] void ExecChild(const std::vector<std::string>& argv, int out_fd, int err_fd) {
  int devnull = open("/dev/null", O_RDONLY);
  dup2(devnull, 0);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execvp(args[0], args.data());
  _exit(127);
}

// Drains both pipes until they close or the deadline passes.
bool Drain(int out_fd, int err_fd, Clock::time_point deadline, RunResult* r) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&r->out, &r->err};
  int open_fds = 2;
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    if (poll(fds, 2, static_cast<int>(left.count())) < 0 && errno != EINTR) return false;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[65536];
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) { sinks[i]->append(buf, static_cast<size_t>(n)); continue; }
      if (n < 0 && errno == EINTR) continue;
      fds[i].fd = -1;
      --open_fds;
    }
  }
  return true;
}

PortRange ParseRange(const std::string& s) {
  PortRange r;
  auto dash = s.find('-');
  if (dash == std::string::npos) return r;
  r.lo = std::atoi(s.substr(0, dash).c_str());
  r.hi = std::atoi(s.substr(dash + 1).c_str());
  return r;
}

}  // namespace

RunResult Run(const std::vector<std::string>& argv, std::chrono::seconds timeout) {
  RunResult r;
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return r;
  auto start = Clock::now();
  pid_t pid = fork();
  if (pid == 0) ExecChild(argv, out[1], err[1]);
  close(out[1]);
  close(err[1]);
  if (pid < 0) { close(out[0]); close(err[0]); return r; }
  r.timed_out = !Drain(out[0], err[0], start + timeout, &r);
  close(out[0]);
  close(err[0]);
  if (r.timed_out) kill(pid, SIGKILL);  // our own child, by PID
  int status = 0;
  struct rusage ru {};
  while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {}
  r.peak_rss_kb = ru.ru_maxrss;
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!r.timed_out && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  return r;
}

std::string ScannerBin() { return EnvOr("TOJIMARI_BIN", TOJIMARI_BIN); }
std::string LabScript() { return EnvOr("LAB_SH", LAB_SH); }
std::string ListenBin() { return EnvOr("LAB_LISTEN_BIN", LAB_LISTEN_BIN); }

bool ScannerSanitized() {
  RunResult r = Run({ScannerBin(), "version"}, std::chrono::seconds(30));
  return r.out.find("AddressSanitizer") != std::string::npos;
}

bool InCi() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

std::unique_ptr<Lab> Lab::Up(const LabOptions& opts, std::string* why) {
  if (geteuid() != 0) { *why = "lab tests need root (network namespaces, nftables)"; return nullptr; }
  for (const auto& bin : {ScannerBin(), ListenBin(), LabScript()}) {
    if (access(bin.c_str(), X_OK) != 0) { *why = "not executable: " + bin; return nullptr; }
  }
  // Labs left by a run that was killed (ctest timeout) would pile up.
  Run({LabScript(), "sweep"}, std::chrono::seconds(30));
  // Unique per process and per lab: ctest -j and parallel runs never collide.
  static int counter = 0;
  std::string name = std::to_string(getpid()) + static_cast<char>('a' + counter++ % 26);
  std::vector<std::string> argv = {LabScript(), "up", name, "--listen-bin", ListenBin(),
                                   "--owner", std::to_string(getpid())};
  if (opts.loss_pct > 0) {
    argv.insert(argv.end(), {"--loss", std::to_string(opts.loss_pct)});
  }
  if (!opts.ports.empty()) argv.insert(argv.end(), {"--ports", opts.ports});
  if (opts.sources > 0) argv.insert(argv.end(), {"--sources", std::to_string(opts.sources)});
  if (opts.discovery) argv.push_back("--discovery");
  RunResult r = Run(argv, std::chrono::seconds(60));
  if (r.exit_code != 0) {
    *why = "lab.sh up failed (exit " + std::to_string(r.exit_code) + "): " + r.err;
    return nullptr;
  }
  std::unique_ptr<Lab> lab(new Lab(name));
  if (!lab->ParseFacts(r.out, why)) return nullptr;  // the destructor tears it down
  return lab;
}

Lab::~Lab() { Run({LabScript(), "down", name_}, std::chrono::seconds(60)); }

bool Lab::ParseFacts(const std::string& text, std::string* why) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) facts_[line.substr(0, eq)] = line.substr(eq + 1);
  }
  std::istringstream ports(Fact("LAB_OPEN_TCP"));
  std::string p;
  while (std::getline(ports, p, ',')) open_tcp_.insert(std::atoi(p.c_str()));
  dropped_ = ParseRange(Fact("LAB_DROP_TCP"));
  rejected_ = ParseRange(Fact("LAB_REJECT_TCP"));
  spare_ = ParseRange(Fact("LAB_SPARE_TCP"));
  if (open_tcp_.empty() || dropped_.size() <= 0 || rejected_.size() <= 0 || scanner_ns().empty()) {
    *why = "lab.sh up printed incomplete facts:\n" + text;
    return false;
  }
  return true;
}

const std::string& Lab::Fact(const std::string& key) const {
  static const std::string kEmpty;
  auto it = facts_.find(key);
  return it == facts_.end() ? kEmpty : it->second;
}

Truth Lab::TcpTruth(int port) const {
  if (open_tcp_.count(port)) return Truth::kOpen;
  if (dropped_.Contains(port)) return Truth::kDropped;
  if (rejected_.Contains(port)) return Truth::kRejected;
  return Truth::kClosed;
}

RunResult Lab::RunInScanner(const std::vector<std::string>& argv, std::chrono::seconds timeout) const {
  std::vector<std::string> full = {"ip", "netns", "exec", scanner_ns()};
  full.insert(full.end(), argv.begin(), argv.end());
  return Run(full, timeout);
}

bool Lab::Listen(const std::vector<int>& ports, int delay_s, bool greet) const {
  std::vector<std::string> argv = {LabScript(), "listen", name_, "--delay", std::to_string(delay_s)};
  if (greet) argv.push_back("--greet");
  for (int p : ports) argv.push_back(std::to_string(p));
  return Run(argv, std::chrono::seconds(30)).exit_code == 0;
}

uint64_t Lab::Probes() const {
  RunResult r = Run({LabScript(), "probes", name_}, std::chrono::seconds(30));
  return std::strtoull(r.out.c_str(), nullptr, 10);
}

uint64_t Lab::Syns() const {
  RunResult r = Run({LabScript(), "syns", name_}, std::chrono::seconds(30));
  return std::strtoull(r.out.c_str(), nullptr, 10);
}

bool Lab::Defend(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {LabScript(), "defend", name_};
  argv.insert(argv.end(), args.begin(), args.end());
  return Run(argv, std::chrono::seconds(30)).exit_code == 0;
}

uint64_t Lab::Counter(const std::string& name) const {
  RunResult r = Run({LabScript(), "counter", name_, name}, std::chrono::seconds(30));
  return std::strtoull(r.out.c_str(), nullptr, 10);
}

uint64_t Lab::DownProbes() const {
  RunResult r = Run({LabScript(), "downprobes", name_}, std::chrono::seconds(30));
  return std::strtoull(r.out.c_str(), nullptr, 10);
}

}  // namespace tjlab
