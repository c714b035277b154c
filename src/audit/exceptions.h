// Exceptions: deviations people agreed to for a while. A valid exception
// turns the findings it covers into exception-applied (info, not counted);
// an expired one leaves them standing, notes on each which exception lapsed,
// and is a finding of its own. Used by the audit (audit.cc) after the checks.
// Thread-safety: a pure function.
#pragma once

#include <chrono>
#include <vector>

#include "audit/finding.h"
#include "audit/risks.h"
#include "policy/policy.h"

namespace tj {

// Applies policy.exceptions to *findings as of `now`; an exception is valid
// through its expiry day (UTC). Expired exceptions are appended.
void ApplyExceptions(const Policy& policy, std::chrono::system_clock::time_point now, const RiskBase& risks,
                     std::vector<Finding>* findings);

}  // namespace tj
