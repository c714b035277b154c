#include "history/diff.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace tj {
namespace {

using PortKey = std::pair<Proto, uint16_t>;

bool IsUp(const HostResult& h) { return h.status != HostStatus::kDown; }
bool IsOpen(const std::optional<PortResult>& p) { return p && p->state == PortState::kOpen; }
bool Detected(const PortResult& p) { return p.service.has_value() && !p.service->method.empty(); }

bool ServiceDiffers(const ServiceInfo& a, const ServiceInfo& b) {
  return std::tie(a.name, a.product, a.version, a.extrainfo, a.tunnel) !=
         std::tie(b.name, b.product, b.version, b.extrainfo, b.tunnel);
}

bool CertDiffers(const ServiceInfo& a, const ServiceInfo& b) {
  if (a.has_cert != b.has_cert) return true;
  if (!a.has_cert) return false;
  if (!a.cert.sha256.empty() && !b.cert.sha256.empty()) return a.cert.sha256 != b.cert.sha256;
  return std::tie(a.cert.subject, a.cert.issuer, a.cert.not_after) !=
         std::tie(b.cert.subject, b.cert.issuer, b.cert.not_after);
}

std::map<PortKey, const PortResult*> ByPort(const HostResult* h) {
  std::map<PortKey, const PortResult*> m;
  if (h)
    for (const auto& p : h->ports) m[{p.proto, p.port}] = &p;
  return m;
}

// One port's change, or nullopt when nothing a user would care about changed.
std::optional<PortChange> ComparePort(PortKey key, const PortResult* a, const PortResult* b) {
  // A port the host's defences left undecided or unverified (a ban, a RST
  // limit, a SYN proxy: the host's note says) is not a change of the
  // network; the host's notes are.
  auto doubtful = [](const PortResult* p) { return p && (Undecided(p->reason) || Unverified(p->reason)); };
  if (doubtful(a) || doubtful(b)) return std::nullopt;
  PortChange c;
  c.proto = key.first;
  c.port = key.second;
  if (a) c.before = *a;
  if (b) c.after = *b;
  const bool was_open = IsOpen(c.before), is_open = IsOpen(c.after);
  if (!was_open && is_open) {
    c.kind = PortChangeKind::kOpened;
    return c;
  }
  if (was_open && !is_open) {
    c.kind = PortChangeKind::kClosed;
    return c;
  }
  if (!a || !b) return std::nullopt;  // reported by one scan only, and not open there
  if (a->state != b->state) {
    c.kind = PortChangeKind::kState;
    return c;
  }
  if (!is_open || !Detected(*a) || !Detected(*b)) return std::nullopt;
  c.service_changed = ServiceDiffers(*a->service, *b->service);
  c.cert_changed = CertDiffers(*a->service, *b->service);
  if (!c.service_changed && !c.cert_changed) return std::nullopt;
  c.kind = c.service_changed ? PortChangeKind::kService : PortChangeKind::kCert;
  return c;
}

HostChange CompareHost(const HostResult* a, const HostResult* b) {
  HostChange hc;
  const HostResult* any = b ? b : a;
  hc.addr = any->addr;
  hc.name = b && !b->name.empty() ? b->name : a ? a->name : "";
  const bool up_a = a && IsUp(*a), up_b = b && IsUp(*b);
  hc.kind = up_a && up_b ? HostChangeKind::kChanged
            : up_b       ? HostChangeKind::kAppeared
                         : HostChangeKind::kVanished;
  // A host that is gone has no ports to compare with: what it had open is
  // listed (and the same for a new host's open ports).
  auto pa = ByPort(up_a ? a : nullptr), pb = ByPort(up_b ? b : nullptr);
  std::map<PortKey, std::pair<const PortResult*, const PortResult*>> all;
  for (auto& [k, p] : pa) all[k].first = p;
  for (auto& [k, p] : pb) all[k].second = p;
  for (auto& [k, ab] : all)
    if (auto c = ComparePort(k, ab.first, ab.second)) hc.ports.push_back(std::move(*c));
  return hc;
}

void Count(const HostChange& h, DiffCounts* n) {
  n->hosts_appeared += h.kind == HostChangeKind::kAppeared;
  n->hosts_vanished += h.kind == HostChangeKind::kVanished;
  for (const auto& p : h.ports) {
    n->ports_opened += p.kind == PortChangeKind::kOpened;
    n->ports_closed += p.kind == PortChangeKind::kClosed;
    n->state_changes += p.kind == PortChangeKind::kState;
    n->service_changes += p.service_changed;
    n->cert_changes += p.cert_changed;
  }
}

}  // namespace

ScanDiff DiffScans(const ScanRecord& before, const ScanRecord& after) {
  std::map<Address, std::pair<const HostResult*, const HostResult*>> hosts;
  for (const auto& h : before.hosts) hosts[h.addr].first = &h;
  for (const auto& h : after.hosts) hosts[h.addr].second = &h;
  ScanDiff d;
  for (auto& [addr, ab] : hosts) {
    auto [a, b] = ab;
    const bool up_a = a && IsUp(*a), up_b = b && IsUp(*b);
    if (!up_a && !up_b) continue;  // down (or unknown) in both: nothing to say
    HostChange hc = CompareHost(a, b);
    if (hc.kind == HostChangeKind::kChanged && hc.ports.empty()) continue;
    Count(hc, &d.counts);
    d.hosts.push_back(std::move(hc));
  }
  return d;
}

std::string_view PortChangeName(PortChangeKind k) {
  switch (k) {
    case PortChangeKind::kOpened:
      return "opened";
    case PortChangeKind::kClosed:
      return "closed";
    case PortChangeKind::kState:
      return "state";
    case PortChangeKind::kService:
      return "service";
    case PortChangeKind::kCert:
      return "cert";
  }
  return "?";
}

std::string_view HostChangeName(HostChangeKind k) {
  switch (k) {
    case HostChangeKind::kAppeared:
      return "appeared";
    case HostChangeKind::kVanished:
      return "vanished";
    case HostChangeKind::kChanged:
      return "changed";
  }
  return "?";
}

}  // namespace tj
