#include "discovery/host_discovery.h"

#include <fmt/format.h>

#include <map>
#include <random>

#include "discovery/link_run.h"
#include "net/route_cache.h"

namespace tj {

struct HostDiscovery::Keys {
  RouteCache routes;
  CookieKey cookie = CookieKey::Random();  // TCP probes' sequence numbers, ICMP sequence numbers
};

HostDiscovery::HostDiscovery(const DiscoveryOptions& opts) : opts_(opts) {
  std::random_device rd;
  // Below the raw engine's source ports (40000-59999), so the port scan's
  // replies never look like ours; random so that two scans do not mix.
  sport_base_ = static_cast<uint16_t>(20000 + rd() % 19990);
  icmp_id_ = static_cast<uint16_t>(rd());
}

// Every link's ring and sender close side by side (CloseTogether says why).
HostDiscovery::~HostDiscovery() {
  std::vector<std::unique_ptr<FrameSource>> rings;
  std::vector<std::unique_ptr<FrameSink>> senders;
  for (auto& l : links_) {
    rings.push_back(std::move(l->rx));
    senders.push_back(std::move(l->tx));
  }
  CloseTogether(std::move(rings), std::move(senders));
}

Status HostDiscovery::AddLink(const Address& sample) {
  auto route = LookupRoute(sample);
  if (!route) return route.error();
  if (route->loopback) return Status::Ok();  // the local machine: no packets needed
  for (const auto& l : links_)
    if (l->route.ifindex == route->ifindex && l->route.src.family() == route->src.family()) return Status::Ok();
  auto link = std::make_unique<Link>();
  link->route = *route;
  // Discovery sees a few replies per host: a small ring is plenty.
  auto rx = CaptureRing::Open(route->ifindex, DiscoveryFilter(*route, sport_base_), 4u << 20);
  if (!rx) return rx.error();
  link->rx = std::move(*rx);
  auto tx = PacketSender::Open(route->ifindex);
  if (!tx) return tx.error();
  link->tx = std::move(*tx);
  links_.push_back(std::move(link));
  return Status::Ok();
}

Result<std::unique_ptr<HostDiscovery>> HostDiscovery::Open(const DiscoveryOptions& opts,
                                                           const std::vector<Address>& route_samples) {
  std::unique_ptr<HostDiscovery> d(new HostDiscovery(opts));
  auto routes = RouteCache::Load();
  if (!routes) return routes.error();
  d->keys_ = std::make_unique<Keys>(Keys{std::move(*routes)});
  for (const Address& a : route_samples)
    if (Status s = d->AddLink(a); !s.ok()) return Error{s.message()};
  return d;
}

Result<std::vector<HostVerdict>> HostDiscovery::Run(const std::vector<Address>& hosts) {
  std::vector<HostVerdict> out(hosts.size());
  // Hosts by the link that reaches them.
  std::map<size_t, std::pair<std::vector<LinkTarget>, std::vector<size_t>>> by_link;
  for (size_t i = 0; i < hosts.size(); ++i) {
    auto route = keys_->routes.Lookup(hosts[i]);
    if (!route) return route.error();
    if (route->loopback) {  // this machine: up without a probe, as nmap says
      out[i].up = true;
      out[i].reason = Reason::kLocalhostResponse;
      continue;
    }
    size_t link = links_.size();
    for (size_t l = 0; l < links_.size(); ++l)
      if (links_[l]->route.ifindex == route->ifindex && links_[l]->route.src.family() == route->src.family())
        link = l;
    if (link == links_.size())
      return MakeError(fmt::format("{} is reached through {}, which was not opened when the scan started",
                                   hosts[i].ToString(), route->ifname));
    by_link[link].first.push_back({hosts[i], route->gateway});
    by_link[link].second.push_back(i);
  }
  LinkRunParams p;
  p.opts = &opts_;
  p.key = &keys_->cookie;
  p.sport_base = sport_base_;
  p.icmp_id = icmp_id_;
  for (auto& [link, group] : by_link) {
    auto verdicts = RunOnLink(*links_[link], p, group.first, &stats_);
    for (size_t k = 0; k < verdicts.size(); ++k) out[group.second[k]] = verdicts[k];
  }
  return out;
}

}  // namespace tj
