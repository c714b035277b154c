// The --exec sink: runs the user's command with `/bin/sh -c COMMAND`, the
// alert JSON on its stdin and a few counts in its environment. The command
// string is only ever the user's own: nothing from the scan (host names,
// banners) is put into it, so hostile data cannot inject shell syntax. A
// command that outlives the timeout is killed (it, not its children).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <thread>
#include <vector>

#include "watch/alert_sink.h"

namespace tj {
namespace {

// Writes all of data to fd; false when the reader went away (EPIPE, with
// SIGPIPE blocked in this thread and any pending one consumed).
bool WriteAll(int fd, const std::string& data) {
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  size_t done = 0;
  bool ok = true;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (!ok) {
    timespec zero{};
    sigtimedwait(&pipe_set, nullptr, &zero);
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return ok;
}

class ExecSink : public AlertSink {
 public:
  ExecSink(std::string command, SinkOptions opts) : command_(std::move(command)), opts_(std::move(opts)) {}
  std::string name() const override { return "exec"; }

  Status Send(const Alert& alert) override {
    std::string body = AlertJson(alert, opts_.version) + "\n";
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return MakeError(fmt::format("--exec: pipe: {}", strerror(errno)));
    // Built before the fork: the child of a threaded process may only make
    // async-signal-safe calls before exec.
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e)
      if (!std::string_view(*e).starts_with("TOJIMARI_")) env.emplace_back(*e);
    env.push_back("TOJIMARI_EVENT=watch");
    env.push_back(fmt::format("TOJIMARI_CHANGES={}", alert.changes.size()));
    env.push_back(fmt::format("TOJIMARI_FINDINGS_NEW={}", alert.findings.appeared.size()));
    env.push_back(fmt::format("TOJIMARI_FINDINGS_CLEARED={}", alert.findings.cleared.size()));
    env.push_back(fmt::format("TOJIMARI_SUPPRESSED={}", alert.suppressed.size()));
    env.push_back(fmt::format("TOJIMARI_RUN_ID={}", alert.run_id));
    std::vector<char*> envp;
    for (std::string& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    const char* argv[] = {"sh", "-c", command_.c_str(), nullptr};
    pid_t pid = fork();
    if (pid < 0) {
      close(fds[0]);
      close(fds[1]);
      return MakeError(fmt::format("--exec: fork: {}", strerror(errno)));
    }
    if (pid == 0) {  // the child: only async-signal-safe calls until exec
      dup2(fds[0], STDIN_FILENO);
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      signal(SIGPIPE, SIG_DFL);
      execve("/bin/sh", const_cast<char* const*>(argv), envp.data());
      _exit(127);
    }
    close(fds[0]);
    WriteAll(fds[1], body);  // a command that ignores its stdin is fine
    close(fds[1]);
    return Wait(pid);
  }

 private:
  Status Wait(pid_t pid) {
    auto deadline = std::chrono::steady_clock::now() + opts_.timeout;
    int status = 0;
    while (true) {
      pid_t r = waitpid(pid, &status, WNOHANG);
      if (r == pid) break;
      if (r < 0 && errno != EINTR) return MakeError(fmt::format("--exec: waitpid: {}", strerror(errno)));
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return MakeError(fmt::format("--exec \"{}\": killed after {} ms", command_, opts_.timeout.count()));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
    if (WIFEXITED(status))
      return MakeError(fmt::format("--exec \"{}\": exit status {}", command_, WEXITSTATUS(status)));
    return MakeError(fmt::format("--exec \"{}\": killed by signal {}", command_, WTERMSIG(status)));
  }

  std::string command_;
  SinkOptions opts_;
};

}  // namespace

std::unique_ptr<AlertSink> MakeExecSink(const std::string& command, const SinkOptions& opts) {
  return std::make_unique<ExecSink>(command, opts);
}

}  // namespace tj
