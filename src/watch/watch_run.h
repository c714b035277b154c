// What one watch cycle produced: the scan and the audit's findings, in the
// few words watch needs to tell what appeared or cleared. The audit itself
// (audit/audit.h) is reached through a function the watch command gives the
// watcher, so this layer needs only these values.
// Thread-safety: plain values.
#pragma once

#include <string>
#include <vector>

#include "core/scan_record.h"

namespace tj {

// One counted finding of the audit, as watch reports and compares it.
struct FindingBrief {
  std::string key;       // stable across runs: "unexpected-open 198.18.0.2 50123/tcp"
  std::string severity;  // "critical", "high", "medium", "low", "info"
  std::string title;     // one line for people
  std::string host;      // "198.18.0.2"
  std::string port;      // "50123/tcp"; empty when the finding has no port
  bool operator==(const FindingBrief&) const = default;
};

// What the audit made of a record.
struct Judgement {
  std::vector<FindingBrief> findings;  // counted findings only
  std::string audit_json;              // the audit's own JSON document, for the history
};

struct WatchRun {
  ScanRecord record;
  std::vector<FindingBrief> findings;  // counted findings only
  std::string audit_json;              // empty without a policy
};

}  // namespace tj
