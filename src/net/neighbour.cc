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

#include "net/netlink.h"
#include "net/route.h"
#include "net/wire.h"

namespace tj {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr uint16_t kNudUsable = NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT;
constexpr int kAttempts = 3;
constexpr size_t kEth = 14, kIp6 = 40;
constexpr uint8_t kIcmp6NeighbourSolicit = 135, kIcmp6NeighbourAdvert = 136;

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

void PutEthernet(uint8_t* p, const MacAddr& dst, const MacAddr& src, uint16_t type) {
  std::memcpy(p, dst.b.data(), 6);
  std::memcpy(p + 6, src.b.data(), 6);
  wire::Store16(p + 12, type);
}

// Who-has hop, tell src (RFC 826), broadcast. Padded to the 60-byte
// Ethernet minimum, which not every driver adds for us.
std::vector<uint8_t> ArpRequest(const RouteInfo& r, const Address& hop) {
  std::vector<uint8_t> f(60, 0);
  PutEthernet(f.data(), MacAddr{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}, r.src_mac, ETH_P_ARP);
  uint8_t* a = f.data() + kEth;
  wire::Store16(a, 1);  // hardware: Ethernet
  wire::Store16(a + 2, ETH_P_IP);
  a[4] = 6;
  a[5] = 4;
  wire::Store16(a + 6, 1);  // request
  std::memcpy(a + 8, r.src_mac.b.data(), 6);
  std::memcpy(a + 14, r.src.bytes().data(), 4);
  std::memcpy(a + 24, hop.bytes().data(), 4);  // target MAC (a + 18) stays zero
  return f;
}

// Neighbour solicitation (RFC 4861 4.3) to hop's solicited-node multicast
// address, carrying our MAC so the answer needs no resolution of its own.
std::vector<uint8_t> NeighbourSolicit(const RouteInfo& r, const Address& hop) {
  constexpr size_t kIcmpLen = 24 + 8;  // header + target, then the source link-layer option
  std::vector<uint8_t> f(kEth + kIp6 + kIcmpLen, 0);
  const auto& t = hop.bytes();
  std::array<uint8_t, 16> group = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, t[13], t[14], t[15]};
  PutEthernet(f.data(), MacAddr{{0x33, 0x33, 0xff, t[13], t[14], t[15]}}, r.src_mac, ETH_P_IPV6);
  uint8_t* ip = f.data() + kEth;
  wire::Store32(ip, 6u << 28);
  wire::Store16(ip + 4, kIcmpLen);
  ip[6] = IPPROTO_ICMPV6;
  ip[7] = 255;  // receivers drop neighbour discovery that crossed a router
  std::memcpy(ip + 8, r.src.bytes().data(), 16);
  std::memcpy(ip + 24, group.data(), 16);
  uint8_t* icmp = ip + kIp6;
  icmp[0] = kIcmp6NeighbourSolicit;
  std::memcpy(icmp + 8, t.data(), 16);
  icmp[24] = 1;  // option: source link-layer address, 1 unit of 8 bytes
  icmp[25] = 1;
  std::memcpy(icmp + 26, r.src_mac.b.data(), 6);
  // Pseudo-header: addresses, upper-layer length, next header.
  uint32_t sum = wire::ChecksumAdd(ip + 8, 32);
  std::array<uint8_t, 8> tail = {0, 0, 0, kIcmpLen, 0, 0, 0, IPPROTO_ICMPV6};
  sum = wire::ChecksumAdd(tail.data(), tail.size(), sum);
  sum = wire::ChecksumAdd(icmp, kIcmpLen, sum);
  wire::Store16(icmp + 2, wire::ChecksumFinish(sum));
  return f;
}

std::optional<MacAddr> MacAt(std::span<const uint8_t> f, size_t off) {
  if (f.size() < off + 6) return std::nullopt;
  MacAddr m;
  std::memcpy(m.b.data(), f.data() + off, 6);
  return m;
}

// Any ARP packet whose sender is hop tells us its MAC (a reply, or hop's
// own request).
std::optional<MacAddr> FromArp(std::span<const uint8_t> f, const Address& hop) {
  if (f.size() < kEth + 28 || wire::Load16(f.data() + 12) != ETH_P_ARP) return std::nullopt;
  const uint8_t* a = f.data() + kEth;
  if (wire::Load16(a) != 1 || wire::Load16(a + 2) != ETH_P_IP || a[4] != 6 || a[5] != 4) return std::nullopt;
  if (std::memcmp(a + 14, hop.bytes().data(), 4) != 0) return std::nullopt;
  return MacAt(f, kEth + 8);
}

// A neighbour advertisement for hop: its target link-layer option, else the
// frame's source MAC.
std::optional<MacAddr> FromAdvert(std::span<const uint8_t> f, const Address& hop) {
  if (f.size() < kEth + kIp6 + 24 || wire::Load16(f.data() + 12) != ETH_P_IPV6) return std::nullopt;
  const uint8_t* ip = f.data() + kEth;
  if ((ip[0] >> 4) != 6 || ip[6] != IPPROTO_ICMPV6 || ip[7] != 255) return std::nullopt;
  const size_t icmp_len = std::min<size_t>(wire::Load16(ip + 4), f.size() - kEth - kIp6);
  const uint8_t* icmp = ip + kIp6;
  if (icmp_len < 24 || icmp[0] != kIcmp6NeighbourAdvert || icmp[1] != 0) return std::nullopt;
  if (std::memcmp(icmp + 8, hop.bytes().data(), 16) != 0) return std::nullopt;
  for (size_t off = 24; off + 8 <= icmp_len && icmp[off + 1] != 0; off += icmp[off + 1] * size_t{8}) {
    if (icmp[off] == 2 && icmp[off + 1] == 1) return MacAt(f, kEth + kIp6 + off + 2);
  }
  return MacAt(f, 6);
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
    auto mac = hop.is_v4() ? FromArp(f, hop) : FromAdvert(f, hop);
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
  auto frame = hop.is_v4() ? ArpRequest(r, hop) : NeighbourSolicit(r, hop);
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
