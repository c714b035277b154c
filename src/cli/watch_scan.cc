#include "cli/watch_scan.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <iterator>

#include "core/services.h"
#include "report/read_scan.h"
#include "report/writer.h"

namespace tj {
namespace {

// The JSON report folds a state with more than 25 x (verbose + 1) ports of
// a host, and a report says at most -v 100. So the child writes the highest
// verbosity and each host in pieces of at most kPiece ports (no state can
// reach the fold), and the parent joins the pieces again: every port the
// scan decided comes back.
constexpr int kVerbose = 100;
constexpr size_t kPiece = 2500;

// Joins consecutive hosts with the same address (the pieces of one host).
void JoinPieces(ScanRecord* r) {
  std::vector<HostResult> joined;
  for (HostResult& h : r->hosts) {
    if (!joined.empty() && joined.back().addr == h.addr) {
      auto& ports = joined.back().ports;
      ports.insert(ports.end(), std::make_move_iterator(h.ports.begin()), std::make_move_iterator(h.ports.end()));
    } else {
      joined.push_back(std::move(h));
    }
  }
  r->hosts = std::move(joined);
}

}  // namespace

int RunScanRecord(const std::vector<std::string>& args, const CommandContext& ctx) {
  if (args.empty()) {
    fmt::print(stderr, "tojimari {}: internal to watch: ARGV_LINE SCAN-ARGS...\n", kScanRecordCommand);
    return 2;
  }
  CommandContext scan_ctx{args[0], ctx.stop};
  std::vector<std::string> scan(args.begin() + 1, args.end());
  ScanRecord record;
  int rc = RunScanTo(scan, scan_ctx, ScanHooks{&record, /*quiet=*/true, /*resumable=*/false});
  if (rc != 0 && rc != 130) return rc;
  fflush(stdout);
  auto out = OpenOutput("-", OutputMode::kStream);
  if (!out) return 2;
  auto writer = MakeJsonWriter(std::move(*out), ServiceTable::Builtin());
  ScanInfo info = record.info;
  info.verbose = kVerbose;
  Status s = writer->Begin(info);
  for (HostResult& h : record.hosts) {
    std::vector<PortResult> ports = std::move(h.ports);
    h.ports.clear();
    for (size_t at = 0; s.ok() && (at == 0 || at < ports.size()); at += kPiece) {
      HostResult piece = h;
      piece.ports.assign(ports.begin() + std::min(at, ports.size()), ports.begin() + std::min(at + kPiece, ports.size()));
      s = writer->Host(piece);
    }
  }
  if (s.ok()) s = writer->End(record.summary);
  writer.reset();
  fflush(stdout);
  return s.ok() ? rc : 2;
}

Result<ScanRecord> ScanInChild(const std::vector<std::string>& args, const CommandContext& ctx,
                               const std::string& exe) {
  // Everything the child needs is built here: between fork() and exec() a
  // process forked from a threaded one may only make async-signal-safe calls.
  std::vector<std::string> words = {"tojimari", std::string(kScanRecordCommand), ctx.argv_line};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return MakeError(fmt::format("scan: pipe: {}", strerror(errno)));
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return MakeError(fmt::format("scan: fork: {}", strerror(errno)));
  }
  if (pid == 0) {
    // dup2 clears close-on-exec on the copy: the scan's stdout is the pipe.
    if (dup2(fds[1], STDOUT_FILENO) < 0) _exit(2);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::string json;
  char buf[65536];
  bool told = false;
  while (true) {
    // A stop asked of this process alone (kill PID) reaches the scan too.
    if (!told && ctx.stop && ctx.stop->load()) {
      kill(pid, SIGTERM);
      told = true;
    }
    pollfd p{fds[0], POLLIN, 0};
    // A signal (the stop itself) interrupts poll: look at the stop again
    // rather than block in read() until the scan has finished.
    if (poll(&p, 1, 200) <= 0) continue;
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    json.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status)) return MakeError(fmt::format("the scan was killed by signal {}", WTERMSIG(status)));
  int rc = WEXITSTATUS(status);
  if (rc == 127) return MakeError(fmt::format("the scan could not start: cannot run \"{}\"", exe));
  if (rc != 0 && rc != 130) return MakeError(fmt::format("the scan could not run (exit status {})", rc));
  auto record = ReadScanText(json, "the watch's scan");
  if (!record) return record.error();
  JoinPieces(&*record);
  record->info.verbose = 0;
  if (rc == 130) record->summary.interrupted = true;
  return record;
}

}  // namespace tj
