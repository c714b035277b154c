#include "watch/changes.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "report/port_fold.h"

namespace tj {
namespace {

using PortKey = std::tuple<Address, Proto, uint16_t>;

struct Seen {
  PortState state;
  const HostResult* host;
  // The host's defences left it undecided or unverified (a ban, a RST
  // limit, a SYN proxy): its answer was suppressed, so it can neither
  // alert nor confirm anything.
  bool doubtful = false;
};

// Every port the record reports on a host that was up.
std::map<PortKey, Seen> PortsOf(const ScanRecord& r) {
  std::map<PortKey, Seen> out;
  for (const HostResult& h : r.hosts) {
    if (h.status != HostStatus::kUp) continue;
    for (const PortResult& p : h.ports)
      out[{h.addr, p.proto, p.port}] = {p.state, &h, Undecided(p.reason) || Unverified(p.reason)};
  }
  return out;
}

}  // namespace

std::string StateText(const std::optional<PortState>& s) {
  return s ? std::string(StateName(*s)) : "not reported";
}

std::vector<PortFlip> PortFlips(const ScanRecord& before, const ScanRecord& after) {
  auto b = PortsOf(before), a = PortsOf(after);
  std::set<PortKey> keys;
  for (const auto& [k, v] : b) keys.insert(k);
  for (const auto& [k, v] : a) keys.insert(k);
  std::vector<PortFlip> out;
  for (const PortKey& k : keys) {
    auto bi = b.find(k), ai = a.find(k);
    if ((bi != b.end() && bi->second.doubtful) || (ai != a.end() && ai->second.doubtful)) continue;
    std::optional<PortState> bs, as;
    if (bi != b.end()) bs = bi->second.state;
    if (ai != a.end()) as = ai->second.state;
    if (bs == as) continue;
    if ((!bs && as != PortState::kOpen) || (!as && bs != PortState::kOpen)) continue;
    PortFlip f;
    std::tie(f.host, f.proto, f.port) = k;
    f.host_name = ai != a.end() ? ai->second.host->name : bi->second.host->name;
    f.before = bs;
    f.after = as;
    out.push_back(std::move(f));
  }
  return out;
}

FindingDelta CompareFindings(const std::vector<FindingBrief>& before, const std::vector<FindingBrief>& after) {
  std::set<std::string> b, a;
  for (const auto& f : before) b.insert(f.key);
  for (const auto& f : after) a.insert(f.key);
  FindingDelta d;
  for (const auto& f : after)
    if (!b.count(f.key)) d.appeared.push_back(f);
  for (const auto& f : before)
    if (!a.count(f.key)) d.cleared.push_back(f);
  return d;
}

std::vector<Recheck> RechecksFor(const std::vector<PortFlip>& flips) {
  std::map<Address, Recheck> by_host;
  for (const PortFlip& f : flips) {
    Recheck& r = by_host[f.host];
    r.host = f.host;
    (f.proto == Proto::kTcp ? r.tcp : r.udp).push_back(f.port);
  }
  std::vector<Recheck> out;
  for (auto& [addr, r] : by_host) out.push_back(std::move(r));
  return out;
}

Confirmation ConfirmFlips(const std::vector<PortFlip>& flips, const std::vector<ScanRecord>& rechecks) {
  std::map<PortKey, Seen> seen;
  for (const ScanRecord& r : rechecks) seen.merge(PortsOf(r));
  Confirmation c;
  for (PortFlip f : flips) {
    auto it = seen.find({f.host, f.proto, f.port});
    std::optional<PortState> now;
    if (it != seen.end()) now = it->second.state;
    f.rechecked = true;
    if (now == f.before || (it != seen.end() && it->second.doubtful)) {
      c.suppressed.push_back(f);  // keeps what the run saw, for the log
    } else {
      f.after = now;
      c.confirmed.push_back(f);
    }
  }
  return c;
}

void ApplyRechecks(const std::vector<ScanRecord>& rechecks, ScanRecord* record) {
  for (const ScanRecord& r : rechecks) {
    for (const HostResult& rh : r.hosts) {
      if (rh.status != HostStatus::kUp) continue;
      for (HostResult& h : record->hosts) {
        if (h.addr != rh.addr) continue;
        h.status = HostStatus::kUp;
        for (const PortResult& p : rh.ports) {
          auto it = std::find_if(h.ports.begin(), h.ports.end(),
                                 [&](const PortResult& q) { return q.proto == p.proto && q.port == p.port; });
          if (it != h.ports.end()) *it = p;
          else h.ports.insert(std::upper_bound(h.ports.begin(), h.ports.end(), p,
                                               [](const PortResult& x, const PortResult& y) {
                                                 return std::tie(x.proto, x.port) < std::tie(y.proto, y.port);
                                               }),
                              p);
        }
      }
    }
  }
}

}  // namespace tj
