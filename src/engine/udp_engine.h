// The UDP scan (-sU) over raw packets: protocol payloads from
// data/udp-payloads.txt, answers read from the capture ring, and for each
// host a UdpHostPlan (udp_plan.h) that decides what silence means under the
// host's ICMP rate limit. Several source addresses (-S) are lanes: the
// limit is per scanner address, so each adds its own budget.
// Open() runs privileged, like RawEngine's; Run() after the drop.
// Thread-safety: one Run() at a time, on the calling thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "engine/connect_engine.h"
#include "engine/cookie.h"
#include "engine/link_set.h"
#include "engine/raw_run.h"
#include "engine/timing.h"
#include "engine/udp_plan.h"
#include "probes/udp_payloads.h"

namespace tj {

struct UdpOptions {
  Timing timing;
  bool fast = false;               // --udp-fast
  std::vector<Address> sources;    // -S: every one of them is a lane; empty: the route's address
  const std::atomic<bool>* stop = nullptr;
  std::atomic<uint64_t>* probes_sent = nullptr;
  uint64_t answers = 0;            // the most replies the scan can get (0: not known): sizes the ring
  const UdpPayloadTable* payloads = nullptr;  // null: the built-in table
};

struct UdpStats {
  uint64_t sent = 0, answers = 0, udp_replies = 0, icmp_errors = 0, foreign = 0;
  uint64_t rounds = 0;
  uint64_t limited_hosts = 0;   // hosts that showed an ICMP rate limit
  double icmp_rate = 0;         // the fastest ICMP error rate measured on one lane (per second)
  int icmp_burst = 0;           // the largest first-round burst of errors on one lane
  ParseStats parse;
};

class UdpEngine {
 public:
  // REQUIRES: CAP_NET_RAW.
  static Result<std::unique_ptr<UdpEngine>> Open(const UdpOptions& opts, const std::vector<Address>& route_samples);
  Result<std::vector<HostOutcome>> Run(const std::vector<HostJob>& jobs, ResultSink* sink);
  const UdpStats& stats() const { return stats_; }
  std::string Summary() const;  // one line for -v

 private:
  UdpEngine(const UdpOptions& opts, LinkSet links);

  UdpOptions opts_;
  LinkSet links_;
  CookieKey key_;
  UdpStats stats_;
};

// One host group over one link (udp_engine.cc runs it per link).
struct UdpRunParams {
  const CookieKey* key = nullptr;
  Timing timing;
  bool fast = false;
  std::vector<Address> lanes;  // our source addresses on this link, same family as the hosts
  const UdpPayloadTable* payloads = nullptr;
  const std::atomic<bool>* stop = nullptr;
  std::atomic<uint64_t>* probes_sent = nullptr;
};
Result<std::vector<HostOutcome>> RunUdp(RawLink& link, const UdpRunParams& params, const std::vector<RawHost>& hosts,
                                        const std::vector<uint16_t>& ports, ResultSink* sink, UdpStats* stats);

}  // namespace tj
