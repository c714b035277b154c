#include "engine/raw_engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <random>
#include <thread>

namespace tj {

RateBounds RawRateBounds(const Timing& t) {
  RateBounds b{50'000, 100, 1'000'000};
  if (t.scan_delay.count() > 0) {  // -T0..-T2: one probe per delay
    double r = 1e6 / static_cast<double>(t.scan_delay.count());
    b = {r, r, r};
  } else if (t.max_retries <= 2) {  // -T5
    b.initial = 300'000;
  } else if (t.max_rtt_timeout.count() <= 1'250'000) {  // -T4
    b.initial = 100'000;
  }
  if (t.max_rate > 0) {
    b.ceiling = t.max_rate;
    b.floor = std::min(b.floor, t.max_rate);  // the default floor must not override --max-rate
  }
  if (t.min_rate > 0) b.floor = t.min_rate;
  b.ceiling = std::max(b.ceiling, b.floor);
  b.initial = std::clamp(b.initial, b.floor, b.ceiling);
  return b;
}

namespace {
RateController MakeRate(const Timing& t) {
  RateBounds b = RawRateBounds(t);
  return RateController(b.initial, b.floor, b.ceiling);
}
}  // namespace

RawEngine::RawEngine(const RawOptions& opts, std::unique_ptr<TcpProbe> probe, LinkSet links)
    : opts_(opts), probe_(std::move(probe)), key_(CookieKey::Random()), rate_(MakeRate(opts.timing)),
      links_(std::move(links)) {
  if (!opts_.seed) opts_.seed = std::random_device{}() | uint64_t{std::random_device{}()} << 32;
  // Source ports in the upper ephemeral range, one per pass; a random base
  // keeps two concurrent scans from reading each other's replies as foreign.
  sport_base_ = static_cast<uint16_t>(40000 + std::random_device{}() % 20000);
}

Result<std::unique_ptr<RawEngine>> RawEngine::Open(const RawOptions& opts, std::unique_ptr<TcpProbe> probe,
                                                   const std::vector<Address>& route_samples) {
  auto links = LinkSet::Open(route_samples, opts.sources, [](const RouteInfo& r) {
    const std::string src = r.src.ToString();
    return r.src.is_v4() ? fmt::format("dst host {} and (tcp or icmp)", src)
                         : fmt::format("dst host {} and (tcp or icmp6)", src);
  }, opts.answers);
  if (!links) return links.error();
  return std::unique_ptr<RawEngine>(new RawEngine(opts, std::move(probe), std::move(*links)));
}

Result<std::vector<HostOutcome>> RawEngine::Run(const std::vector<HostJob>& jobs, ResultSink* sink) {
  std::vector<HostOutcome> out(jobs.size());
  // Group hosts by the link that reaches them; a host whose next hop does
  // not answer ARP/NDP cannot be probed at all and stays silent.
  // Hosts are run together when they share a link and a port list (they
  // differ only when a resumed scan has already decided some ports).
  struct Batch {
    std::vector<size_t> jobs;
    std::vector<RawHost> hosts;
  };
  std::map<std::pair<size_t, std::vector<uint16_t>>, Batch> batches;
  std::vector<size_t> unreachable;
  for (size_t i = 0; i < jobs.size(); ++i) {
    out[i].addr = jobs[i].addr;
    auto path = links_.PathTo(jobs[i].addr);
    if (!path) return path.error();
    if (!*path) {
      unreachable.push_back(i);
      continue;
    }
    if (jobs[i].ports.empty()) continue;
    Batch& b = batches[{(*path)->link, jobs[i].ports}];
    b.jobs.push_back(i);
    b.hosts.push_back({jobs[i].addr, (*path)->next_hop});
  }
  for (size_t i : unreachable) {
    Verdict v = probe_->OnSilence();
    for (uint16_t p : jobs[i].ports) {
      PortResult r;
      r.addr = jobs[i].addr;
      r.port = p;
      r.state = v.state;
      r.reason = v.reason;
      r.tries = 0;
      out[i].ports.push_back(r);
      if (sink) sink->OnPort(r);
    }
  }
  for (auto& [key, batch] : batches) {
    RawRunParams p;
    p.probe = probe_.get();
    p.key = &key_;
    p.timing = opts_.timing;
    p.seed = opts_.seed;
    p.shard = opts_.shard;
    p.sport_base = sport_base_;
    p.stop = opts_.stop;
    p.rate = &rate_;
    p.probes_sent = opts_.probes_sent;
    p.defeat_rst_limit = opts_.defeat_rst_limit;
    p.notice = opts_.notice;
    auto r = RunRaw(links_.links()[key.first], p, batch.hosts, key.second, sink, &stats_);
    if (!r) return r.error();
    for (size_t k = 0; k < batch.jobs.size(); ++k) out[batch.jobs[k]] = std::move((*r)[k]);
  }
  return out;
}

}  // namespace tj
