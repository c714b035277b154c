#include "discovery/host_discovery.h"

#include <fmt/format.h>

#include <map>
#include <random>

#include "discovery/link_run.h"
#include "engine/link_set.h"

namespace tj {

struct HostDiscovery::Net {
  LinkSet links;
  CookieKey cookie = CookieKey::Random();  // TCP probes' sequence numbers, ICMP sequence numbers
};

HostDiscovery::HostDiscovery(const DiscoveryOptions& opts) : opts_(opts) {
  std::random_device rd;
  // Below the raw engine's source ports (40000-59999), so the port scan's
  // replies never look like ours; random so that two scans do not mix.
  sport_base_ = static_cast<uint16_t>(20000 + rd() % 19990);
  icmp_id_ = static_cast<uint16_t>(rd());
}

// The links close side by side with the LinkSet (CloseTogether says why).
HostDiscovery::~HostDiscovery() = default;

Result<std::unique_ptr<HostDiscovery>> HostDiscovery::Open(const DiscoveryOptions& opts,
                                                           const std::vector<Address>& route_samples) {
  std::unique_ptr<HostDiscovery> d(new HostDiscovery(opts));
  LinkSet::LinkOptions lo;
  lo.ring_bytes = 4u << 20;  // discovery sees a few replies per host: a small ring is plenty
  lo.senders = 1;            // probes are few and paced: one sending thread
  lo.skip_loopback = true;   // the local machine: no packets needed
  const uint16_t sport_base = d->sport_base_;
  auto links = LinkSet::Open(route_samples, {}, [sport_base](const RouteInfo& r) {
    return DiscoveryFilter(r, sport_base);
  }, lo);
  if (!links) return links.error();
  d->net_ = std::make_unique<Net>(Net{std::move(*links)});
  return d;
}

Result<std::vector<HostVerdict>> HostDiscovery::Run(const std::vector<Address>& hosts) {
  std::vector<HostVerdict> out(hosts.size());
  // Hosts by the link that reaches them.
  std::map<size_t, std::pair<std::vector<LinkTarget>, std::vector<size_t>>> by_link;
  for (size_t i = 0; i < hosts.size(); ++i) {
    auto route = net_->links.RouteTo(hosts[i]);
    if (!route) return route.error();
    if (route->loopback) {  // this machine: up without a probe, as nmap says
      out[i].up = true;
      out[i].reason = Reason::kLocalhostResponse;
      continue;
    }
    const std::optional<size_t> link = net_->links.Find(*route);
    if (!link)
      return MakeError(fmt::format("{} is reached through {}, which was not opened when the scan started",
                                   hosts[i].ToString(), route->ifname));
    by_link[*link].first.push_back({hosts[i], route->gateway});
    by_link[*link].second.push_back(i);
  }
  LinkRunParams p;
  p.opts = &opts_;
  p.key = &net_->cookie;
  p.sport_base = sport_base_;
  p.icmp_id = icmp_id_;
  for (auto& [link, group] : by_link) {
    auto verdicts = RunOnLink(net_->links.links()[link], p, group.first, &stats_);
    for (size_t k = 0; k < verdicts.size(); ++k) out[group.second[k]] = verdicts[k];
  }
  return out;
}

}  // namespace tj
