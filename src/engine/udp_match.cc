#include "engine/udp_match.h"

#include "probes/icmp_verdict.h"

namespace tj {

std::optional<UdpMatch> MatchUdpReply(const Reply& r, const UdpMatchContext& c, UdpMiss* miss) {
  *miss = UdpMiss::kNotUdp;
  Address them, us;
  uint16_t our_port, their_port;
  const bool icmp = r.kind == Reply::Kind::kIcmpError;
  if (r.kind == Reply::Kind::kUdp) {
    them = r.src, us = r.dst, our_port = r.dport, their_port = r.sport;
  } else if (icmp && r.quoted.proto == 17) {
    them = r.quoted.dst, us = r.quoted.src, our_port = r.quoted.sport, their_port = r.quoted.dport;
  } else {
    return std::nullopt;
  }
  *miss = UdpMiss::kForeign;
  auto h = c.hosts->find(them);
  auto l = c.lanes->find(us);
  const uint32_t port = static_cast<uint16_t>(our_port - c.sport_base);
  if (h == c.hosts->end() || l == c.lanes->end() || port >= c.ports->size()) return std::nullopt;
  // A UDP answer may come from another port of the host (TFTP answers from
  // a fresh one): our source port already names the probe. An ICMP error
  // must quote the probe exactly, keyed tag included.
  if (icmp && (their_port != (*c.ports)[port] || r.quoted.tag != c.tag(h->second, port, l->second)))
    return std::nullopt;
  *miss = UdpMiss::kNone;
  UdpMatch m;
  m.host = h->second;
  m.port = port;
  m.lane = l->second;
  m.icmp = icmp;
  m.from_host = r.src == them;
  if (icmp) {
    m.verdict = ClassifyIcmp(c.v6, r.icmp_type, r.icmp_code);
    // Port unreachable from the host itself is the closed port's own
    // answer; from a router on the way it says only "filtered".
    if (m.verdict.reason == Reason::kPortUnreach && m.from_host) m.verdict.state = PortState::kClosed;
  }
  return m;
}

}  // namespace tj
