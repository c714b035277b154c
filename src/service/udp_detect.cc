// Service detection on UDP ports; see detector.h (DetectUdpPort).
//
// UDP has no connection and no banner: each probe is one datagram (on a new
// connected socket, so a late answer to an earlier probe cannot be mistaken
// for this one's) and its wait is the whole timeout. Probes listing the port
// go first, then the others by rarity up to the intensity; an ICMP port
// unreachable (ECONNREFUSED) ends the port at once.
#include <algorithm>

#include "service/detector.h"
#include "service/match.h"
#include "service/udp_conn.h"

namespace tj {
namespace {

using std::chrono::milliseconds;

class UdpPortProbe {
 public:
  UdpPortProbe(const ProbeDb& db, const DetectOptions& o, const Address& a, uint16_t port)
      : db_(db), o_(o), addr_(a), port_(port), deadline_(Clock::now() + o.udp_port_budget) {}

  MatchResult Run(UdpDetect* out) {
    MatchResult soft_match;
    for (const Probe* p : Order()) {
      if (TimeUp() || out->refused) break;
      if (soft_match.matched && !ProbeCanName(db_, *p, soft_match.info.name)) continue;
      std::string reply;
      auto m = Exchange(*p, &reply, out);
      if (!m.matched) continue;
      if (!m.soft) return m;
      if (!soft_match.matched) soft_match = m;
    }
    return soft_match;
  }

 private:
  bool TimeUp() const {
    return Clock::now() >= deadline_ || (o_.stop && o_.stop->load(std::memory_order_relaxed));
  }
  Clock::time_point Until(milliseconds wait) const { return std::min(deadline_, Clock::now() + wait); }

  std::vector<const Probe*> Order() const {
    std::vector<std::pair<int, const Probe*>> keyed;
    for (const auto& p : db_.probes) {
      if (!p.udp || p.payload.empty()) continue;
      bool likely = p.ports.Contains(port_);
      if (!likely && p.rarity > o_.intensity) continue;
      keyed.emplace_back(likely ? 0 : p.rarity, &p);
    }
    std::stable_sort(keyed.begin(), keyed.end(), [](auto& a, auto& b) { return a.first < b.first; });
    std::vector<const Probe*> out;
    for (auto& k : keyed) out.push_back(k.second);
    return out;
  }

  // One probe: send, read until a hard match, a pause or the wait. A probe
  // with a follow-up sends it once the first answer matched a signature,
  // and its signatures see both answers one after the other.
  MatchResult Exchange(const Probe& p, std::string* reply, UdpDetect* out) {
    auto c = UdpConn::Open(addr_, port_);
    if (!c) return {};
    auto until = Until(std::min(milliseconds(p.wait_ms), o_.max_probe_wait));
    auto note = [&] {
      out->answered = out->answered || c->datagrams() > 0;
      out->refused = out->refused || c->refused();
    };
    if (!c->Send(p.payload)) {
      note();
      return {};
    }
    auto hard = [&](const std::string& b) {
      auto m = MatchReply(db_, p, b);
      return m.matched && !m.soft;
    };
    if (!p.followup.empty()) {
      ReadEnd end = c->Read(reply, o_.max_reply, until, o_.quiet,
                            [&](const std::string& b) { return MatchReply(db_, p, b).matched; });
      auto first = MatchReply(db_, p, *reply);
      if (end != ReadEnd::kStop || !first.soft || !c->Send(p.followup)) {
        note();
        return first;
      }
    }
    c->Read(reply, o_.max_reply, until, o_.quiet, hard);
    note();
    return MatchReply(db_, p, *reply);
  }

  const ProbeDb& db_;
  const DetectOptions& o_;
  const Address& addr_;
  uint16_t port_;
  Clock::time_point deadline_;
};

}  // namespace

UdpDetect DetectUdpPort(const ProbeDb& db, const DetectOptions& o, const Address& addr, uint16_t port,
                        std::string_view table_name) {
  UdpDetect out;
  UdpPortProbe probe(db, o, addr, port);
  MatchResult m = probe.Run(&out);
  if (m.matched) {
    out.info = m.info;
    if (m.soft) out.info.conf = 7;
  } else {
    out.info.name = table_name;
    out.info.method = "table";
    out.info.conf = 3;
  }
  return out;
}

}  // namespace tj
