// LookupRoute: the kernel's own answer to "how would you send to dst?"
// (RTM_GETROUTE, as `ip route get` asks it), then the outgoing interface's
// name, MAC, MTU and type (RTM_GETLINK). Asking the kernel rather than
// reading the tables ourselves gets policy routing, metrics and source
// selection exactly as the kernel applies them. ResolveNextHop lives in
// neighbour.cc.
#include "net/route.h"

#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "net/netlink.h"

namespace tj {
namespace {

// What RTM_GETROUTE says about one destination.
struct RouteReply {
  int oif = 0;
  uint8_t type = RTN_UNSPEC;
  std::optional<Address> prefsrc, gateway;
  bool foreign_gateway = false;  // RTA_VIA: a gateway of the other family
};

struct LinkReply {
  std::string name;
  MacAddr mac;
  uint32_t mtu = 0;
  bool loopback = false;
  uint16_t arp_type = 0;  // ARPHRD_*
};

std::optional<Address> AddressFrom(Family f, std::span<const uint8_t> data) {
  if (f == Family::kV4 && data.size() == 4) {
    return Address::V4(uint32_t{data[0]} << 24 | uint32_t{data[1]} << 16 | uint32_t{data[2]} << 8 | data[3]);
  }
  if (f == Family::kV6 && data.size() == 16) {
    std::array<uint8_t, 16> b;
    std::memcpy(b.data(), data.data(), 16);
    return Address::V6(b);
  }
  return std::nullopt;
}

Error RouteError(const Address& dst, int err) {
  switch (err) {
    case ENETUNREACH:
    case EHOSTUNREACH:
      return MakeError("no route to " + dst.ToString());
    case EINVAL:  // what IPv4 answers for a blackhole route
      return MakeError("no route to " + dst.ToString() + " (blackhole or invalid destination)");
    case EACCES:
    case EPERM:
      return MakeError("route to " + dst.ToString() + " is prohibited by policy");
    default:
      return MakeError("route lookup for " + dst.ToString() + " failed: " + std::strerror(err));
  }
}

Result<RouteReply> QueryRoute(const Address& dst) {
  const bool v4 = dst.is_v4();
  nl::Request req(RTM_GETROUTE, 0);
  rtmsg rtm{};
  rtm.rtm_family = v4 ? AF_INET : AF_INET6;
  rtm.rtm_dst_len = v4 ? 32 : 128;
  req.Header(rtm);
  req.Attr(RTA_DST, dst.bytes().data(), v4 ? 4 : 16);
  RouteReply out;
  bool got = false;
  int err = nl::Transact(req, [&](const nl::Message& m) {
    auto h = m.Header<rtmsg>();
    if (m.type != RTM_NEWROUTE || !h || got) return;
    got = true;
    out.type = h->rtm_type;
    nl::ForEachAttr(m.payload, sizeof(rtmsg), [&](uint16_t type, std::span<const uint8_t> d) {
      if (type == RTA_OIF) out.oif = static_cast<int>(nl::AttrAs<uint32_t>(d).value_or(0));
      if (type == RTA_PREFSRC) out.prefsrc = AddressFrom(dst.family(), d);
      if (type == RTA_GATEWAY) out.gateway = AddressFrom(dst.family(), d);
      if (type == RTA_VIA) out.foreign_gateway = true;
    });
  });
  if (err != 0) return RouteError(dst, err);
  if (!got || out.oif == 0) return MakeError("route lookup for " + dst.ToString() + " gave no interface");
  switch (out.type) {
    case RTN_UNREACHABLE:
      return RouteError(dst, EHOSTUNREACH);
    case RTN_BLACKHOLE:
      return RouteError(dst, EINVAL);
    case RTN_PROHIBIT:
      return RouteError(dst, EACCES);
    default:
      break;
  }
  if (out.foreign_gateway) {
    return MakeError(
        "route to " + dst.ToString() +
        " goes through a gateway of the other address family, which the raw-packet scan does not support");
  }
  return out;
}

Result<LinkReply> QueryLink(int ifindex) {
  nl::Request req(RTM_GETLINK, 0);
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  ifi.ifi_index = ifindex;
  req.Header(ifi);
  LinkReply out;
  bool got = false;
  int err = nl::Transact(req, [&](const nl::Message& m) {
    auto h = m.Header<ifinfomsg>();
    if (m.type != RTM_NEWLINK || !h || h->ifi_index != ifindex) return;
    got = true;
    out.loopback = (h->ifi_flags & IFF_LOOPBACK) != 0;
    out.arp_type = h->ifi_type;
    nl::ForEachAttr(m.payload, sizeof(ifinfomsg), [&](uint16_t type, std::span<const uint8_t> d) {
      if (type == IFLA_IFNAME && !d.empty()) {
        out.name.assign(reinterpret_cast<const char*>(d.data()),
                        strnlen(reinterpret_cast<const char*>(d.data()), d.size()));
      }
      if (type == IFLA_ADDRESS && d.size() == out.mac.b.size())
        std::memcpy(out.mac.b.data(), d.data(), d.size());
      if (type == IFLA_MTU) out.mtu = nl::AttrAs<uint32_t>(d).value_or(0);
    });
  });
  std::string which = "interface " + std::to_string(ifindex);
  if (err != 0) return MakeError("cannot read " + which + ": " + std::strerror(err));
  if (!got || out.name.empty()) return MakeError("cannot read " + which + ": the kernel did not describe it");
  return out;
}

// The address the kernel would pick to reach dst. connect() on a UDP socket
// only selects the route and the source; no datagram is sent.
Result<Address> SourceFor(const Address& dst) {
  int fd = socket(dst.is_v4() ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return MakeError(std::string("cannot open a UDP socket: ") + std::strerror(errno));
  sockaddr_storage ss;
  socklen_t len = dst.ToSockaddr(9, &ss);
  int err = connect(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0 ? 0 : errno;
  len = sizeof ss;
  if (err == 0 && getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) err = errno;
  close(fd);
  if (err != 0) return MakeError("no source address to reach " + dst.ToString() + ": " + std::strerror(err));
  auto src = Address::FromSockaddr(reinterpret_cast<sockaddr*>(&ss));
  if (!src || src->IsUnspecified()) return MakeError("no source address to reach " + dst.ToString());
  return *src;
}

}  // namespace

Result<RouteInfo> LookupRoute(const Address& dst) {
  auto route = QueryRoute(dst);
  if (!route) return route.error();
  auto link = QueryLink(route->oif);
  if (!link) return link.error();
  // Frames are built with a 14-byte Ethernet header; on a tunnel or other
  // link type they would be garbage, so say so here rather than send them.
  if (!link->loopback && link->arp_type != ARPHRD_ETHER) {
    return MakeError("route to " + dst.ToString() + " leaves through " + link->name +
                     ", which is not an Ethernet interface (link type " + std::to_string(link->arp_type) +
                     "); the raw-packet scan needs Ethernet");
  }
  RouteInfo info;
  info.ifindex = route->oif;
  info.ifname = link->name;
  info.gateway = route->gateway;
  info.loopback = link->loopback;
  info.src_mac = link->loopback ? MacAddr{} : link->mac;
  if (link->mtu != 0) info.mtu = link->mtu;
  if (route->prefsrc && !route->prefsrc->IsUnspecified()) {
    info.src = *route->prefsrc;
  } else {
    auto src = SourceFor(dst);  // IPv6 answers often leave RTA_PREFSRC out
    if (!src) return src.error();
    info.src = *src;
  }
  return info;
}

}  // namespace tj
