#include "support/pg_cluster_testing.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <glob.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "history/pq_api.h"

namespace tj {
namespace {

constexpr const char* kUser = "tojimari";  // the cluster's superuser (not a system user)

// Runs argv as the unprivileged `nobody`, in dir, output appended to log;
// returns the exit status (-1 when it could not run).
int RunAs(const passwd* pw, const std::string& dir, const std::vector<std::string>& argv,
          const std::string& log) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (chdir(dir.c_str()) != 0 || setgroups(0, nullptr) != 0 || setgid(pw->pw_gid) != 0 ||
        setuid(pw->pw_uid) != 0)
      _exit(126);
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);  // as nobody: the server appends too
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string FindBin() {
  glob_t g{};
  std::string out;
  if (glob("/usr/lib/postgresql/*/bin/initdb", 0, nullptr, &g) == 0 && g.gl_pathc > 0) {
    out = g.gl_pathv[g.gl_pathc - 1];  // the newest version
    out = out.substr(0, out.rfind('/'));
  }
  globfree(&g);
  return out;
}

// Stops the shared cluster when the test binary's tests are done.
class StopAtEnd : public ::testing::Environment {
 public:
  void TearDown() override { PgCluster::Shared().Stop(); }
};

}  // namespace

bool InCiForTests() {
  const char* ci = getenv("CI");
  return ci && std::string(ci) == "true";
}

PgCluster& PgCluster::Shared() {
  static PgCluster* cluster = [] {
    ::testing::AddGlobalTestEnvironment(new StopAtEnd);
    return new PgCluster;
  }();
  return *cluster;
}

PgCluster::PgCluster() {
  if (geteuid() != 0) {
    why_ = "needs root (the server runs as nobody, a switch only root can make)";
    return;
  }
  bin_ = FindBin();
  if (bin_.empty()) {
    why_ = "PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb; scripts/deps.sh installs it)";
    return;
  }
  const passwd* pw = getpwnam("nobody");
  if (!pw) {
    why_ = "no user nobody";
    return;
  }
  char tmpl[] = "/tmp/tjpg-XXXXXX";  // short: a socket path must fit in 107 bytes
  if (!mkdtemp(tmpl)) {
    why_ = "mkdtemp failed";
    return;
  }
  dir_ = tmpl;
  if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    why_ = "chown of the cluster directory failed";
    return;
  }
  const std::string log = dir_ + "/server.log";
  if (RunAs(pw, dir_,
            {bin_ + "/initdb", "-D", dir_ + "/data", "-U", kUser, "-A", "trust", "-E", "UTF8", "--no-sync"},
            log) != 0) {
    why_ = "initdb failed (see " + log + ")";
    return;
  }
  const std::string opts = fmt::format("-c listen_addresses='' -c unix_socket_directories='{}'", dir_);
  if (RunAs(pw, dir_,
            {bin_ + "/pg_ctl", "-D", dir_ + "/data", "-l", log, "-w", "-t", "60", "-o", opts, "start"},
            log) != 0) {
    why_ = "pg_ctl start failed (see " + log + ")";
    return;
  }
  ok_ = true;
}

std::string PgCluster::NewDatabase() {
  std::string name = fmt::format("t{}_{}", getpid(), ++databases_);
  std::string conninfo = fmt::format("host={} dbname=postgres user={}", dir_, kUser);
  const Result<PqApi>& pq = Pq();
  if (!pq) {
    ADD_FAILURE() << pq.error().message;
    return {};
  }
  PGconn* c = pq->PQconnectdb(conninfo.c_str());
  PGresult* r = pq->PQexec(c, fmt::format("CREATE DATABASE {}", name).c_str());
  bool created = pq->PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string err = pq->PQerrorMessage(c);
  pq->PQclear(r);
  pq->PQfinish(c);
  if (!created) ADD_FAILURE() << "CREATE DATABASE: " << err;
  return fmt::format("postgresql:///{}?host={}&user={}", name, dir_, kUser);
}

std::string PgCluster::DeadUrl() const {
  return fmt::format("postgresql:///postgres?host={}/nowhere&user={}&connect_timeout=2",
                     dir_.empty() ? "/tmp" : dir_, kUser);
}

void PgCluster::Stop() {
  if (ok_) {
    const passwd* pw = getpwnam("nobody");
    if (pw)
      RunAs(pw, dir_, {bin_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "fast", "-w", "stop"}, "/dev/null");
    ok_ = false;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
  }
}

}  // namespace tj
