// Where a probe to an address leaves from: the interface, our source
// address, the gateway (if any) and the next hop's MAC, from the kernel's
// routing and neighbour tables over rtnetlink. When the neighbour table has
// no entry, the next hop is asked directly (ARP for IPv4, NDP neighbour
// solicitation for IPv6) on the interface.
// Thread-safety: functions; each call opens and closes its own sockets.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "core/address.h"
#include "core/mac.h"
#include "core/status.h"

namespace tj {

struct RouteInfo {
  int ifindex = 0;
  std::string ifname;
  Address src;                      // preferred source address for this destination
  std::optional<Address> gateway;   // next hop when the destination is not on-link
  MacAddr src_mac;                  // the interface's MAC (zero on loopback)
  bool loopback = false;            // IFF_LOOPBACK: no neighbour resolution needed
  uint32_t mtu = 1500;
};

// RTM_GETROUTE for one destination, as `ip route get` does.
Result<RouteInfo> LookupRoute(const Address& dst);

// The MAC of the next hop toward dst (the gateway, or dst itself when
// on-link): the neighbour table if it has a usable entry, else an ARP or
// NDP request, waiting up to `timeout`. Zero MAC on loopback.
Result<MacAddr> ResolveNextHop(const RouteInfo& route, const Address& dst, std::chrono::milliseconds timeout);

}  // namespace tj
