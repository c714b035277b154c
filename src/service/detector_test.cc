// DetectPort against small servers on loopback: a banner, a reply to a
// probe, and the hostile ones (tarpit, endless banner, immediate close),
// each of which must cost no more than the port's budget.
#include "service/detector.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include <gtest/gtest.h>

namespace tj {
namespace {

using namespace std::chrono_literals;

// Accepts connections on 127.0.0.1 and hands each to fn on its own thread.
class Server {
 public:
  explicit Server(std::function<void(int)> fn) : fn_(std::move(fn)) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 16);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      while (true) {
        int c = accept(fd_, nullptr, nullptr);
        if (c < 0 || stop_) {
          if (c >= 0) close(c);
          return;
        }
        // A copy of fn: a tarpit's thread may outlive this Server.
        std::thread([fn = fn_, c] {
          fn(c);
          close(c);
        }).detach();
      }
    });
  }
  ~Server() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    thread_.join();
    close(fd_);
  }
  uint16_t port() const { return port_; }

 private:
  std::function<void(int)> fn_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

const ProbeDb& Db() {
  static const ProbeDb db = [] {
    auto r = ParseProbeDb(
        "probe NULL tcp\n"
        "match ssh re=|^SSH-([\\d.]+)-OpenSSH_([\\w.]+)| product=\"OpenSSH\" version=\"$2\"\n"
        "probe Ping tcp rarity=1 wait=500 send=\"PING\\r\\n\"\n"
        "match redis re=|^\\+PONG| product=\"Redis\"\n",
        "test");
    return std::move(*r);
  }();
  return db;
}

DetectOptions Fast() {
  DetectOptions o;
  o.null_wait = 300ms;
  o.max_probe_wait = 500ms;
  o.quiet = 100ms;
  o.port_budget = 2s;
  return o;
}

ServiceInfo Detect(uint16_t port, double* seconds = nullptr) {
  auto t0 = std::chrono::steady_clock::now();
  ServiceInfo s = DetectPort(Db(), Fast(), *Address::Parse("127.0.0.1"), port, "table-name");
  if (seconds) *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

void Send(int c, std::string_view s) { (void)!send(c, s.data(), s.size(), MSG_NOSIGNAL); }

TEST(Detector, Banner) {
  Server srv([](int c) { Send(c, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"); });
  ServiceInfo s = Detect(srv.port());
  EXPECT_EQ(s.name, "ssh");
  EXPECT_EQ(s.product, "OpenSSH");
  EXPECT_EQ(s.version, "9.2p1");
  EXPECT_EQ(s.method, "probed");
}

TEST(Detector, ProbeReply) {
  Server srv([](int c) {
    char buf[64];
    if (recv(c, buf, sizeof buf, 0) > 0) Send(c, "+PONG\r\n");
  });
  ServiceInfo s = Detect(srv.port());
  EXPECT_EQ(s.name, "redis");
  EXPECT_EQ(s.product, "Redis");
}

TEST(Detector, TarpitCostsItsBudgetOnly) {
  Server srv([](int) { std::this_thread::sleep_for(3s); });
  double secs = 0;
  ServiceInfo s = Detect(srv.port(), &secs);
  EXPECT_EQ(s.method, "table");
  EXPECT_EQ(s.name, "table-name");
  EXPECT_LT(secs, 2.5);
}

TEST(Detector, EndlessBannerIsCapped) {
  Server srv([](int c) {
    std::string junk(4096, 'A');
    for (int i = 0; i < 2000; ++i)
      if (send(c, junk.data(), junk.size(), MSG_NOSIGNAL) < 0) return;
  });
  double secs = 0;
  ServiceInfo s = Detect(srv.port(), &secs);
  EXPECT_EQ(s.method, "table");
  EXPECT_LT(secs, 2.5);
}

TEST(Detector, ClosedAtOnceIsTcpwrapped) {
  Server srv([](int) {});
  ServiceInfo s = Detect(srv.port());
  EXPECT_EQ(s.name, "tcpwrapped");
}

}  // namespace
}  // namespace tj
