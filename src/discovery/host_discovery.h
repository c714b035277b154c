// Host discovery with raw packets, as nmap does it when privileged: which
// addresses answer at all, before their ports are scanned.
//
// On the local link (a target on a directly connected subnet) a host is
// asked for its MAC: ARP for IPv4, a neighbour solicitation for IPv6, and
// an answer means up (arp-response, nd-response); nmap's -PR, which it
// prefers there over every other probe. Elsewhere (and on the link with
// --disable-arp-ping) the IP probes are sent: by default ICMP echo, TCP SYN
// to 443, TCP ACK to 80 and ICMP timestamp (IPv4 only); any answer from the
// host itself means up, with nmap's reason (echo-reply, syn-ack, reset,
// timestamp-reply, udp-response, port-unreach ...). Silent hosts get each
// probe again (nmap -T3 sends each up to twice), then are down.
//
// Open() runs while the process still has CAP_NET_RAW, like RawEngine's:
// a capture ring and a sender per interface the targets are reached
// through (engine/link_set.h, as for the raw engines). Run() works after
// privileges are dropped.
// Thread-safety: one Run() at a time, on the calling thread; it starts one
// receive thread for its duration.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include "core/mac.h"
#include "core/scan_result.h"
#include "core/status.h"
#include "engine/timing.h"

namespace tj {

// Which probes to send (-PE -PP -PS -PA -PU -PR, --disable-arp-ping).
struct DiscoveryProbes {
  bool echo = true;                     // -PE: ICMP echo (ICMPv6 echo for IPv6)
  bool timestamp = true;                // -PP: ICMP timestamp (IPv4 only)
  std::vector<uint16_t> syn = {443};    // -PS[ports]: TCP SYN
  std::vector<uint16_t> ack = {80};     // -PA[ports]: TCP ACK
  std::vector<uint16_t> udp;            // -PU[ports]: an empty UDP datagram
  bool neighbour = true;                // -PR: ARP/NDP on the local link; off with --disable-arp-ping
};

// nmap's -PU default: a port that is almost surely closed, so the host
// answers with port-unreachable.
constexpr uint16_t kDefaultUdpPingPort = 40125;

struct DiscoveryOptions {
  DiscoveryProbes probes;
  Timing timing;
  const std::atomic<bool>* stop = nullptr;
  std::atomic<uint64_t>* probes_sent = nullptr;  // progress, if set
};

// What discovery decided about one host.
struct HostVerdict {
  bool up = false;
  Reason reason = Reason::kNoResponse;
  uint8_t reason_ttl = 0;                // of the IP reply that decided; 0 for ARP/NDP
  std::chrono::microseconds latency{0};  // probe to first answer
  MacAddr mac;                           // on the local link: from its answer; zero otherwise
};

struct DiscoveryStats {
  uint64_t sent = 0;
  uint64_t retransmits = 0;
  uint64_t answers = 0;   // replies that proved a host up (the first per host)
  uint64_t foreign = 0;   // parsed replies that answered no probe of ours
};

class HostDiscovery {
 public:
  // REQUIRES: CAP_NET_RAW. `route_samples` name every interface the
  // targets are reached through (as for RawEngine::Open).
  static Result<std::unique_ptr<HostDiscovery>> Open(const DiscoveryOptions& opts,
                                                     const std::vector<Address>& route_samples);
  ~HostDiscovery();

  // Verdicts in the order of hosts.
  Result<std::vector<HostVerdict>> Run(const std::vector<Address>& hosts);
  const DiscoveryStats& stats() const { return stats_; }

 private:
  explicit HostDiscovery(const DiscoveryOptions& opts);

  DiscoveryOptions opts_;
  struct Net;  // the links (with their route cache) and the cookie key, kept out of this header
  std::unique_ptr<Net> net_;
  uint16_t sport_base_;
  uint16_t icmp_id_;
  DiscoveryStats stats_;
};

}  // namespace tj
