// What watch scans and how it judges it, for the watch command: with a
// policy, the audit's scan plan and the audit itself (audit/audit.h); the
// re-checks keep the scan options (technique, timing) and scan only the
// changed ports.
#pragma once

#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/status.h"
#include "watch/changes.h"
#include "watch/watcher.h"

namespace tj {

struct WatchSourceInfo {
  std::string label;        // for alerts: the policy's name, else its path; empty without one
  std::string policy_path;  // empty without a policy
  std::string policy_name;
};

// scan: the watch's scan options (with a policy: no targets or ports, the
// policy chooses them; without: the targets and -p too). ctx must outlive
// the source.
Result<WatchSource> MakeWatchSource(const std::string& policy_path, const std::vector<std::string>& scan,
                                    const CommandContext& ctx, WatchSourceInfo* info);

// The scan options a re-check keeps: all but targets, ports and outputs.
std::vector<std::string> RecheckBase(const std::vector<std::string>& scan);
// base plus what scans one host's changed ports (-sU/-sS as needed, -Pn, -p, the host).
std::vector<std::string> RecheckArgs(const std::vector<std::string>& base, const Recheck& r);

}  // namespace tj
