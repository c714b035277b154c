// The audit: a scan compared with the policy. A pure function of its inputs
// (the scan, the policy, the knowledge base and the time), so the audit
// command, watch and tests all get the same findings from the same facts.
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "audit/finding.h"
#include "audit/risks.h"
#include "policy/policy.h"
#include "core/scan_record.h"

namespace tj {

// One rule of the policy and what became of it: a JUnit test case.
struct RuleCheck {
  std::string group;            // "" for the policy's exceptions
  std::string name;             // "22/tcp expected open", "3306/tcp never open",
                                // "no unexpected open ports", "exception for 8080/tcp ..."
  int line = 0;                 // in the policy file
  std::vector<size_t> failures; // indices into AuditReport::findings that count
};

struct AuditReport {
  std::string policy_name, policy_path;
  std::string scanner;          // "tojimari" or "nmap": who made the scan
  std::string scan_args;        // the scan's command line
  std::chrono::system_clock::time_point scan_start;
  std::chrono::system_clock::time_point audited_at;  // the "now" given to Audit
  size_t hosts_audited = 0;     // scanned hosts that belong to a group
  size_t hosts_outside = 0;     // scanned hosts no group names (not audited)
  std::vector<Finding> findings;  // by severity (worst first), then host, then port
  std::vector<RuleCheck> checks;  // in policy order

  size_t CountedFindings() const;
  size_t Count(Severity s) const;  // counted findings of this severity
};

// Compares the scan with the policy at time `now` (which decides which
// exceptions have expired).
AuditReport Audit(const ScanRecord& scan, const Policy& policy, std::chrono::system_clock::time_point now,
                  const RiskBase& risks = RiskBase::Builtin());

// The exit code an audit ends with: 0 when nothing counts, 1 otherwise.
int AuditExitCode(const AuditReport& report);

}  // namespace tj
