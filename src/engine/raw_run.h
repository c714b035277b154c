// One raw-packet scan of a host group over one interface: the control
// thread sends every (host, port) pair in the order of a keyed permutation
// and then retransmits, pass after pass, only the pairs still unanswered;
// a receive thread reads replies from the capture ring and recognises ours
// by recomputing the cookie. The two share no per-probe state: only the
// cookie key, a bitmap of answered pairs, a queue of results and counters.
//
// A host is done when a retransmission pass brings no new answer from it
// (all loss has been recovered) or its retries are spent. A host that
// defends itself (bans us, caps its RSTs) is watched by engine/host_watch.h:
// paused, paced, and its passes counted only when they proved something.
// Thread-safety: RunRaw runs on the calling thread and starts one receive
// thread for its duration; the sink is called on the calling thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/mac.h"
#include "core/scan_result.h"
#include "engine/connect_engine.h"
#include "engine/cookie.h"
#include "engine/permutation.h"
#include "engine/rate_control.h"
#include "engine/raw_link.h"
#include "engine/timing.h"
#include "net/packet.h"
#include "net/route.h"
#include "probes/tcp_probe.h"

namespace tj {

struct RawHost {
  Address addr;
  MacAddr next_hop;  // the MAC frames to this host are sent to
};

struct RawStats {
  uint64_t sent = 0;
  uint64_t retransmits = 0;
  uint64_t answers = 0;      // replies recognised as answers to our probes
  uint64_t foreign = 0;      // parsed replies that were not ours (bad cookie, unknown pair)
  uint64_t ring_drops = 0;   // frames the capture ring lost
  uint64_t passes = 0;
  uint64_t canaries = 0;     // probes re-asking an answered port (engine/host_guard.h)
  ParseStats parse;
};

struct RawRunParams {
  const TcpProbe* probe = nullptr;
  // --defeat-rst-ratelimit: a host that caps its RSTs is not waited for;
  // its silent ports are closed|filtered (rst-ratelimit).
  bool defeat_rst_limit = false;
  // Called on the control thread when a host starts or stops defending
  // itself (went silent, resumed, caps its RSTs): one line for stderr.
  std::function<void(const std::string&)> notice;
  const CookieKey* key = nullptr;
  Timing timing;
  uint64_t seed = 1;
  Shard shard;
  uint16_t sport_base = 40000;     // source port of pass k is sport_base + k
  const std::atomic<bool>* stop = nullptr;
  RateController* rate = nullptr;  // kept across host groups
  std::atomic<uint64_t>* probes_sent = nullptr;  // progress counter, if set
};

// The most passes (first try plus retransmissions) a scan can make: each
// pass has its own source port. The last source port is the canaries'
// (engine/host_guard.h): probes that re-ask a port already answered.
constexpr int kMaxPasses = 52;
constexpr int kCanaryPass = kMaxPasses - 1;

// The end of a raw run (TCP or UDP): every host gets the run's smoothed
// round-trip time as its latency, and its ports in order.
void SealOutcomes(std::vector<HostOutcome>* out, std::chrono::microseconds latency);

// REQUIRES: every host has link.route's address family.
Result<std::vector<HostOutcome>> RunRaw(RawLink& link, const RawRunParams& params,
                                        const std::vector<RawHost>& hosts, const std::vector<uint16_t>& ports,
                                        ResultSink* sink, RawStats* stats);

}  // namespace tj
