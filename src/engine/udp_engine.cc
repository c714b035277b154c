#include "engine/udp_engine.h"

#include <fmt/format.h>

#include <map>

namespace tj {

UdpEngine::UdpEngine(const UdpOptions& opts, LinkSet links)
    : opts_(opts), links_(std::move(links)), key_(CookieKey::Random()) {
  if (!opts_.payloads) opts_.payloads = &UdpPayloadTable::Builtin();
}

Result<std::unique_ptr<UdpEngine>> UdpEngine::Open(const UdpOptions& opts, const std::vector<Address>& route_samples) {
  // Replies come to any of our lanes' addresses: UDP answers, and ICMP
  // errors (port unreachable among them) quoting our probes.
  auto links = LinkSet::Open(route_samples, opts.sources, [&opts](const RouteInfo& r) {
    std::string hosts;
    for (const Address& s : opts.sources)
      if (s.family() == r.src.family()) hosts += (hosts.empty() ? "" : " or ") + s.ToString();
    if (hosts.empty()) hosts = r.src.ToString();
    return fmt::format("dst host ({}) and (udp or {})", hosts, r.src.is_v4() ? "icmp" : "icmp6");
  }, opts.answers);
  if (!links) return links.error();
  return std::unique_ptr<UdpEngine>(new UdpEngine(opts, std::move(*links)));
}

Result<std::vector<HostOutcome>> UdpEngine::Run(const std::vector<HostJob>& jobs, ResultSink* sink) {
  std::vector<HostOutcome> out(jobs.size());
  struct Batch {
    std::vector<size_t> jobs;
    std::vector<RawHost> hosts;
  };
  std::map<std::pair<size_t, std::vector<uint16_t>>, Batch> batches;
  for (size_t i = 0; i < jobs.size(); ++i) {
    out[i].addr = jobs[i].addr;
    auto path = links_.PathTo(jobs[i].addr);
    if (!path) return path.error();
    if (!*path) {  // no ARP/NDP answer: nothing can be sent to it
      for (uint16_t p : jobs[i].ports) {
        PortResult r;
        r.addr = jobs[i].addr;
        r.port = p;
        r.proto = Proto::kUdp;
        r.state = PortState::kOpenFiltered;
        r.reason = Reason::kNoResponse;
        r.tries = 0;
        out[i].ports.push_back(r);
        if (sink) sink->OnPort(r);
      }
      continue;
    }
    if (jobs[i].ports.empty()) continue;
    Batch& b = batches[{(*path)->link, jobs[i].ports}];
    b.jobs.push_back(i);
    b.hosts.push_back({jobs[i].addr, (*path)->next_hop});
  }
  for (auto& [key, batch] : batches) {
    RawLink& link = links_.links()[key.first];
    UdpRunParams p;
    p.key = &key_;
    p.timing = opts_.timing;
    p.fast = opts_.fast;
    p.payloads = opts_.payloads;
    p.stop = opts_.stop;
    p.probes_sent = opts_.probes_sent;
    for (const Address& s : opts_.sources)
      if (s.family() == link.route.src.family()) p.lanes.push_back(s);
    if (p.lanes.empty()) p.lanes.push_back(link.route.src);
    auto r = RunUdp(link, p, batch.hosts, key.second, sink, &stats_);
    if (!r) return r.error();
    for (size_t k = 0; k < batch.jobs.size(); ++k) out[batch.jobs[k]] = std::move((*r)[k]);
  }
  return out;
}

std::string UdpEngine::Summary() const {
  const UdpStats& s = stats_;
  std::string limit = s.limited_hosts
                          ? fmt::format("; {} host(s) rate-limit ICMP errors: a burst of {}, then {:.1f}/s per source address",
                                        s.limited_hosts, s.icmp_burst, s.icmp_rate)
                          : "";
  return fmt::format("UDP probes: {} sent in {} rounds, {} UDP replies, {} ICMP errors, {} foreign{}", s.sent,
                     s.rounds, s.udp_replies, s.icmp_errors, s.foreign, limit);
}

}  // namespace tj
