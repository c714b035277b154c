// Picks and opens the port-scan engines for `tojimari scan`: the raw engine
// for -sS/-sF/-sN/-sX/-sA/-sW, or the connect engine for -sT and for
// unprivileged users; the UDP engine for -sU; and, when privileged, raw
// host discovery. Raw sockets are opened while privileged, then privileges
// are dropped.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/target_spec.h"
#include "engine/scanner.h"
#include "engine/timing.h"
#include "session/scan_request.h"

namespace tj {

struct ChosenEngine {
  PortScanner scan;                     // the TCP scan; empty with -sU alone
  PortScanner udp_scan;                 // -sU; empty otherwise
  std::string type;                     // "connect", "syn", ...; "udp" with -sU alone
  HostDiscoverer discover;              // raw host discovery; unset: connects decide
  size_t max_group_hosts = 4096;
  size_t probes_per_group = 65536;
  std::function<std::string()> stats;   // one line of engine counters, for -v
  std::shared_ptr<void> keep;           // owns the engine the closures use
};

// What choosing the engines depends on. `probes` counts probes sent, for
// the progress line. `ports` are the scan's TCP and UDP ports per host:
// with the targets, the most answers the raw engines can get, which sizes
// their capture rings. `notice` takes lines for the user (fallbacks,
// privilege drop; during the scan, hosts that defend themselves), on the
// calling thread.
struct PortCounts {
  size_t tcp = 0, udp = 0;
};
struct EngineChoice {
  const ScanRequest* req = nullptr;
  const TargetList* targets = nullptr;
  Timing timing;
  const std::atomic<bool>* stop = nullptr;
  std::atomic<uint64_t>* probes = nullptr;
  PortCounts ports;
  std::function<void(const std::string&)> notice;
};
Result<ChosenEngine> ChooseEngine(const EngineChoice& choice);

}  // namespace tj
