// Runs a whole TCP connect scan over a target list: walks the list in host
// groups (never expanding it), finds which hosts are up unless told to skip
// that (-Pn), scans the up hosts' ports with the connect engine, and hands
// every result to the caller as soon as it is known.
// Thread-safety: runs on the calling thread; callbacks come on that thread.
#pragma once

#include <atomic>
#include <functional>
#include <vector>

#include "core/scan_result.h"
#include "core/target_spec.h"
#include "engine/connect_engine.h"

namespace tj {

struct ScanRequest {
  const TargetList* targets = nullptr;
  std::vector<uint16_t> tcp_ports;
  bool skip_discovery = false;          // -Pn: treat every host as up
  ConnectOptions connect;               // timing, seed, stop flag
  size_t probes_per_group = 65536;      // host group size is this / ports per host
};

struct ScanTotals {
  uint64_t hosts_total = 0;       // addresses that were candidates
  uint64_t hosts_up = 0;
  uint64_t skipped_reserved = 0;
  uint64_t excluded = 0;
  ConnectStats stats;
  bool interrupted = false;
};

// Called once per host that is up (or timed out), with its complete result.
using HostCallback = std::function<void(HostResult&&)>;

Result<ScanTotals> RunConnectScan(const ScanRequest& req, ResultSink* ports, const HostCallback& on_host);

}  // namespace tj
