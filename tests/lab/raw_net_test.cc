// Lab tests of the raw-packet engine's OS seams against a real kernel: route
// lookups, neighbour resolution (from the table, and by our own ARP and NDP
// when the table is empty), and a capture ring that sees the SYN-ACK to a SYN
// sent through the packet sender. Everything runs on the lab's veth pair
// (tests/lab/lab.sh): the test thread enters the scanner's namespace with
// setns() for each test and leaves it afterwards, so no packet can reach any
// other interface.
//
// Needs root. Without it the tests skip, except when CI=true, where they fail.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <vector>

#include "lab.h"
#include "net/capture.h"
#include "net/packet.h"
#include "net/route.h"
#include "net/tcp_connect.h"

namespace tjlab {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using tj::Address;

Address A(const std::string& s) { return *Address::Parse(s); }

class RawNetTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { lab_ = Lab::Up({}, &why_).release(); }
  static void TearDownTestSuite() {
    delete lab_;
    lab_ = nullptr;
  }

  void SetUp() override {
    if (!lab_) {
      if (InCi()) FAIL() << "lab unavailable and CI=true: " << why_;
      GTEST_SKIP() << "lab unavailable (run as root to enable): " << why_;
    }
    // This thread alone moves; the original namespace comes back in TearDown.
    home_ns_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    int ns = open(("/run/netns/" + lab_->scanner_ns()).c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(home_ns_, 0);
    ASSERT_GE(ns, 0);
    ASSERT_EQ(setns(ns, CLONE_NEWNET), 0);
    close(ns);
  }

  void TearDown() override {
    if (home_ns_ < 0) return;
    if (setns(home_ns_, CLONE_NEWNET) != 0) std::abort();  // never run on in the wrong namespace
    close(home_ns_);
  }

  // Runs `ip -n <scanner ns> args...` and returns its output.
  static std::string Ip(std::vector<std::string> args) {
    args.insert(args.begin(), {"ip", "-n", lab_->scanner_ns()});
    RunResult r = tjlab::Run(args, seconds(10));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  static std::string Iface() { return lab_->Fact("LAB_SCANNER_IF"); }
  static void FlushNeighbours() { Ip({"neigh", "flush", "dev", Iface()}); }
  static bool TableHasMac(const std::string& addr) {
    return Ip({"neigh", "show", "to", addr, "dev", Iface()}).find("lladdr") != std::string::npos;
  }

  static Lab* lab_;
  static std::string why_;
  int home_ns_ = -1;
};

Lab* RawNetTest::lab_ = nullptr;
std::string RawNetTest::why_;

TEST_F(RawNetTest, OnLinkRoutes) {
  for (auto [dst, src] : {std::pair{"198.18.0.2", "198.18.0.1"}, std::pair{"2001:2::2", "2001:2::1"}}) {
    auto r = tj::LookupRoute(A(dst));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->ifname, Iface());
    EXPECT_EQ(r->src, A(src)) << dst;
    EXPECT_FALSE(r->gateway.has_value()) << dst;
    EXPECT_EQ(r->src_mac.ToString(), lab_->Fact("LAB_SCANNER_MAC"));
    EXPECT_FALSE(r->loopback);
    EXPECT_EQ(r->mtu, 1500u);
  }
}

TEST_F(RawNetTest, RoutesThroughTheDefaultGateway) {
  for (auto [dst, gw] : {std::pair{"198.19.1.1", "198.18.0.2"}, std::pair{"2001:3::1", "2001:2::2"}}) {
    auto r = tj::LookupRoute(A(dst));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->ifname, Iface());
    ASSERT_TRUE(r->gateway.has_value()) << dst;
    EXPECT_EQ(*r->gateway, A(gw));
    // The next hop is the gateway, which is the lab's target.
    auto mac = tj::ResolveNextHop(*r, A(dst), milliseconds(1000));
    ASSERT_TRUE(mac.ok()) << mac.error().message;
    EXPECT_EQ(mac->ToString(), lab_->Fact("LAB_TARGET_MAC"));
  }
}

