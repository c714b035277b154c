// Route lookups against the real kernel, sending nothing: RTM_GETROUTE and
// RTM_GETLINK only read tables, and the error cases run in a private network
// namespace (a forked child) whose routes the test sets itself. The ARP/NDP
// paths need an interface with a neighbour: see tests/lab/raw_net_test.cc.
#include "net/route.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>

namespace tj {
namespace {

using std::chrono::milliseconds;

Address A(const char* s) { return *Address::Parse(s); }

TEST(LookupRouteTest, LoopbackV4) {
  auto r = LookupRoute(A("127.0.0.1"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->loopback);
  EXPECT_EQ(r->src, A("127.0.0.1"));
  EXPECT_FALSE(r->gateway.has_value());
  EXPECT_TRUE(r->src_mac.is_zero());
  EXPECT_GT(r->ifindex, 0);
  EXPECT_FALSE(r->ifname.empty());
  EXPECT_GE(r->mtu, 1280u);
  // Loopback needs no neighbour: the answer is immediate and sends nothing.
  auto mac = ResolveNextHop(*r, A("127.0.0.1"), milliseconds(1));
  ASSERT_TRUE(mac.ok()) << mac.error().message;
  EXPECT_TRUE(mac->is_zero());
}

TEST(LookupRouteTest, AnyLoopbackAddressLeavesFromLo) {
  auto r = LookupRoute(A("127.3.4.5"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->loopback);
  EXPECT_EQ(r->src, A("127.0.0.1"));
}

TEST(LookupRouteTest, LoopbackV6) {
  auto r = LookupRoute(A("::1"));
  if (!r.ok()) GTEST_SKIP() << "IPv6 loopback unavailable here: " << r.error().message;
  EXPECT_TRUE(r->loopback);
  EXPECT_EQ(r->src, A("::1"));
  EXPECT_FALSE(r->gateway.has_value());
}

bool WriteFile(const char* path, const std::string& text) {
  FILE* f = std::fopen(path, "w");
  if (!f) return false;
  bool ok = std::fputs(text.c_str(), f) >= 0;
  return std::fclose(f) == 0 && ok;
}

// Without root, a user namespace gives the capabilities; mapping our uid to
// 0 keeps them across exec, so `ip` can set the private namespace up too.
bool UnshareNet() {
  if (unshare(CLONE_NEWNET) == 0) return true;
  const uid_t uid = getuid();
  const gid_t gid = getgid();
  if (unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) return false;
  return WriteFile("/proc/self/setgroups", "deny") &&
         WriteFile("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") &&
         WriteFile("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1");
}

// Runs fn in a forked child inside a fresh network namespace (only a down
// loopback, no routes) and returns what it printed; nullopt when this
// machine cannot make one (no root and no user namespaces).
std::optional<std::string> InFreshNetns(const std::function<std::string()>& fn) {
  int fds[2];
  if (pipe(fds) != 0) return std::nullopt;
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    if (!UnshareNet()) _exit(77);
    std::string out = fn();
    ssize_t n = write(fds[1], out.data(), out.size());
    _exit(n == static_cast<ssize_t>(out.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return out;
}

std::string Describe(const char* dst) {
  auto r = LookupRoute(A(dst));
  return r.ok() ? std::string("ok via ") + r->ifname : r.error().message;
}

TEST(LookupRouteTest, NoRouteIsACleanError) {
  auto out = InFreshNetns([] { return Describe("198.18.9.9") + "\n" + Describe("2001:2::9"); });
  if (!out) GTEST_SKIP() << "cannot create a network namespace here";
  EXPECT_EQ(*out, "no route to 198.18.9.9\nno route to 2001:2::9");
}

// Blackhole, unreachable and prohibit routes, set in the private namespace.
TEST(LookupRouteTest, RejectingRoutesAreCleanErrors) {
  auto out = InFreshNetns([] {
    const char* setup =
        "ip link set lo up && ip route add blackhole 198.18.7.0/24 && "
        "ip route add unreachable 198.18.8.0/24 && ip route add prohibit 198.18.9.0/24 && "
        "ip -6 route add unreachable 2001:2:0:8::/64";
    if (std::system(setup) != 0) return std::string("setup failed");
    return Describe("198.18.7.1") + "\n" + Describe("198.18.8.1") + "\n" + Describe("198.18.9.1") + "\n" +
           Describe("2001:2:0:8::1") + "\n" + Describe("127.0.0.1");
  });
  if (!out) GTEST_SKIP() << "cannot create a network namespace here";
  if (*out == "setup failed") GTEST_SKIP() << "iproute2 could not set up routes";
  EXPECT_EQ(*out,
            "no route to 198.18.7.1 (blackhole or invalid destination)\n"
            "no route to 198.18.8.1\n"
            "route to 198.18.9.1 is prohibited by policy\n"
            "no route to 2001:2:0:8::1\n"
            "ok via lo");
}

}  // namespace
}  // namespace tj
