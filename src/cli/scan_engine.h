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

#include "cli/scan_options.h"
#include "core/target_spec.h"
#include "engine/scanner.h"

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

// Notices for the user (fallbacks, privilege drop) go to *notices.
// `probes` counts probes sent, for the progress line. `ports` are the
// scan's TCP and UDP ports per host: with the targets, the most answers the
// raw engines can get, which sizes their capture rings.
struct PortCounts {
  size_t tcp = 0, udp = 0;
};
Result<ChosenEngine> ChooseEngine(const ScanOptions& o, const TargetList& targets, const Timing& timing,
                                  const std::atomic<bool>* stop, std::atomic<uint64_t>* probes,
                                  std::vector<std::string>* notices, PortCounts ports = {});

}  // namespace tj
