// ScanInChild against this machine's loopback: the real scan in a real
// child process (the tojimari binary built beside these tests), its record
// handed back whole (no port folded away).
#include "session/child_scan.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

namespace tj {
namespace {

TEST(ScanInChild, EveryPortComesBack) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(fd, 8), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  const int open_port = ntohs(a.sin_port);
  std::atomic<bool> stop{false};
  // 6,000 closed ports: more than one piece (2,500) and far beyond what a
  // report folds (25 x (100 + 1) per state).
  int lo = open_port > 6000 ? open_port - 5999 : open_port;
  ScanRequest req;
  req.technique = Technique::kConnect;
  req.no_dns = true;
  req.ports = PortSpec{};
  req.ports->tcp.AddRange(static_cast<uint16_t>(lo), static_cast<uint16_t>(lo + 5999));
  req.targets = {"127.0.0.1"};
  req.command_line = "tojimari watch test";
  auto r = ScanInChild(req, &stop, TJ_BINARY);
  close(fd);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->hosts.size(), 1u);
  const auto& h = r->hosts[0];
  ASSERT_EQ(h.ports.size(), 6000u);
  // Every port, in order, ours open. Other listeners on this machine's
  // loopback (tests running beside this one: their servers, their scanners'
  // ephemeral ports) may sit in the range and come and go, so they are only
  // bounded: a scan inventing opens would report thousands.
  bool ours = false;
  int others = 0;
  for (size_t i = 0; i < h.ports.size(); ++i) {
    const int port = lo + static_cast<int>(i);
    EXPECT_EQ(h.ports[i].port, port);
    if (h.ports[i].state != PortState::kOpen) continue;
    if (port == open_port)
      ours = true;
    else
      ++others;
  }
  EXPECT_LT(others, 100) << "ports reported open besides ours";
  EXPECT_TRUE(ours) << open_port << " was listening and not reported open";
  EXPECT_FALSE(r->summary.interrupted);
  EXPECT_EQ(r->info.args, "tojimari watch test");
}

TEST(ScanInChild, AFailedScanIsAnError) {
  std::atomic<bool> stop{false};
  ScanRequest req;
  req.targets = {"no such target!"};
  auto r = ScanInChild(req, &stop, TJ_BINARY);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("exit status 2"), std::string::npos) << r.error().message;
}

TEST(ScanInChild, AMissingBinaryIsAnError) {
  std::atomic<bool> stop{false};
  ScanRequest req;
  req.targets = {"127.0.0.1"};
  auto r = ScanInChild(req, &stop, "/nonexistent/tojimari");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("cannot run \"/nonexistent/tojimari\""), std::string::npos) << r.error().message;
}

// A child that exits without reading its request (here /bin/true) must not
// take its caller down with SIGPIPE (this test binary does not ignore it):
// the request is larger than the socket's buffer, so the send meets the
// closed end.
TEST(ScanInChild, AChildThatReadsNothingIsAnErrorNotASignal) {
  std::atomic<bool> stop{false};
  ScanRequest req;
  req.targets.assign(100000, "198.18.0.1");
  auto r = ScanInChild(req, &stop, "/bin/true");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("ends before its summary"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace tj
