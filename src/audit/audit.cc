// The audit: per scanned host, the rules of every group that names it are
// checked against the ports the scan saw; then exceptions (exceptions.h)
// suppress what they cover until they expire.
#include "audit/audit.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "audit/exceptions.h"
#include "core/port_spec.h"
#include "core/services.h"

namespace tj {
namespace {

using Clock = std::chrono::system_clock;

// A rule of a group that names the host.
struct HostRule {
  const Group* group;
  const PortRule* rule;
};

// What the audit knows about one scanned host.
struct HostView {
  const HostResult* host;
  std::vector<const Group*> groups;
  std::map<std::pair<Proto, uint16_t>, const PortResult*> ports;
  std::vector<HostRule> expected, forbidden;
};

Severity Raise(Severity s) { return s == Severity::kCritical ? s : static_cast<Severity>(static_cast<int>(s) + 1); }

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// The name a report shows: "ssl/http" for HTTP inside TLS, as nmap does.
std::string SeenService(const PortResult& p, bool* probed) {
  *probed = false;
  if (!p.service->method.empty()) {
    *probed = p.service->method == "probed";
    if (p.service->tunnel == "ssl" && !p.service->name.empty()) return "ssl/" + p.service->name;
    return p.service->name;
  }
  return std::string(ServiceTable::Builtin().Name(p.proto, p.port));
}

// "ssh" matches ssh; "https" matches https and HTTP inside TLS; "ssl/http"
// matches as written; "" and "*" match anything.
bool ServiceMatches(std::string_view expected, const ServiceInfo& seen) {
  if (expected.empty() || expected == "*") return true;
  if (SameName(expected, seen.name)) return true;
  bool tls = seen.tunnel == "ssl";
  if (tls && SameName(expected, "ssl/" + seen.name)) return true;
  if (tls && SameName(seen.name, "http") && SameName(expected, "https")) return true;
  return false;
}

class Auditor {
 public:
  Auditor(const ScanRecord& scan, const Policy& policy, Clock::time_point now, const RiskBase& risks)
      : scan_(scan), policy_(policy), now_(now), risks_(risks) {
    // The port lists are plain ranges ("1-1000,8080"); each holds one protocol.
    if (!scan.info.tcp_services.empty()) {
      auto spec = ParsePortSpec(scan.info.tcp_services, ServiceTable::Builtin());
      if (spec) scanned_tcp_ = spec->tcp, scanned_known_ = true;
    }
    if (!scan.info.udp_services.empty()) {
      auto spec = ParsePortSpec(scan.info.udp_services, ServiceTable::Builtin());
      if (spec) scanned_udp_ = spec->tcp;
    }
  }

  AuditReport Run() {
    report_.policy_name = policy_.name;
    report_.policy_path = policy_.path;
    report_.scanner = scan_.scanner;
    report_.scan_args = scan_.info.args;
    report_.scan_start = scan_.info.start;
    report_.audited_at = now_;
    std::set<Address> seen;
    for (const HostResult& h : scan_.hosts) {
      // Overlapping host entries (a network and an address in it) can make
      // a scan report a host twice; it is audited once.
      if (!seen.insert(h.addr).second) continue;
      HostView v = View(h);
      if (v.groups.empty()) {
        ++report_.hosts_outside;
        continue;
      }
      ++report_.hosts_audited;
      CheckHost(v);
    }
    ApplyExceptions(policy_, now_, risks_, &report_.findings);
    Sort();
    BuildChecks();
    return std::move(report_);
  }

 private:
  HostView View(const HostResult& h) const {
    HostView v{&h, {}, {}, {}, {}};
    for (const Group& g : policy_.groups) {
      bool named = std::any_of(g.hosts.begin(), g.hosts.end(),
                               [&](const HostEntry& e) { return e.Matches(h.addr, h.name); });
      if (!named) continue;
      v.groups.push_back(&g);
      for (const PortRule& r : g.expected) v.expected.push_back({&g, &r});
      for (const PortRule& r : g.forbidden) v.forbidden.push_back({&g, &r});
    }
    for (const PortResult& p : h.ports) v.ports[{p.proto, p.port}] = &p;
    return v;
  }

