// The watch's runs in the history (history/store.h): each run is stored as
// a scan with its audit (kind "audit", one transaction) or, without a
// policy, as a scan; the previous run is the newest stored run of the same
// watch (the same policy file, or without one the same command line), so a
// restarted watch, or a second `watch --once`, compares with it.
// Thread-safety: as the Store (one thread).
#pragma once

#include <memory>
#include <string>

#include "history/store.h"
#include "watch/watcher.h"

namespace tj {

struct StoreLogOptions {
  std::string policy_path;  // empty: runs without a policy
  std::string policy_name;
  std::string args;         // the watch's command line (runs without a policy match on it)
};

std::unique_ptr<RunLog> MakeStoreRunLog(std::unique_ptr<Store> store, StoreLogOptions opts);

// The counted findings of an audit JSON document (docs/AUDIT-JSON.md), as
// the history keeps it; errors name the stored scan.
Result<std::vector<FindingBrief>> FindingsFromAuditJson(const std::string& json, int64_t scan_id);

}  // namespace tj
