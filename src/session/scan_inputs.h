// A request's inputs made concrete: the timing it asks for, its target
// list (names resolved, exclusions applied, never expanded) and its ports
// per protocol, with the checks that refuse a request before any packet.
// Thread-safety: functions on caller values (BuildTargets resolves names).
#pragma once

#include <cstdint>
#include <vector>

#include "core/services.h"
#include "core/status.h"
#include "core/target_spec.h"
#include "engine/timing.h"
#include "session/scan_request.h"

namespace tj {

Timing ComposeTiming(const ScanRequest& r);

// Errors: a target that does not parse or resolve, a literal of the other
// family than -4/-6 asks for, no target at all, more than max_targets
// without i_know.
Status BuildTargets(const ScanRequest& r, TargetList* list);

struct ScanPorts {
  std::vector<uint16_t> tcp, udp;
};
// As in nmap: -sU alone scans UDP only; a spec without T:/U: applies to
// every protocol scanned; the default is the top 1000 ports of each
// protocol scanned. -sn: no ports.
Result<ScanPorts> BuildPorts(const ScanRequest& r, const ServiceTable& services);

}  // namespace tj