TEST_F(RawNetTest, OwnAddressRoutesThroughLoopback) {
  auto r = tj::LookupRoute(A("198.18.0.1"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->loopback);
  EXPECT_EQ(r->ifname, "lo");
}

// An empty table forces our own ARP request / neighbour solicitation. The
// kernel does not learn from answers it did not ask for, so the table stays
// empty, which shows the answer came through our socket.
TEST_F(RawNetTest, ResolvesWithAnEmptyNeighbourTable) {
  for (const char* dst : {"198.18.0.2", "2001:2::2"}) {
    FlushNeighbours();
    ASSERT_FALSE(TableHasMac(dst)) << Ip({"neigh", "show"});
    auto r = tj::LookupRoute(A(dst));
    ASSERT_TRUE(r.ok()) << r.error().message;
    auto start = std::chrono::steady_clock::now();
    auto mac = tj::ResolveNextHop(*r, A(dst), milliseconds(1500));
    ASSERT_TRUE(mac.ok()) << mac.error().message;
    EXPECT_EQ(mac->ToString(), lab_->Fact("LAB_TARGET_MAC")) << dst;
    EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(500)) << "answered only on a retry";
    EXPECT_FALSE(TableHasMac(dst)) << dst;
  }
}

// A permanent entry with a made-up MAC can only come from the table.
TEST_F(RawNetTest, ResolvesFromTheNeighbourTable) {
  const std::string fake = "02:00:5e:10:20:30";
  for (const char* dst : {"198.18.0.2", "2001:2::2"}) {
    Ip({"neigh", "replace", dst, "lladdr", fake, "nud", "permanent", "dev", Iface()});
    auto r = tj::LookupRoute(A(dst));
    ASSERT_TRUE(r.ok()) << r.error().message;
    auto mac = tj::ResolveNextHop(*r, A(dst), milliseconds(1000));
    Ip({"neigh", "del", dst, "dev", Iface()});
    ASSERT_TRUE(mac.ok()) << mac.error().message;
    EXPECT_EQ(mac->ToString(), fake) << dst;
  }
}

// And the ordinary case: a connection leaves a reachable entry behind.
TEST_F(RawNetTest, ResolvesAfterTheKernelLearnedTheNeighbour) {
  for (const char* dst : {"198.18.0.2", "2001:2::2"}) {
    FlushNeighbours();
    int err = 0;
    int fd = tj::StartConnect(A(dst), 22, &err);
    ASSERT_GE(fd, 0);
    for (int i = 0; i < 200 && !TableHasMac(dst); ++i) usleep(5000);
    close(fd);
    ASSERT_TRUE(TableHasMac(dst)) << dst;
    auto r = tj::LookupRoute(A(dst));
    ASSERT_TRUE(r.ok()) << r.error().message;
    auto mac = tj::ResolveNextHop(*r, A(dst), milliseconds(1000));
    ASSERT_TRUE(mac.ok()) << mac.error().message;
    EXPECT_EQ(mac->ToString(), lab_->Fact("LAB_TARGET_MAC")) << dst;
  }
}

TEST_F(RawNetTest, NoAnswerIsAnErrorAfterTheTimeout) {
  auto r = tj::LookupRoute(A("198.18.0.77"));  // on-link, but nobody has it
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto start = std::chrono::steady_clock::now();
  auto mac = tj::ResolveNextHop(*r, A("198.18.0.77"), milliseconds(300));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(mac.ok());
  EXPECT_EQ(mac.error().message, "no ARP reply from 198.18.0.77 on " + Iface() + " within 300 ms");
  EXPECT_GE(took, milliseconds(290));
  EXPECT_LT(took, milliseconds(600));
}

