// Turns what the kernel says about a non-blocking connect into a port state
// and reason: one place for every errno and ICMP type/code, as muduo's
// Connector does in one switch.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>

#include "core/types.h"
#include "probes/icmp_verdict.h"

namespace tj {

// What SO_ERROR (or connect()'s own errno) means. nullopt: no answer at all
// (a timeout), so the probe should be retried like a silent one.
std::optional<Verdict> ClassifyConnectErrno(int err);

}  // namespace tj
