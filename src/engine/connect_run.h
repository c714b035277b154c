// One run of the connect engine on one thread: the probes, sockets, timers
// and per-host round-trip estimates it owns while a scan is under way.
// Internal to the engine; connect_engine.h is the interface.
// Thread-safety: used by one thread.
#pragma once

#include <algorithm>
#include <chrono>
#include <deque>
#include <vector>

#include "engine/connect_engine.h"
#include "engine/congestion.h"
#include "engine/rtt.h"

namespace tj {
namespace connect_detail {

using Clock = std::chrono::steady_clock;
using us = std::chrono::microseconds;


struct Slot {
  int fd = -1;
  uint32_t gen = 0;
  uint32_t host = 0;
  uint16_t port = 0;
  uint8_t tries = 0;
  Clock::time_point sent;
};

struct Pending {
  uint32_t host;
  uint16_t port;
  uint8_t tries;  // probes already sent for this port
};

struct HostState {
  explicit HostState(const Timing& t) : rtt(t) {}
  RttEstimator rtt;
  std::vector<uint16_t> order;  // shuffled ports
  size_t next = 0;              // first port of `order` never probed
  std::deque<std::pair<uint32_t, uint32_t>> inflight;  // (slot, gen), in send order
  std::vector<Pending> parked;  // silent after the tries allowed so far
  int max_success_try = 0;      // highest try number that drew any reply
  size_t unresolved = 0;        // ports without a final result
  Clock::time_point start;
  bool started = false;
};

// One Run(): the state the engine thread owns while a scan is under way.
class ConnectRun {
 public:
  ConnectRun(const ConnectOptions& o, ConnectStats* stats, ResultSink* sink)
      : opts_(o), stats_(stats), sink_(sink) {}
  ~ConnectRun();
  Status Start(const std::vector<HostJob>& jobs);
  void Loop();
  std::vector<HostOutcome> TakeOutcomes() { return std::move(out_); }

 private:
  int Allowed(const HostState& h) const {
    int tries = std::max(h.max_success_try + 1, 2);
    return std::clamp(tries, 1, opts_.timing.max_retries + 1);
  }
  bool NextProbe(Pending* p);
  bool NewProbesLeft() const {
    return std::any_of(hosts_.begin(), hosts_.end(), [](const HostState& h) { return h.next < h.order.size(); });
  }
  void Launch(Clock::time_point now);
  void Send(const Pending& p, Clock::time_point now);
  void Expire(Clock::time_point now);
  void Unpark();
  void OnEvent(uint32_t slot, Clock::time_point now);
  void Finish(uint32_t host, uint16_t port, PortState s, Reason r, us rtt, uint8_t tries,
              const Address* icmp_from = nullptr);
  void Release(uint32_t slot, bool connected = false);
  void TimeOutHost(uint32_t host);
  int WaitMillis(Clock::time_point now) const;

  const ConnectOptions& opts_;
  ConnectStats* stats_;
  ResultSink* sink_;
  int ep_ = -1;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  std::vector<HostState> hosts_;
  std::vector<HostOutcome> out_;
  std::deque<Pending> retry_;
  size_t rr_ = 0;           // round-robin cursor over hosts for new probes
  size_t unresolved_ = 0;   // ports of all hosts without a final result
  size_t in_flight_ = 0;
  size_t cap_ = 0;          // hard cap: descriptors and the user's parallelism
  CongestionWindow window_{64, 64};
  Clock::time_point last_send_, last_refill_, start_;
  double tokens_ = 1;
  bool blocked_ = false;    // Launch stopped for a reason other than its burst size
};

}  // namespace connect_detail
}  // namespace tj
