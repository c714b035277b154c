#include "engine/link_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <system_error>
#include <thread>

#include "net/route.h"

namespace tj {

std::optional<size_t> LinkSet::Find(const RouteInfo& r) const {
  for (size_t i = 0; i < links_.size(); ++i)
    if (links_[i].route.ifindex == r.ifindex && links_[i].route.src.family() == r.src.family()) return i;
  return std::nullopt;
}

Status LinkSet::Add(const Address& sample, const std::vector<Address>& sources, const FilterFor& filter,
                     size_t ring_bytes) {
  auto route = LookupRoute(sample);
  if (!route) return route.error();
  if (Find(*route)) return Status::Ok();
  for (const Address& s : sources)
    if (s.family() == route->src.family()) {
      route->src = s;
      break;
    }
  RawLink link;
  link.route = *route;
  auto rx = CaptureRing::Open(route->ifindex, filter(*route), ring_bytes);
  if (!rx) return rx.error();
  link.rx = std::move(*rx);
  // One sender per core, up to two: the receive thread needs a core too.
  size_t senders = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 2);
  for (size_t i = 0; i < senders; ++i) {
    auto tx = PacketSender::Open(route->ifindex);
    if (!tx) return tx.error();
    link.tx.push_back(std::move(*tx));
  }
  links_.push_back(std::move(link));
  return Status::Ok();
}

size_t RingBytesFor(uint64_t answers) {
  // 16 MiB of ring holds about 100,000 replies (TPACKET_V3 packs a frame of
  // a SYN-ACK or an ICMP error in about 160 bytes): a quarter second at the
  // fastest the engines send, while the receive thread reads continuously.
  // A scan that can get fewer replies than that gets a ring its size: the
  // kernel zeroes every page of it at setup, and a one-port scan paid 16
  // MiB of memory and a tenth of its run time for 160 bytes of answer.
  constexpr size_t kMax = 16u << 20, kMin = 1u << 20;
  if (answers == 0 || answers > kMax / 160) return kMax;
  return std::max<size_t>(kMin, answers * 160);
}

Result<LinkSet> LinkSet::Open(const std::vector<Address>& samples, const std::vector<Address>& sources,
                              const FilterFor& filter, uint64_t answers) {
  const size_t ring_bytes = RingBytesFor(answers);
  LinkSet set;
  auto routes = RouteCache::Load();
  if (!routes) return routes.error();
  set.routes_ = std::move(*routes);
  for (const Address& a : samples)
    if (Status s = set.Add(a, sources, filter, ring_bytes); !s.ok()) return Error{s.message()};
  return set;
}

// Closing a packet socket waits for an RCU grace period (af_packet's
// packet_release calls synchronize_net): 15-25 ms each, measured, and a
// link has three (its ring and two senders), which made up half of a
// one-port scan's run time. Closed side by side they cost one period.
LinkSet::~LinkSet() {
  std::vector<std::thread> closers;
  auto close_beside = [&closers](auto socket) {
    try {
      closers.emplace_back([s = std::move(socket)]() mutable { s.reset(); });
    } catch (const std::system_error&) {
      // No thread to spare: the socket closed with the lambda that held it.
    }
  };
  for (RawLink& l : links_) {
    if (l.rx) close_beside(std::move(l.rx));
    for (auto& t : l.tx) close_beside(std::move(t));
  }
  for (std::thread& t : closers) t.join();
}

Result<std::optional<LinkSet::Path>> LinkSet::PathTo(const Address& host) {
  auto route = routes_.Lookup(host);
  if (!route) return route.error();
  auto link = Find(*route);
  if (!link)
    return MakeError(fmt::format("{} is reached through {}, which was not opened when the scan started",
                                 host.ToString(), route->ifname));
  Address hop = route->gateway.value_or(host);
  auto mac = next_hop_macs_.find(hop);
  if (mac == next_hop_macs_.end()) {
    auto m = ResolveNextHop(*route, host, std::chrono::milliseconds(1000));
    mac = next_hop_macs_.emplace(hop, m ? *m : MacAddr{}).first;
    if (!m && !route->loopback) unreachable_hops_.insert(hop);
  }
  if (unreachable_hops_.count(hop)) return std::optional<Path>();
  return std::optional<Path>(Path{*link, mac->second});
}

}  // namespace tj
