#include "engine/link_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "net/route.h"

namespace tj {

std::optional<size_t> LinkSet::Find(const RouteInfo& r) const {
  for (size_t i = 0; i < links_.size(); ++i)
    if (links_[i].route.ifindex == r.ifindex && links_[i].route.src.family() == r.src.family()) return i;
  return std::nullopt;
}

Status LinkSet::Add(const Address& sample, const std::vector<Address>& sources, const FilterFor& filter) {
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
  // 16 MiB of ring holds about 100,000 replies: a quarter second at the
  // fastest the engines send, while the receive thread reads continuously.
  auto rx = CaptureRing::Open(route->ifindex, filter(*route), 16u << 20);
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

Result<LinkSet> LinkSet::Open(const std::vector<Address>& samples, const std::vector<Address>& sources,
                              const FilterFor& filter) {
  LinkSet set;
  auto routes = RouteCache::Load();
  if (!routes) return routes.error();
  set.routes_ = std::move(*routes);
  for (const Address& a : samples)
    if (Status s = set.Add(a, sources, filter); !s.ok()) return Error{s.message()};
  return set;
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
