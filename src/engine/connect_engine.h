// The connect engine: TCP connect() scanning without privileges. Thousands
// of non-blocking connects in flight on one epoll set, a round-trip-time
// estimate per host driving the reply timeout, retransmission of unanswered
// probes, and a congestion window that backs off only on proof of loss (a
// retransmitted probe that was then answered), as nmap does.
//
// Each probe is a fresh socket; its fate is classified by
// connect_classify.h: connected = open (syn-ack), refused = closed
// (conn-refused), an ICMP error read from the socket's error queue =
// filtered with the exact ICMP reason, silence after every allowed try =
// filtered (no-response).
//
// Thread-safety: a ConnectEngine runs on the calling thread; one Run() at a
// time. The sink is called on that thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

#include "core/address.h"
#include "core/mac.h"
#include "core/scan_result.h"
#include "core/status.h"
#include "engine/timing.h"

namespace tj {

// Receives each port's final result as soon as it is known.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void OnPort(const PortResult& r) = 0;
};

struct HostJob {
  Address addr;
  std::vector<uint16_t> ports;  // any order; probed in a shuffled order
};

struct ConnectOptions {
  Timing timing;
  uint64_t seed = 0;          // port order shuffle; 0 picks a random seed
  int max_in_flight = 4096;   // upper bound on concurrent connects (also capped by RLIMIT_NOFILE)
  const std::atomic<bool>* stop = nullptr;  // set by a signal handler to end early
  std::atomic<uint64_t>* probes_sent = nullptr;  // progress: incremented per probe, if set
};

struct HostOutcome {
  Address addr;
  bool up = false;             // something answered from the host
  Reason up_reason = Reason::kNoResponse;
  uint8_t up_ttl = 0;          // TTL of the reply that proved it up; 0 when unknown
  bool timed_out = false;      // --host-timeout expired; ports are incomplete
  std::chrono::microseconds latency{0};
  MacAddr mac;                 // host discovery on the local link: its MAC; zero otherwise
  std::vector<PortResult> ports;  // every probed port with its final state
  std::vector<HostNote> notes;    // how it defended itself (engine/host_guard.h)
};

struct ConnectStats {
  uint64_t probes_sent = 0;
  uint64_t retransmits = 0;
  uint64_t replies = 0;
  uint64_t loss_events = 0;  // times the congestion window was cut
};

class ConnectEngine {
 public:
  explicit ConnectEngine(ConnectOptions opts);
  ~ConnectEngine();
  ConnectEngine(const ConnectEngine&) = delete;
  ConnectEngine& operator=(const ConnectEngine&) = delete;

  // Probes every job's ports. Outcomes come back in the order of `jobs`.
  // Fails only when the engine cannot run at all (no epoll).
  Result<std::vector<HostOutcome>> Run(const std::vector<HostJob>& jobs, ResultSink* sink);
  const ConnectStats& stats() const { return stats_; }

 private:
  ConnectOptions opts_;
  ConnectStats stats_;
};

}  // namespace tj
