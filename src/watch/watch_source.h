// What watch scans and how it judges it, for the watch command: with a
// policy, the audit's scan plan and the audit itself (audit/audit.h); the
// re-checks keep the scan options (technique, timing) and scan only the
// changed ports.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "core/status.h"
#include "session/scan_request.h"
#include "watch/changes.h"
#include "watch/watcher.h"

namespace tj {

struct WatchSourceInfo {
  std::string label;        // for alerts: the policy's name, else its path; empty without one
  std::string policy_path;  // empty without a policy
  std::string policy_name;
  std::vector<std::string> notes;  // for the user, once: what the watch will not see
};

// scan: the watch's scan request as the user gave it (with a policy: no
// targets or ports, the policy chooses them; without: the targets and
// ports too). Each scan runs in a child (session/child_scan.h); *stop
// must outlive the source.
Result<WatchSource> MakeWatchSource(const std::string& policy_path, const ScanRequest& scan,
                                    const std::atomic<bool>* stop, WatchSourceInfo* info);

// What a re-check scans: the watch's scan (technique, timing, discovery
// options, -sV) on one host's changed ports only, without discovery (the
// host answered moments ago), outputs or history; -sU and a TCP technique
// as those ports need.
ScanRequest RecheckRequest(const ScanRequest& scan, const Recheck& r);

}  // namespace tj
