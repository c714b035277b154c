// Matching a reply against a probe's signatures, nmap's way: the probe's own
// signatures first, then those of its fallback probes, then the NULL probe's
// (a banner may arrive whatever was sent). A hard match ends detection; a
// soft match names the service and narrows the probes still worth sending.
// Thread-safety: pure functions over an immutable ProbeDb.
#pragma once

#include <string_view>

#include "core/scan_result.h"
#include "service/probe_db.h"

namespace tj {

struct MatchResult {
  bool matched = false;
  bool soft = false;
  const Signature* sig = nullptr;  // null for an echo (the reply repeats the probe)
  ServiceInfo info;  // name, product, version, extrainfo... filled from the signature
};

// REQUIRES: probe belongs to db.
MatchResult MatchReply(const ProbeDb& db, const Probe& probe, std::string_view reply);

// True when some signature reachable from probe (itself or its fallbacks)
// could name this service: used to skip probes after a soft match.
bool ProbeCanName(const ProbeDb& db, const Probe& probe, std::string_view service);

}  // namespace tj
