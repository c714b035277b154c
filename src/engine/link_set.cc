#include "engine/link_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "net/capture.h"
#include "net/route.h"

namespace tj {

std::optional<size_t> LinkSet::Find(const RouteInfo& r) const {
  for (size_t i = 0; i < links_.size(); ++i)
    if (links_[i].route.ifindex == r.ifindex && links_[i].route.src.family() == r.src.family()) return i;
  return std::nullopt;
}

Status LinkSet::Add(const Address& sample, const std::vector<Address>& sources, const FilterFor& filter,
                     const LinkOptions& options) {
  auto route = LookupRoute(sample);
  if (!route) return route.error();
  if (options.skip_loopback && route->loopback) return Status::Ok();
  if (Find(*route)) return Status::Ok();
  for (const Address& s : sources)
    if (s.family() == route->src.family()) {
      route->src = s;
      break;
    }
  RawLink link;
  link.route = *route;
  auto rx = CaptureRing::Open(route->ifindex, filter(*route), options.ring_bytes);
  if (!rx) return rx.error();
  link.rx = std::move(*rx);
  for (size_t i = 0; i < options.senders; ++i) {
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
                              const FilterFor& filter, const LinkOptions& options) {
  LinkSet set;
  auto routes = RouteCache::Load();
  if (!routes) return routes.error();
  set.routes_ = std::move(*routes);
  for (const Address& a : samples)
    if (Status s = set.Add(a, sources, filter, options); !s.ok()) return Error{s.message()};
  return set;
}

Result<LinkSet> LinkSet::Open(const std::vector<Address>& samples, const std::vector<Address>& sources,
                              const FilterFor& filter, uint64_t answers) {
  LinkOptions options;
  options.ring_bytes = RingBytesFor(answers);
  // One sender per core, up to two: the receive thread needs a core too.
  options.senders = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 2);
  return Open(samples, sources, filter, options);
}

// Every link's ring and senders close side by side (CloseTogether says why).
LinkSet::~LinkSet() {
  std::vector<std::unique_ptr<FrameSource>> rings;
  std::vector<std::unique_ptr<FrameSink>> senders;
  for (RawLink& l : links_) {
    rings.push_back(std::move(l.rx));
    for (auto& t : l.tx) senders.push_back(std::move(t));
  }
  CloseTogether(std::move(rings), std::move(senders));
}

Result<std::optional<LinkSet::Path>> LinkSet::PathTo(const Address& host) {
  auto route = RouteTo(host);
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
