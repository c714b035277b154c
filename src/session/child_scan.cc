#include "session/child_scan.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include "core/utf8.h"
#include "session/record_codec.h"
#include "session/request_codec.h"
#include "session/scan_session.h"

namespace tj {
namespace {

// A request is a few kilobytes; a policy with thousands of hosts, a few
// hundred. More on stdin is not a request.
constexpr size_t kMaxRequest = 16 << 20;

bool WriteAll(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = write(fd, s.data(), s.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    s.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Streams the record to stdout as the scan makes it: a watch of a large
// network does not wait for the whole scan in the child's memory first.
class RecordLines : public ScanObserver {
 public:
  void Notice(std::string_view line) override { fmt::print(stderr, "{}\n", Printable(line)); }
  void Started(const ScanInfo& info, const ProgressCounters&) override {
    ScanRecord head;
    head.info = info;
    Put(EncodeInfoLine(head));
  }
  void Host(const HostResult& h) override { Put(EncodeHostLine(h)); }
  void Put(std::string_view line) { ok_ = ok_ && WriteAll(STDOUT_FILENO, line); }
  bool ok() const { return ok_; }

 private:
  bool ok_ = true;
};

}  // namespace

int RunScanRecord(const std::atomic<bool>* stop) {
  std::string text;
  char buf[65536];
  for (ssize_t n; (n = read(STDIN_FILENO, buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 || text.size() + static_cast<size_t>(n) > kMaxRequest) {
      fmt::print(stderr, "tojimari {}: no scan request on stdin\n", kScanRecordCommand);
      return 2;
    }
    text.append(buf, static_cast<size_t>(n));
  }
  auto req = DecodeRequest(text);
  if (!req) {
    fmt::print(stderr, "tojimari {}: {}\n", kScanRecordCommand, Printable(req.error().message));
    return 2;
  }
  ScanEnv env;
  env.stop = stop;
  env.quiet = true;
  env.resumable = false;
  RecordLines out;
  auto outcome = RunScan(*req, env, &out);
  if (!outcome) {
    fmt::print(stderr, "tojimari: {}\n", Printable(outcome.error().message));
    return 2;
  }
  out.Put(EncodeSummaryLine(outcome->summary));
  if (!outcome->output_error.ok()) {
    fmt::print(stderr, "tojimari: {}\n", Printable(outcome->output_error.message()));
    return 2;
  }
  if (!out.ok()) return 2;
  return outcome->summary.interrupted ? 130 : 0;
}

Result<ScanRecord> ScanInChild(const ScanRequest& req, const std::atomic<bool>* stop, const std::string& exe) {
  // Everything the child needs is built here: between fork() and exec() a
  // process forked from a threaded one may only make async-signal-safe calls.
  std::string w0 = "tojimari", w1(kScanRecordCommand);
  char* argv[] = {w0.data(), w1.data(), nullptr};
  const std::string request = EncodeRequest(req);
  int in[2], out[2];
  // The request goes over a socket pair rather than a pipe: send() with
  // MSG_NOSIGNAL reports a child that died before reading as EPIPE instead
  // of raising SIGPIPE in a caller that may not ignore it.
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0)
    return MakeError(fmt::format("scan: socketpair: {}", strerror(errno)));
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]);
    close(in[1]);
    return MakeError(fmt::format("scan: pipe: {}", strerror(errno)));
  }
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    for (int fd : {in[0], in[1], out[0], out[1]}) close(fd);
    return MakeError(fmt::format("scan: fork: {}", strerror(errno)));
  }
  if (pid == 0) {
    // dup2 clears close-on-exec on the copies: the scan's stdin and stdout
    // are the pipes.
    if (dup2(in[0], STDIN_FILENO) < 0 || dup2(out[1], STDOUT_FILENO) < 0) _exit(2);
    execv(exe.c_str(), argv);
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  // The child reads the whole request before it writes a byte, so sending
  // it all first cannot deadlock; a child that died early gives EPIPE, and
  // its exit status says why.
  for (std::string_view rest = request; !rest.empty();) {
    ssize_t n = send(in[1], rest.data(), rest.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    rest.remove_prefix(static_cast<size_t>(n));
  }
  close(in[1]);
  ScanRecord record;
  RecordDecoder decoder(&record);
  Status bad;
  std::string pending;
  bool told = false;
  while (true) {
    // A stop asked of this process alone (kill PID) reaches the scan too.
    if (!told && stop && stop->load()) {
      kill(pid, SIGTERM);
      told = true;
    }
    pollfd p{out[0], POLLIN, 0};
    // A signal (the stop itself) interrupts poll: look at the stop again
    // rather than block in read() until the scan has finished.
    if (poll(&p, 1, 200) <= 0) continue;
    char buf[65536];
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<size_t>(n));
    size_t start = 0;
    for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1)
      if (bad.ok()) bad = decoder.Line(std::string_view(pending).substr(start, nl - start));
    pending.erase(0, start);
  }
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status)) return MakeError(fmt::format("the scan was killed by signal {}", WTERMSIG(status)));
  int rc = WEXITSTATUS(status);
  if (rc == 127) return MakeError(fmt::format("the scan could not start: cannot run \"{}\"", exe));
  if (rc != 0 && rc != 130) return MakeError(fmt::format("the scan could not run (exit status {})", rc));
  if (bad.ok()) bad = decoder.Finish();
  if (!bad.ok()) return MakeError("the scan's record: " + bad.message());
  if (rc == 130) record.summary.interrupted = true;
  return record;
}

}  // namespace tj
