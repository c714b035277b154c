// What to scan for a policy: every host of every group, every port any
// group expects, forbids or asks to scan, as one scan request (one
// run keeps -oJ/-oX files whole, and a raw scan drops its privileges after
// its first run). Enforces the scope first: no address outside it is ever
// handed to the scanner. The audit command and watch both use it.
// Thread-safety: pure functions (apart from what `resolve` does).
#pragma once

#include <string>
#include <vector>

#include "core/port_spec.h"
#include "core/status.h"
#include "core/target_spec.h"
#include "policy/policy.h"
#include "session/scan_request.h"

namespace tj {

struct ScanPlan {
  std::vector<std::string> targets;  // addresses, networks and ranges, each inside the scope
  PortSet tcp, udp;                  // the ports to scan per protocol
  bool service_detection = false;    // a group expects a named service: -sV
};

// Builds the plan and resolves the policy's host names with `resolve`,
// adding each name's addresses to its HostEntry::ranges (so the audit
// recognises the host whatever name the scan reports). Errors: a name that
// does not resolve, or resolves outside the scope ("FILE:LINE: host
// "db.example" resolves to 203.0.113.5, outside the scope (...)").
Result<ScanPlan> PlanScan(Policy* policy, FamilyChoice family, const Resolver& resolve);

// The scan request for the plan. `base` holds the user's scan options
// (timing, technique, outputs, e.g. -T4 --max-rate 500 -oJ FILE); the plan
// sets the targets, the ports and -sV when a group expects a named
// service. With `udp` (the plan has UDP ports and raw sockets are
// available) the UDP ports are scanned too, with a SYN scan beside them
// unless `base` chose a TCP technique (-sU alone scans UDP only).
ScanRequest PlanRequest(const ScanPlan& plan, ScanRequest base, bool udp);

}  // namespace tj
