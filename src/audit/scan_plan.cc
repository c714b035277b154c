// Turns a policy into one scan: targets checked against the scope, ports
// merged into one -p list.
#include "audit/scan_plan.h"

#include <fmt/format.h>

#include "core/port_spec.h"
#include "core/services.h"

namespace tj {
namespace {

void AddRule(const PortRule& r, ScanPlan* plan) { (r.proto == Proto::kUdp ? plan->udp : plan->tcp).AddRange(r.lo, r.hi); }

// A group's scan spec. Items before any T:/U: are TCP here (the scan would
// probe them over UDP as well, which is slow): a policy that wants UDP ports
// scanned says U:.
Status AddScanSpec(const Group& g, const Policy& p, ScanPlan* plan) {
  std::string_view text = g.scan_ports;
  bool prefixed = text.starts_with("T:") || text.starts_with("U:");
  auto spec = ParsePortSpec(prefixed ? g.scan_ports : "T:" + g.scan_ports, ServiceTable::Builtin());
  if (!spec) return MakeError(fmt::format("{}:{}: {}", p.path, g.line, spec.error().message));
  for (uint16_t port : spec->tcp.ToVector()) plan->tcp.Add(port);
  for (uint16_t port : spec->udp.ToVector()) plan->udp.Add(port);
  return Status::Ok();
}

Status ResolveEntry(HostEntry* e, const Policy& p, FamilyChoice family, const Resolver& resolve) {
  auto addrs = resolve(e->text, family);
  if (!addrs) return MakeError(fmt::format("{}:{}: host \"{}\": {}", p.path, e->line, e->text, addrs.error().message));
  if (addrs->empty()) return MakeError(fmt::format("{}:{}: host \"{}\" has no address", p.path, e->line, e->text));
  for (const Address& a : *addrs) {
    if (!InScope(a, p.scope))
      return MakeError(fmt::format("{}:{}: host \"{}\" resolves to {}, outside the scope ({})", p.path, e->line,
                                   e->text, a.ToString(), ScopeText(p.scope)));
    e->ranges.push_back(TargetRange::Single(a, e->text));
  }
  return Status::Ok();
}

}  // namespace

Result<ScanPlan> PlanScan(Policy* policy, FamilyChoice family, const Resolver& resolve) {
  ScanPlan plan;
  const ServiceTable& services = ServiceTable::Builtin();
  for (Group& g : policy->groups) {
    if (g.scan_ports.empty()) {
      for (uint16_t p : services.TopPorts(Proto::kTcp, 1000)) plan.tcp.Add(p);
    } else if (Status s = AddScanSpec(g, *policy, &plan); !s) {
      return Error{s.message()};
    }
    for (const PortRule& r : g.expected) {
      AddRule(r, &plan);
      plan.service_detection |= !r.service.empty() && r.service != "*";
    }
    for (const PortRule& r : g.forbidden) AddRule(r, &plan);
    for (HostEntry& e : g.hosts) {
      if (e.is_name) {
        if (Status s = ResolveEntry(&e, *policy, family, resolve); !s) return Error{s.message()};
        for (const TargetRange& r : e.ranges) plan.targets.push_back(r.At(0).ToString());
        continue;
      }
      // Checked when the policy was read; checked again here because this
      // is the last step before packets leave.
      std::string why;
      if (!InScope(e, policy->scope, &why))
        return MakeError(fmt::format("{}:{}: host \"{}\" is outside the scope ({}){}", policy->path, e.line, e.text,
                                     ScopeText(policy->scope), why));
      plan.targets.push_back(e.text);
    }
  }
  // A name and its address, or one host in two groups, is scanned once.
  std::vector<std::string> unique;
  for (std::string& t : plan.targets)
    if (std::find(unique.begin(), unique.end(), t) == unique.end()) unique.push_back(std::move(t));
  plan.targets = std::move(unique);
  if (plan.targets.empty()) return MakeError(fmt::format("{}: the policy names no hosts to scan", policy->path));
  return plan;
}

ScanRequest PlanRequest(const ScanPlan& plan, ScanRequest base, bool udp) {
  ScanRequest r = std::move(base);
  r.ports = PortSpec{plan.tcp, {}};
  r.ports_text.clear();
  r.top_ports = 0;
  if (udp && !plan.udp.empty()) {
    r.ports->udp = plan.udp;
    r.udp_scan = true;
    // -sU alone scans UDP only: the TCP ports need a technique beside it.
    if (!r.technique) r.technique = Technique::kSyn;
  }
  // The policy's scope (checked above) declares what may be scanned: that
  // is the confirmation a large scan otherwise asks for.
  r.i_know = true;
  if (plan.service_detection) r.version_detect = true;
  r.targets = plan.targets;
  return r;
}

}  // namespace tj