  // Whether the scan probed this port (a port it reports, or one inside
  // the scanned port list of a TCP scan).
  bool Covered(const HostView& v, Proto proto, uint16_t port) const {
    if (v.ports.count({proto, port})) return true;
    // A scan without UDP has no UDP list: its UDP ports were not scanned.
    if (proto == Proto::kUdp) return scanned_udp_.Contains(port);
    return !scanned_known_ || scanned_tcp_.Contains(port);
  }

  Finding Base(const HostView& v, FindingKind kind, Proto proto, uint16_t port) const {
    Finding f;
    f.kind = kind;
    f.host = v.host->addr.ToString();
    f.host_name = v.host->name;
    f.proto = proto;
    f.port = port;
    return f;
  }

  void SetRule(Finding* f, const HostRule& hr, std::string_view list) const {
    f->group = hr.group->name;
    f->rule = fmt::format("groups.{}.{} {}", hr.group->name, list, hr.rule->ToString());
    f->rule_line = hr.rule->line;
  }

  void CheckHost(const HostView& v) {
    for (const HostRule& hr : v.expected) CheckExpected(v, hr);
    if (v.host->status != HostStatus::kUp) return;
    for (const auto& [key, p] : v.ports)
      if (p->state == PortState::kOpen && !Unverified(p->reason)) CheckOpen(v, *p);
    Defended(v, FindingKind::kUndecided, [](const PortResult& p) { return Undecided(p.reason); });
    Defended(v, FindingKind::kUnverifiedOpen,
             [](const PortResult& p) { return p.state == PortState::kOpen && Unverified(p.reason); });
    for (const HostRule& hr : v.forbidden) {
      const PortRule& r = *hr.rule;
      if (r.lo == r.hi && !Covered(v, r.proto, r.lo)) NotScanned(v, hr, "forbidden");
    }
  }

  // One finding for the ports of a host whose answers its defences made
  // worthless (undecided) or doubtful (unverified), naming the policy's
  // ports among them: those are the ones the audit could not judge.
  template <typename Pred>
  void Defended(const HostView& v, FindingKind kind, Pred pred) {
    std::vector<uint16_t> ports;
    std::vector<std::string> named;
    for (const auto& [key, p] : v.ports) {
      if (!pred(*p)) continue;
      if (p->proto == Proto::kTcp) ports.push_back(p->port);
      auto in = [&](const HostRule& hr) { return hr.rule->Contains(p->proto, p->port); };
      if (std::any_of(v.expected.begin(), v.expected.end(), in))
        named.push_back(fmt::format("expected {}/{}", p->port, ProtoName(p->proto)));
      if (std::any_of(v.forbidden.begin(), v.forbidden.end(), in))
        named.push_back(fmt::format("forbidden {}/{}", p->port, ProtoName(p->proto)));
    }
    if (ports.empty()) return;
    Finding f = Base(v, kind, Proto::kTcp, 0);
    f.has_port = false;
    risks_.Get(FindingKindName(kind)).FillIn(&f);
    f.group = v.groups.front()->name;
    f.rule = fmt::format("groups.{}", f.group);
    f.rule_line = v.groups.front()->line;
    std::string why;
    for (const HostNote& n : v.host->notes) why += (why.empty() ? "" : "; ") + n.text;
    f.state = kind == FindingKind::kUndecided ? "undecided" : "open (unverified)";
    f.detail = fmt::format("{} {} on {}{}{}{}", ports.size(),
                           kind == FindingKind::kUndecided ? "TCP ports undecided" : "TCP ports open but unverified",
                           f.host, named.empty() ? "" : fmt::format(", among them the policy's {}", fmt::join(named, ", ")),
                           why.empty() ? "" : ": ", why);
    Add(std::move(f));
  }

  void NotScanned(const HostView& v, const HostRule& hr, std::string_view list) {
    Finding f = Base(v, FindingKind::kNotScanned, hr.rule->proto, hr.rule->lo);
    risks_.Get("not-scanned").FillIn(&f);
    SetRule(&f, hr, list);
    f.state = "not scanned";
    f.detail = fmt::format("{} is {} for {} by group \"{}\", but the scan did not probe it", f.PortText(),
                           list == "expected" ? "expected open" : "forbidden", f.host, hr.group->name);
    Add(std::move(f));
  }

