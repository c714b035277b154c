// The connect engine against real sockets on loopback: listeners the test
// opens are open, ports it just closed are closed.
#include "engine/connect_engine.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <map>

namespace tj {
namespace {

// Binds a TCP socket on 127.0.0.1 with a kernel-chosen port.
int BindLoopback(uint16_t* port, bool listening) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) return -1;
  if (listening) listen(fd, 128);
  socklen_t len = sizeof sin;
  getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
  *port = ntohs(sin.sin_port);
  return fd;
}

class CollectSink : public ResultSink {
 public:
  void OnPort(const PortResult& r) override { seen[r.port] = r.state; }
  std::map<uint16_t, PortState> seen;
};

TEST(ConnectEngine, OpenAndClosedOnLoopback) {
  std::vector<int> fds;
  std::vector<uint16_t> open_ports, closed_ports;
  for (int i = 0; i < 5; ++i) {
    uint16_t p;
    fds.push_back(BindLoopback(&p, true));
    open_ports.push_back(p);
  }
  for (int i = 0; i < 5; ++i) {
    uint16_t p;
    int fd = BindLoopback(&p, false);  // bound, not listening: refused
    fds.push_back(fd);
    closed_ports.push_back(p);
  }
  HostJob job{*Address::Parse("127.0.0.1"), {}};
  job.ports = open_ports;
  job.ports.insert(job.ports.end(), closed_ports.begin(), closed_ports.end());
  ConnectOptions o;
  o.timing = TimingTemplate(4);
  o.seed = 7;
  ConnectEngine engine(o);
  CollectSink sink;
  auto r = engine.Run({job}, &sink);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  const HostOutcome& h = r->front();
  EXPECT_TRUE(h.up);
  ASSERT_EQ(h.ports.size(), 10u);
  for (const PortResult& p : h.ports) {
    bool open = std::find(open_ports.begin(), open_ports.end(), p.port) != open_ports.end();
    EXPECT_EQ(p.state, open ? PortState::kOpen : PortState::kClosed) << p.port;
    EXPECT_EQ(p.reason, open ? Reason::kSynAck : Reason::kConnRefused) << p.port;
    EXPECT_EQ(sink.seen.at(p.port), p.state);
  }
  EXPECT_TRUE(std::is_sorted(h.ports.begin(), h.ports.end(),
                             [](const PortResult& a, const PortResult& b) { return a.port < b.port; }));
  EXPECT_EQ(engine.stats().probes_sent, 10u);
  for (int fd : fds) close(fd);
}

TEST(ConnectEngine, ManyPortsSplitAcrossWorkersAllReported) {
  // 6000 ports of loopback: enough to use every worker; each reported once.
  HostJob job{*Address::Parse("127.0.0.1"), {}};
  uint16_t listen_port;
  int fd = BindLoopback(&listen_port, true);
  for (uint32_t p = 40000; p < 46000; ++p) job.ports.push_back(static_cast<uint16_t>(p));
  if (listen_port < 40000 || listen_port >= 46000) job.ports.push_back(listen_port);
  ConnectEngine engine(ConnectOptions{TimingTemplate(4)});
  CollectSink sink;
  auto r = engine.Run({job}, &sink);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->front().ports.size(), job.ports.size());
  EXPECT_EQ(sink.seen.size(), job.ports.size());
  EXPECT_EQ(sink.seen.at(listen_port), PortState::kOpen);
  close(fd);
}

TEST(ConnectEngine, StopFlagEndsEarly) {
  std::atomic<bool> stop{true};
  ConnectOptions o{TimingTemplate(4)};
  o.stop = &stop;
  ConnectEngine engine(o);
  auto r = engine.Run({{*Address::Parse("127.0.0.1"), {1, 2, 3}}}, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->front().ports.empty());
}

}  // namespace
}  // namespace tj
