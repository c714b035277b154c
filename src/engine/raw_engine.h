// The raw-packet engine: SYN, FIN, NULL, Xmas, ACK and Window scans over
// AF_PACKET. Open() runs while the process still has CAP_NET_RAW: it finds
// the interfaces the targets are reached through and opens a capture ring
// and a sender on each. After that the caller drops its privileges, and
// Run() scans host groups with what was opened (raw_run.h).
// Thread-safety: one Run() at a time, on the calling thread.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/connect_engine.h"
#include "engine/link_set.h"
#include "engine/raw_run.h"

namespace tj {

struct RawOptions {
  Timing timing;
  uint64_t seed = 0;   // probe order; 0 picks a random one
  Shard shard;         // --shard: this machine's part of every host group
  const std::atomic<bool>* stop = nullptr;
  std::atomic<uint64_t>* probes_sent = nullptr;  // progress: incremented as probes go out, if set
  std::vector<Address> sources;  // -S: our address per family (the first of each), else the route's
  bool defeat_rst_limit = false; // --defeat-rst-ratelimit (raw_run.h)
  uint64_t answers = 0;          // the most replies the scan can get (0: not known): sizes the ring
  std::function<void(const std::string&)> notice;  // a host defends itself (raw_run.h)
};

class RawEngine {
 public:
  // REQUIRES: CAP_NET_RAW. `route_samples` are addresses whose routes name
  // every interface the scan will use (e.g. the first and last address of
  // each target range).
  static Result<std::unique_ptr<RawEngine>> Open(const RawOptions& opts, std::unique_ptr<TcpProbe> probe,
                                                 const std::vector<Address>& route_samples);

  Result<std::vector<HostOutcome>> Run(const std::vector<HostJob>& jobs, ResultSink* sink);
  const RawStats& stats() const { return stats_; }
  const TcpProbe& probe() const { return *probe_; }
  double rate() const { return rate_.rate(); }

 private:
  RawEngine(const RawOptions& opts, std::unique_ptr<TcpProbe> probe, LinkSet links);

  RawOptions opts_;
  std::unique_ptr<TcpProbe> probe_;
  CookieKey key_;
  RateController rate_;
  uint16_t sport_base_;
  LinkSet links_;
  RawStats stats_;
};

// Initial, lowest and highest send rates (probes per second) for a timing
// template and the user's --min-rate/--max-rate.
struct RateBounds {
  double initial, floor, ceiling;
};
RateBounds RawRateBounds(const Timing& t);

}  // namespace tj
