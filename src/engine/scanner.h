// Runs a whole scan over a target list: walks the list in host groups
// (never expanding it), finds which hosts are up unless told to skip that
// (-Pn) (raw discovery when privileged, else connects to 80 and 443), scans
// the up hosts' ports with the chosen engine (connect or raw) unless told
// not to (-sn), and hands every result to the caller as soon as it is
// known. Down hosts are counted, never port-scanned nor reported.
// Thread-safety: runs on the calling thread; callbacks come on that thread.
#pragma once

#include <atomic>
#include <functional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/scan_result.h"
#include "core/target_spec.h"
#include "engine/connect_engine.h"

namespace tj {

// Scans the ports of a group of hosts: the connect engine or the raw one.
using PortScanner = std::function<Result<std::vector<HostOutcome>>(const std::vector<HostJob>&, ResultSink*)>;

// Decides which hosts of a group are up (raw host discovery): one outcome
// per address, in order, with up, up_reason, latency and mac set.
using HostDiscoverer = std::function<Result<std::vector<HostOutcome>>(const std::vector<Address>&)>;

struct TargetScan {
  PortScanner scan;                     // the TCP port scan of one host group
  PortScanner udp_scan;                 // the UDP one (-sU), run after it
  HostDiscoverer discover;              // raw discovery; unset: connects to 80 and 443 decide
  bool discovery_only = false;          // -sn: report the live hosts, scan no ports
  const TargetList* targets = nullptr;
  std::vector<uint16_t> tcp_ports;
  std::vector<uint16_t> udp_ports;
  bool skip_discovery = false;          // -Pn: treat every host as up
  ConnectOptions connect;               // timing and stop flag, also for host discovery
  size_t probes_per_group = 65536;      // host group size is this / ports per host,
  size_t max_group_hosts = 4096;        // but at most this many hosts
  // Resuming: target indices below start_index were finished by the run
  // that was interrupted, and `decided` holds the TCP ports it had already
  // decided for hosts of its last group; neither is probed again (UDP
  // ports of such a host are asked again).
  // Hosts at or past start_index that the interrupted run had finished
  // whole (in its last group) are in `finished`: not probed again at all.
  uint64_t start_index = 0;
  const std::unordered_map<Address, std::vector<uint16_t>, AddressHash>* decided = nullptr;
  const std::unordered_set<Address, AddressHash>* finished = nullptr;
};

struct ScanTotals {
  uint64_t hosts_total = 0;       // addresses that were candidates
  uint64_t hosts_up = 0;
  uint64_t skipped_reserved = 0;
  uint64_t excluded = 0;
  ConnectStats stats;             // of host discovery; the port scanner keeps its own
  bool interrupted = false;
  // When interrupted: the first target index whose host may be unfinished.
  // Hosts of that index and later that were reported have only the ports
  // that were decided.
  uint64_t resume_index = 0;
};

// Called once per host that is up (or timed out), with its complete result.
using HostCallback = std::function<void(HostResult&&)>;

Result<ScanTotals> ScanTargets(const TargetScan& req, ResultSink* ports, const HostCallback& on_host);

}  // namespace tj