  void CheckExpected(const HostView& v, const HostRule& hr) {
    const PortRule& r = *hr.rule;
    auto it = v.ports.find({r.proto, r.lo});
    std::string state;
    if (v.host->status != HostStatus::kUp) {
      state = "host down";
    } else if (it != v.ports.end()) {
      // Undecided or unverified: the host's own finding says so (Defended).
      if (Undecided(it->second->reason) || Unverified(it->second->reason)) return;
      if (it->second->state == PortState::kOpen) return CheckService(v, hr, *it->second);
      state = std::string(StateName(it->second->state));
    } else if (Covered(v, r.proto, r.lo)) {
      state = "not open";  // a scan that folds closed ports does not list them
    } else {
      return NotScanned(v, hr, "expected");
    }
    Finding f = Base(v, FindingKind::kExpectedMissing, r.proto, r.lo);
    risks_.Get("expected-missing").FillIn(&f);
    SetRule(&f, hr, "expected");
    f.state = state;
    f.expected_service = r.service;
    f.detail = fmt::format("{} on {} should be open (group \"{}\") but is {}", f.PortText(), f.host,
                           hr.group->name, state);
    Add(std::move(f));
  }

  void CheckService(const HostView& v, const HostRule& hr, const PortResult& p) {
    const PortRule& r = *hr.rule;
    // Without -sV the scan cannot say which service runs; the port's
    // usual name proves nothing, so only a -sV answer can mismatch.
    if (r.service.empty() || p.service->method.empty()) return;
    if (ServiceMatches(r.service, *p.service)) return;
    Finding f = Base(v, FindingKind::kServiceMismatch, r.proto, r.lo);
    risks_.Get("service-mismatch").FillIn(&f);
    SetRule(&f, hr, "expected");
    Describe(&f, p);
    f.expected_service = r.service;
    f.detail = fmt::format("{} on {} should run {} (group \"{}\"), -sV found {}", f.PortText(), f.host, r.service,
                           hr.group->name, f.service.empty() ? "no known service" : f.service);
    Add(std::move(f));
  }

  void Describe(Finding* f, const PortResult& p) const {
    f->state = std::string(StateName(p.state));
    f->service = SeenService(p, &f->service_probed);
    f->product = fmt::format("{}{}{}", p.service->product, p.service->version.empty() ? "" : " ",
                                            p.service->version);
  }

  void CheckOpen(const HostView& v, const PortResult& p) {
    CheckCert(v, p);
    auto in = [&](const HostRule& hr) { return hr.rule->Contains(p.proto, p.port); };
    auto forbidden = std::find_if(v.forbidden.begin(), v.forbidden.end(), in);
    bool expected = std::any_of(v.expected.begin(), v.expected.end(), in);
    if (forbidden == v.forbidden.end() && expected) return;
    bool probed = false;
    std::string service = SeenService(p, &probed);
    const Risk& risk = risks_.ForPort(p.proto, p.port, probed ? service : "");
    Finding f = Base(v, forbidden != v.forbidden.end() ? FindingKind::kForbiddenOpen : FindingKind::kUnexpectedOpen,
                     p.proto, p.port);
    risk.FillIn(&f);
    Describe(&f, p);
    if (f.kind == FindingKind::kForbiddenOpen) {
      // The policy singled this port out: worse than the same port merely unplanned.
      f.severity = std::max(Severity::kHigh, Raise(risk.severity));
      SetRule(&f, *forbidden, "forbidden");
      f.detail = fmt::format("{} is open on {}; group \"{}\" says it must never be open", f.PortText(), f.host,
                             forbidden->group->name);
    } else {
      f.group = v.groups.front()->name;
      f.rule = fmt::format("groups.{}", f.group);
      f.rule_line = v.groups.front()->line;
      f.detail = fmt::format("{} is open on {}, and no group of the host (\"{}\") expects it", f.PortText(), f.host,
                             f.group);
    }
    Add(std::move(f));
  }

