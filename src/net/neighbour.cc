// ResolveNextHop: the next hop's MAC from the kernel's neighbour table, or
// by asking the next hop ourselves. A raw-packet scan bypasses the kernel's
// IP stack, so nothing else would trigger the kernel's own ARP/NDP; asking
// directly also works when the table has no entry yet (a fresh gateway).
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include "net/neighbour_frames.h"
#include "net/netlink.h"
#include "net/route.h"

namespace tj {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr uint16_t kNudUsable = NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT;
constexpr int kAttempts = 3;

// The usable entry for hop on ifindex, if the table has one.
Result<std::optional<MacAddr>> TableEntry(int ifindex, const Address& hop) {
  nl::Request req(RTM_GETNEIGH, NLM_F_DUMP);
  ndmsg ndm{};
  ndm.ndm_family = hop.is_v4() ? AF_INET : AF_INET6;
  ndm.ndm_ifindex = ifindex;  // older kernels ignore this filter: checked below too
  req.Header(ndm);
  const size_t alen = hop.is_v4() ? 4 : 16;
  std::optional<MacAddr> found;
  int err = nl::Transact(req, [&](const nl::Message& m) {
    auto h = m.Header<ndmsg>();
    if (m.type != RTM_NEWNEIGH || !h || h->ndm_ifindex != ifindex || !(h->ndm_state & kNudUsable)) return;
    bool dst_matches = false;
    std::optional<MacAddr> mac;
    nl::ForEachAttr(m.payload, sizeof(ndmsg), [&](uint16_t type, std::span<const uint8_t> d) {
      if (type == NDA_DST)
        dst_matches = d.size() == alen && std::memcmp(d.data(), hop.bytes().data(), alen) == 0;
      if (type == NDA_LLADDR && d.size() == 6) {
        mac.emplace();
        std::memcpy(mac->b.data(), d.data(), 6);
      }
    });
    if (dst_matches && mac && !mac->is_zero()) found = mac;
  });
  if (err != 0) return MakeError(std::string("cannot read the neighbour table: ") + std::strerror(err));
  return found;
}

// Any ARP packet whose sender is hop tells us its MAC (a reply, or hop's
// own request); so does a neighbour advertisement for hop.
std::optional<MacAddr> AnswerFor(std::span<const uint8_t> f, const Address& hop) {
  auto n = hop.is_v4() ? ParseArp(f) : ParseNeighbourAdvert(f);
  if (!n || n->addr != hop) return std::nullopt;
  return n->mac;
}

// Waits until the deadline for a frame that answers for hop.
std::optional<MacAddr> AwaitAnswer(int fd, const Address& hop, Clock::time_point deadline) {
  std::array<uint8_t, 2048> buf;
  for (;;) {
    auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return std::nullopt;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;  // timeout or EINTR: loop re-checks
    ssize_t n = recv(fd, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n <= 0) continue;
    std::span<const uint8_t> f(buf.data(), static_cast<size_t>(n));
    auto mac = AnswerFor(f, hop);
    if (mac && !mac->is_zero()) return mac;
  }
}

// A packet socket on the route's interface that sees only `proto` frames.
Result<int> OpenBound(const RouteInfo& r, uint16_t proto) {
  // Protocol 0 until bound: otherwise frames of every interface would queue
  // up between socket() and bind().
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return MakeError(std::string("cannot open a packet socket (needs root or CAP_NET_RAW): ") +
                     std::strerror(errno));
  }
  int one = 1;  // best effort: answers are matched by content anyway
  setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(proto);
  sll.sll_ifindex = r.ifindex;
  if (bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0) {
    int e = errno;
    close(fd);
    return MakeError("cannot bind a packet socket to " + r.ifname + ": " + std::strerror(e));
  }
  return fd;
}

Result<MacAddr> Solicit(const RouteInfo& r, const Address& hop, milliseconds timeout) {
  auto fd = OpenBound(r, hop.is_v4() ? ETH_P_ARP : ETH_P_IPV6);
  if (!fd) return fd.error();
  auto frame = hop.is_v4() ? ArpRequestFrame(r.src_mac, r.src, hop) : NeighbourSolicitFrame(r.src_mac, r.src, hop);
  const auto slice = std::max(milliseconds(1), timeout / kAttempts);
  std::optional<MacAddr> mac;
  int send_err = 0;
  for (int i = 0; i < kAttempts && !mac; ++i) {
    auto deadline = Clock::now() + slice;
    // A full queue is worth another try; anything else will not get better.
    if (send(*fd, frame.data(), frame.size(), 0) < 0 && errno != ENOBUFS && errno != EAGAIN) {
      send_err = errno;
      break;
    }
    mac = AwaitAnswer(*fd, hop, deadline);
  }
  close(*fd);
  if (mac) return *mac;
  if (send_err != 0) return MakeError("cannot send on " + r.ifname + ": " + std::strerror(send_err));
  const char* what = hop.is_v4() ? "ARP reply" : "neighbour advertisement";
  return MakeError(std::string("no ") + what + " from " + hop.ToString() + " on " + r.ifname + " within " +
                   std::to_string(timeout.count()) + " ms");
}

}  // namespace

Result<MacAddr> ResolveNextHop(const RouteInfo& route, const Address& dst, milliseconds timeout) {
  if (route.loopback) return MacAddr{};
  const Address hop = route.gateway.value_or(dst);
  if (hop.family() != route.src.family()) {
    return MakeError("next hop " + hop.ToString() + " and source " + route.src.ToString() +
                     " differ in family");
  }
  auto cached = TableEntry(route.ifindex, hop);
  if (!cached) return cached.error();
  if (*cached) return **cached;
  return Solicit(route, hop, timeout);
}

}  // namespace tj