TEST_F(RawNetTest, BadFilterIsAnError) {
  auto r = tj::LookupRoute(A("198.18.0.2"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto ring = tj::CaptureRing::Open(r->ifindex, "tcp and hots 1.2.3.4");
  ASSERT_FALSE(ring.ok());
  EXPECT_NE(ring.error().message.find("bad capture filter 'tcp and hots 1.2.3.4'"), std::string::npos)
      << ring.error().message;
}

// Sends one SYN to an open port through PacketSender and waits for the
// SYN-ACK in a CaptureRing. A second ring without an address filter shows
// that nothing outgoing (our SYN, our kernel's RST) is captured.
void SynGetsSynAck(const std::string& target, const std::string& filter) {
  auto r = tj::LookupRoute(A(target));
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto mac = tj::ResolveNextHop(*r, A(target), milliseconds(1000));
  ASSERT_TRUE(mac.ok()) << mac.error().message;
  auto ring = tj::CaptureRing::Open(r->ifindex, filter, 4u << 20);
  ASSERT_TRUE(ring.ok()) << ring.error().message;
  auto all_tcp = tj::CaptureRing::Open(r->ifindex, "tcp", 2u << 20);
  ASSERT_TRUE(all_tcp.ok()) << all_tcp.error().message;
  auto sender = tj::PacketSender::Open(r->ifindex);
  ASSERT_TRUE(sender.ok()) << sender.error().message;

  tj::TcpTemplate tmpl({.src_mac = r->src_mac, .dst_mac = *mac, .src = r->src});
  std::array<uint8_t, tj::TcpTemplate::kMaxFrame> frame;
  const uint16_t sport = static_cast<uint16_t>(33000 + getpid() % 20000);
  const uint32_t seq = 0x5eed0000u + static_cast<uint32_t>(getpid());
  size_t len = tmpl.Fill(frame.data(), A(target), sport, 22, seq, 0);
  std::array<std::span<const uint8_t>, 1> frames = {std::span<const uint8_t>(frame.data(), len)};
  auto sent = (*sender)->Send(frames);
  ASSERT_TRUE(sent.ok()) << sent.error().message;
  ASSERT_EQ(*sent, 1u);

  bool got_synack = false;
  int foreign = 0;
  tj::ParseStats stats;
  auto deadline = std::chrono::steady_clock::now() + seconds(3);
  while (!got_synack && std::chrono::steady_clock::now() < deadline) {
    (*ring)->Poll(100, [&](std::span<const uint8_t> f) {
      auto reply = tj::ParseFrame(f, &stats);
      if (!reply || reply->src != A(target)) {
        ++foreign;
        return;
      }
      got_synack |= reply->kind == tj::Reply::Kind::kTcp && reply->sport == 22 && reply->dport == sport &&
                    reply->flags == (tj::tcpflag::kSyn | tj::tcpflag::kAck) && reply->ack == seq + 1;
    });
  }
  EXPECT_TRUE(got_synack) << "no SYN-ACK from " << target;
  EXPECT_EQ(foreign, 0) << "frames the filter should have kept out";
  EXPECT_EQ((*ring)->kernel_drops(), 0u);
  usleep(50000);  // our kernel's RST to the unexpected SYN-ACK is sent by now
  int outgoing = 0, incoming = 0;
  (*all_tcp)->Poll(0, [&](std::span<const uint8_t> f) {
    auto reply = tj::ParseFrame(f, &stats);
    (reply && reply->src == r->src ? outgoing : incoming)++;
  });
  EXPECT_EQ(outgoing, 0) << "outgoing frames were captured";
  EXPECT_GE(incoming, 1);
}

TEST_F(RawNetTest, CaptureSeesSynAckV4) { SynGetsSynAck("198.18.0.2", "tcp and src host 198.18.0.2"); }
TEST_F(RawNetTest, CaptureSeesSynAckV6) { SynGetsSynAck("2001:2::2", "tcp and src host 2001:2::2"); }

}  // namespace
}  // namespace tjlab
