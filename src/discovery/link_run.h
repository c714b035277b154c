// Discovery of the hosts reached through one interface (host_discovery.h):
// first neighbour resolution on the link (ARP/NDP), which is the whole
// test for local hosts and finds the gateway's MAC for the others; then the
// IP probes to the hosts still undecided. Each phase sends in passes: a
// host that answered is not asked again, and the phase ends when every
// host answered or the last pass's wait is over.
// Thread-safety: RunOnLink runs on the calling thread and starts one
// receive thread (engine/receive_loop.h) for its duration.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "discovery/host_discovery.h"
#include "engine/cookie.h"
#include "engine/raw_link.h"
#include "net/route.h"

namespace tj {

// One host to decide and how it is reached.
struct LinkTarget {
  Address addr;
  std::optional<Address> gateway;  // the next hop when the host is not on the link
};

struct LinkRunParams {
  const DiscoveryOptions* opts = nullptr;
  const CookieKey* key = nullptr;
  uint16_t sport_base = 0;  // our TCP/UDP ports: +0 SYN, +1 ACK, +2 UDP
  uint16_t icmp_id = 0;     // identifier of our echo requests; +1 for timestamps
};

// REQUIRES: link has a sender; every target has link.route's family.
std::vector<HostVerdict> RunOnLink(RawLink& link, const LinkRunParams& p,
                                   const std::vector<LinkTarget>& targets, DiscoveryStats* stats);

// The capture filter for a link: its neighbour answers and the replies to
// our probes (a tcpdump expression for libpcap).
std::string DiscoveryFilter(const RouteInfo& route, uint16_t sport_base);

}  // namespace tj
