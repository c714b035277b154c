// Reads a policy file (TOML; examples/policy.toml shows every key, and
// docs/POLICY.md explains them). Every error is one line, "FILE:LINE: what
// is wrong": TOML syntax, an unknown key (with "did you mean"), a wrong type,
// a bad network, host or port, a group outside the scope, an exception
// without owner, reason or a valid expiry date.
// Parsing does no DNS: names in host lists are resolved when the audit scans.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "policy/policy.h"

namespace tj {

// Parses policy text; `path` names it in errors and in Policy::path.
Result<Policy> ParsePolicy(std::string_view text, const std::string& path);

// Reads and parses a policy file.
Result<Policy> ReadPolicyFile(const std::string& path);

}  // namespace tj
