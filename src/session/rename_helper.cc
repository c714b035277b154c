#include "session/rename_helper.h"

#include <csignal>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>

namespace tj {
namespace {

constexpr uint8_t kRename = 1, kRemove = 2;

// The helper's whole life: answer requests until the scanner closes its end.
// Ctrl-C reaches the whole process group; the helper must outlive the
// scanner's interruption to put its files in place, and ends when the
// scanner closes the socket (or dies).
[[noreturn]] void Serve(int sock, const std::vector<RenameHelper::Pair>& pairs) {
  signal(SIGINT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  uint8_t req[5];
  for (;;) {
    ssize_t n = read(sock, req, sizeof req);
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(sizeof req)) break;
    uint32_t i;
    std::memcpy(&i, req + 1, 4);
    int32_t err = EPERM;
    if (i < pairs.size()) {
      const auto& [from, to] = pairs[i];
      if (req[0] == kRename) err = rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
      if (req[0] == kRemove) err = unlink(from.c_str()) == 0 ? 0 : errno;
    }
    if (write(sock, &err, sizeof err) != sizeof err) break;
  }
  _exit(0);  // no destructors: they belong to the scanner
}

}  // namespace

Result<std::unique_ptr<RenameHelper>> RenameHelper::Start(std::vector<Pair> pairs) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return MakeError(fmt::format("cannot start the file helper: {}", std::strerror(errno)));
  fflush(nullptr);  // the child must not write out the parent's buffered output again
  pid_t pid = fork();
  if (pid < 0) {
    close(sv[0]);
    close(sv[1]);
    return MakeError(fmt::format("cannot start the file helper: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    close(sv[0]);
    Serve(sv[1], pairs);
  }
  close(sv[1]);
  return std::unique_ptr<RenameHelper>(new RenameHelper(std::move(pairs), sv[0], pid));
}

RenameHelper::~RenameHelper() {
  close(sock_);
  int status;
  waitpid(pid_, &status, 0);
}

int RenameHelper::Ask(uint8_t op, uint32_t index) {
  uint8_t req[5] = {op};
  std::memcpy(req + 1, &index, 4);
  int32_t err;
  ssize_t n;
  do n = write(sock_, req, sizeof req);
  while (n < 0 && errno == EINTR);
  if (n != sizeof req) return EPIPE;
  do n = read(sock_, &err, sizeof err);
  while (n < 0 && errno == EINTR);
  return n == sizeof err ? err : EPIPE;
}

int RenameHelper::Rename(const std::string& from, const std::string& to) {
  for (uint32_t i = 0; i < pairs_.size(); ++i)
    if (pairs_[i].first == from && pairs_[i].second == to) return Ask(kRename, i);
  return EPERM;
}

int RenameHelper::Remove(const std::string& path) {
  for (uint32_t i = 0; i < pairs_.size(); ++i)
    if (pairs_[i].first == path) return Ask(kRemove, i);
  return EPERM;
}

}  // namespace tj
