// Turns a policy into one scan: targets checked against the scope, ports
// merged into one -p list.
#include "audit/scan_plan.h"

#include <fmt/format.h>

#include "core/port_spec.h"
#include "core/services.h"

namespace tj {
namespace {

// The ports to scan as "T:lo-hi,..." (the policy's ranges are TCP here).
std::string PortList(const PortSet& ports) {
  std::string out;
  std::vector<uint16_t> v = ports.ToVector();
  for (size_t i = 0; i < v.size();) {
    size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    out += out.empty() ? "T:" : ",";
    out += i == j ? fmt::format("{}", v[i]) : fmt::format("{}-{}", v[i], v[j]);
    i = j + 1;
  }
  return out;
}

void AddRule(const PortRule& r, PortSet* tcp, bool* udp) {
  if (r.proto == Proto::kUdp) {
    *udp = true;
    return;
  }
  tcp->AddRange(r.lo, r.hi);
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
  PortSet tcp;
  const ServiceTable& services = ServiceTable::Builtin();
  for (Group& g : policy->groups) {
    if (g.scan_ports.empty()) {
      for (uint16_t p : services.TopPorts(Proto::kTcp, 1000)) tcp.Add(p);
    } else {
      auto spec = ParsePortSpec(g.scan_ports, services);
      if (!spec) return MakeError(fmt::format("{}:{}: {}", policy->path, g.line, spec.error().message));
      // A spec without T:/U: fills both sets; tojimari scans TCP, so only
      // the policy's own /udp rules count as skipped.
      for (uint16_t p : spec->tcp.ToVector()) tcp.Add(p);
    }
    for (const PortRule& r : g.expected) {
      AddRule(r, &tcp, &plan.udp_skipped);
      plan.service_detection |= !r.service.empty() && r.service != "*";
    }
    for (const PortRule& r : g.forbidden) AddRule(r, &tcp, &plan.udp_skipped);
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
  plan.ports = PortList(tcp);
  return plan;
}

std::vector<std::string> ScanArgs(const ScanPlan& plan, const std::vector<std::string>& extra) {
  std::vector<std::string> args = extra;
  args.push_back("-p");
  args.push_back(plan.ports);
  if (plan.service_detection) args.push_back("-sV");
  args.push_back("--");  // targets from here on, whatever they look like
  args.insert(args.end(), plan.targets.begin(), plan.targets.end());
  return args;
}

}  // namespace tj