  void CheckCert(const HostView& v, const PortResult& p) {
    if (!p.service->has_cert) return;
    const CertInfo& c = p.service->cert;
    auto add = [&](std::string_view id, const std::string& detail) {
      Finding f = Base(v, FindingKind::kCertProblem, p.proto, p.port);
      risks_.Get(id).FillIn(&f);
      Describe(&f, p);
      f.group = v.groups.front()->name;
      f.rule = fmt::format("groups.{}", f.group);
      f.rule_line = v.groups.front()->line;
      f.detail = detail;
      Add(std::move(f));
    };
    std::string where = fmt::format("{}/{} on {} ({})", p.port, ProtoName(p.proto), v.host->addr.ToString(),
                                    c.subject.empty() ? "no subject" : c.subject);
    if (c.expired) add("cert-expired", fmt::format("{}: the certificate expired {}", where, c.not_after));
    else if (c.expires_soon) add("cert-expires-soon", fmt::format("{}: the certificate expires {}", where, c.not_after));
    if (c.not_yet_valid) add("cert-not-yet-valid", fmt::format("{}: valid only from {}", where, c.not_before));
    if (c.self_signed) add("cert-self-signed", fmt::format("{}: self-signed (issuer {})", where, c.issuer));
  }

  void Add(Finding f) { report_.findings.push_back(std::move(f)); }

  void Sort() {
    auto host_key = [](const Finding& f) {
      auto a = Address::Parse(f.host);
      return std::make_pair(!a.has_value(), a.value_or(Address{}));
    };
    std::stable_sort(report_.findings.begin(), report_.findings.end(), [&](const Finding& a, const Finding& b) {
      if (a.severity != b.severity) return a.severity > b.severity;
      auto ha = host_key(a), hb = host_key(b);
      if (ha != hb) return ha < hb;
      if (a.host != b.host) return a.host < b.host;
      return std::make_pair(a.proto, a.port) < std::make_pair(b.proto, b.port);
    });
  }

  // One check per expected and forbidden rule, one per group for ports
  // nobody expects, one per exception: JUnit's test cases.
  void BuildChecks() {
    auto failures = [&](auto pred) {
      std::vector<size_t> out;
      for (size_t i = 0; i < report_.findings.size(); ++i)
        if (report_.findings[i].Counts() && pred(report_.findings[i])) out.push_back(i);
      return out;
    };
    for (const Group& g : policy_.groups) {
      for (const PortRule& r : g.expected) {
        std::string name = fmt::format("{} expected open{}", r.ToString(),
                                       r.service.empty() ? "" : fmt::format(" ({})", r.service));
        report_.checks.push_back({g.name, name, r.line, failures([&](const Finding& f) {
                                    return f.rule == fmt::format("groups.{}.expected {}", g.name, r.ToString()) &&
                                           (f.kind == FindingKind::kExpectedMissing ||
                                            f.kind == FindingKind::kServiceMismatch);
                                  })});
      }
      for (const PortRule& r : g.forbidden)
        report_.checks.push_back({g.name, r.ToString() + " never open", r.line, failures([&](const Finding& f) {
                                    return f.kind == FindingKind::kForbiddenOpen &&
                                           f.rule == fmt::format("groups.{}.forbidden {}", g.name, r.ToString());
                                  })});
      report_.checks.push_back({g.name, "no unexpected open ports", g.line, failures([&](const Finding& f) {
                                  return f.group == g.name && (f.kind == FindingKind::kUnexpectedOpen ||
                                                               f.kind == FindingKind::kCertProblem);
                                })});
    }
    for (const Exception& e : policy_.exceptions)
      report_.checks.push_back(
          {"", fmt::format("exception for {} on {} not expired", e.port.ToString(), e.host.empty() ? e.group : e.host),
           e.line, failures([&](const Finding& f) {
             return f.kind == FindingKind::kExpiredException && f.rule_line == e.line;
           })});
  }

  const ScanRecord& scan_;
  const Policy& policy_;
  Clock::time_point now_;
  const RiskBase& risks_;
  PortSet scanned_tcp_, scanned_udp_;
  bool scanned_known_ = false;  // the TCP list is known (empty: assume every port listed was scanned)
  AuditReport report_;
};

}  // namespace

size_t AuditReport::CountedFindings() const {
  return static_cast<size_t>(std::count_if(findings.begin(), findings.end(), [](const Finding& f) { return f.Counts(); }));
}

size_t AuditReport::Count(Severity s) const {
  return static_cast<size_t>(
      std::count_if(findings.begin(), findings.end(), [&](const Finding& f) { return f.Counts() && f.severity == s; }));
}

AuditReport Audit(const ScanRecord& scan, const Policy& policy, Clock::time_point now, const RiskBase& risks) {
  return Auditor(scan, policy, now, risks).Run();
}

int AuditExitCode(const AuditReport& report) { return report.CountedFindings() > 0 ? 1 : 0; }

}  // namespace tj
