#include "engine/scanner.h"

#include <algorithm>

namespace tj {
namespace {

// Without privileges nmap decides a host is up when a connect to 80 or 443
// gets any answer, a RST included; so do we.
const std::vector<uint16_t> kDiscoveryPorts = {80, 443};

void AddTotals(ConnectStats* into, const ConnectStats& s) {
  into->probes_sent += s.probes_sent;
  into->retransmits += s.retransmits;
  into->replies += s.replies;
  into->loss_events += s.loss_events;
}

bool Stopped(const TargetScan& req) {
  return req.connect.stop && req.connect.stop->load(std::memory_order_relaxed);
}

// The ports of a host still to decide: all of them, less those an
// interrupted run already decided.
std::vector<uint16_t> PortsLeft(const TargetScan& req, const Address& host) {
  if (!req.decided) return req.tcp_ports;
  auto it = req.decided->find(host);
  if (it == req.decided->end()) return req.tcp_ports;
  std::vector<bool> done(65536);
  for (uint16_t p : it->second) done[p] = true;
  std::vector<uint16_t> left;
  for (uint16_t p : req.tcp_ports)
    if (!done[p]) left.push_back(p);
  return left;
}

struct DiscoveryResult {
  std::vector<bool> up;
  std::vector<Reason> reason;
  std::vector<std::chrono::microseconds> latency;
  std::vector<MacAddr> mac;
  std::vector<uint8_t> ttl;
};

Result<DiscoveryResult> Discover(const TargetScan& req, const std::vector<Address>& group, ScanTotals* totals) {
  DiscoveryResult d;
  d.up.assign(group.size(), req.skip_discovery);
  d.reason.assign(group.size(), Reason::kUserSet);
  d.latency.assign(group.size(), std::chrono::microseconds(0));
  d.mac.assign(group.size(), MacAddr{});
  d.ttl.assign(group.size(), 0);
  if (req.skip_discovery) return d;
  if (req.discover) {
    auto r = req.discover(group);
    if (!r) return r.error();
    for (size_t i = 0; i < group.size() && i < r->size(); ++i) {
      d.up[i] = (*r)[i].up;
      d.reason[i] = (*r)[i].up_reason;
      d.latency[i] = (*r)[i].latency;
      d.mac[i] = (*r)[i].mac;
      d.ttl[i] = (*r)[i].up_ttl;
    }
    return d;
  }
  std::vector<HostJob> jobs;
  for (const Address& a : group) jobs.push_back({a, kDiscoveryPorts});
  ConnectOptions o = req.connect;
  o.timing.max_retries = std::min(o.timing.max_retries, 1);
  ConnectEngine engine(o);
  auto r = engine.Run(jobs, nullptr);
  if (!r) return r.error();
  AddTotals(&totals->stats, engine.stats());
  for (size_t i = 0; i < group.size(); ++i) {
    d.up[i] = (*r)[i].up;
    d.reason[i] = (*r)[i].up_reason;
    d.latency[i] = (*r)[i].latency;
  }
  return d;
}

// -sn: every live host of the group, with no ports.
Status ReportLive(const std::vector<Address>& group, const std::vector<std::string>& names,
                  const DiscoveryResult& disc, const HostCallback& on_host, ScanTotals* totals) {
  for (size_t i = 0; i < group.size(); ++i) {
    if (!disc.up[i]) continue;
    HostResult h;
    h.addr = group[i];
    h.name = names[i];
    h.reason = disc.reason[i];
    h.latency = disc.latency[i];
    h.mac = disc.mac[i];
    h.reason_ttl = disc.ttl[i];
    ++totals->hosts_up;
    on_host(std::move(h));
  }
  return Status::Ok();
}

Status ScanGroup(const TargetScan& req, const std::vector<Address>& group,
                 const std::vector<std::string>& names, ResultSink* ports, const HostCallback& on_host,
                 ScanTotals* totals) {
  auto disc = Discover(req, group, totals);
  if (!disc) return disc.error();
  if (req.discovery_only) return ReportLive(group, names, *disc, on_host, totals);
  std::vector<HostJob> jobs, udp_jobs;
  std::vector<size_t> index;
  for (size_t i = 0; i < group.size(); ++i) {
    if (!disc->up[i]) continue;
    if (req.finished && req.finished->count(group[i])) continue;  // reported whole by the resumed run
    auto left = PortsLeft(req, group[i]);
    if (left.empty() && req.udp_ports.empty() && req.decided) continue;  // a resumed scan had decided all
    jobs.push_back({group[i], std::move(left)});
    if (!req.udp_ports.empty()) udp_jobs.push_back({group[i], req.udp_ports});
    index.push_back(i);
  }
  if (jobs.empty() || Stopped(req)) return Status::Ok();
  std::vector<HostOutcome> outcomes;
  // TCP first, then UDP: each engine's results are appended per host, and
  // hosts keep their ports sorted by (protocol, port).
  // Results are moved, never copied: a /16 holds a few hundred thousand.
  bool first = true;
  auto merge = [&](const PortScanner& scan, const std::vector<HostJob>& js) -> Status {
    if (!scan || Stopped(req)) return Status::Ok();
    auto r = scan(js, ports);
    if (!r) return r.error();
    if (first) {
      outcomes = std::move(*r);
      first = false;
      return Status::Ok();
    }
    for (size_t j = 0; j < js.size(); ++j) {
      HostOutcome& into = outcomes[j];
      HostOutcome& o = (*r)[j];
      if (o.up && !into.up) into.up = true, into.up_reason = o.up_reason;
      into.timed_out |= o.timed_out;
      for (HostNote& n : o.notes) into.notes.push_back(std::move(n));
      if (!into.latency.count()) into.latency = o.latency;
      into.ports.insert(into.ports.end(), std::make_move_iterator(o.ports.begin()),
                        std::make_move_iterator(o.ports.end()));
    }
    return Status::Ok();
  };
  if (!req.tcp_ports.empty() || req.decided)
    if (Status s = merge(req.scan, jobs); !s.ok()) return s;
  if (!req.udp_ports.empty())
    if (Status s = merge(req.udp_scan, udp_jobs); !s.ok()) return s;
  if (outcomes.size() != jobs.size()) return Status::Ok();  // stopped before any engine ran
  for (size_t j = 0; j < jobs.size(); ++j) {
    HostOutcome& o = outcomes[j];
    size_t i = index[j];
    if (Stopped(req) && o.ports.empty()) continue;  // interrupted before any of its ports was decided
    HostResult h;
    h.addr = o.addr;
    h.name = names[i];
    h.status = o.timed_out ? HostStatus::kTimedOut : HostStatus::kUp;
    h.reason = req.skip_discovery ? Reason::kUserSet : disc->reason[i];
    h.latency = o.latency.count() ? o.latency : disc->latency[i];
    h.mac = disc->mac[i];
    h.reason_ttl = disc->ttl[i];
    h.ports = std::move(o.ports);
    h.notes = std::move(o.notes);
    ++totals->hosts_up;
    on_host(std::move(h));
  }
  return Status::Ok();
}

}  // namespace

Result<ScanTotals> ScanTargets(const TargetScan& req, ResultSink* ports, const HostCallback& on_host) {
  ScanTotals totals;
  const TargetList& targets = *req.targets;
  const size_t per_host = std::max<size_t>(1, req.tcp_ports.size() + req.udp_ports.size());
  const size_t group_size = std::clamp<size_t>(req.probes_per_group / per_host, 1, req.max_group_hosts);
  std::vector<Address> group;
  std::vector<std::string> names;
  uint64_t group_start = req.start_index;
  auto flush = [&](uint64_t next) -> Status {
    Status s = ScanGroup(req, group, names, ports, on_host, &totals);
    group.clear();
    names.clear();
    if (!Stopped(req)) group_start = next;
    return s;
  };
  uint64_t i = req.start_index;
  for (; i < targets.size(); ++i) {
    if (Stopped(req)) break;
    switch (targets.WhySkipped(i)) {
      case TargetList::Skip::kReserved: ++totals.skipped_reserved; continue;
      case TargetList::Skip::kExcluded: ++totals.excluded; continue;
      case TargetList::Skip::kNone: break;
    }
    ++totals.hosts_total;
    group.push_back(*targets.Get(i));
    names.push_back(targets.NameOf(i));
    if (group.size() >= group_size) {
      Status s = flush(i + 1);
      if (!s.ok()) return Error{s.message()};
    }
  }
  if (!group.empty()) {
    Status s = flush(i);
    if (!s.ok()) return Error{s.message()};
  }
  totals.interrupted = Stopped(req);
  totals.resume_index = totals.interrupted ? group_start : targets.size();
  return totals;
}

}  // namespace tj
