// Turns what the kernel says about a non-blocking connect into a port state
// and reason: one place for every errno and ICMP type/code, as muduo's
// Connector does in one switch.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>

#include "core/types.h"

namespace tj {

struct Verdict {
  PortState state;
  Reason reason;
};

// What SO_ERROR (or connect()'s own errno) means. nullopt: no answer at all
// (a timeout), so the probe should be retried like a silent one.
std::optional<Verdict> ClassifyConnectErrno(int err);

// What an ICMP error read from the socket's error queue (IP_RECVERR) means.
// This is finer than the errno: the kernel folds admin-prohibited into
// EHOSTUNREACH, the ICMP code keeps it apart.
Verdict ClassifyIcmp(bool v6, uint8_t type, uint8_t code);

}  // namespace tj
