// What engines produce and writers consume: one result per probed port and
// one summary per host. Plain values; writers never see engine internals.
// Thread-safety: plain values.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/address.h"
#include "core/types.h"

namespace tj {

struct PortResult {
  Address addr;
  uint16_t port = 0;
  Proto proto = Proto::kTcp;
  PortState state = PortState::kFiltered;
  Reason reason = Reason::kNoResponse;
  uint8_t reason_ttl = 0;  // TTL of the reply that decided it; 0 when unknown (connect scans)
  Address reason_ip;       // who sent an ICMP error, when it was not the target itself
  bool reason_ip_set = false;
  std::chrono::microseconds rtt{0};  // probe to reply, 0 when there was none
  uint8_t tries = 1;                 // probes sent for this port
};

enum class HostStatus : uint8_t { kUp, kDown, kTimedOut };

struct HostResult {
  Address addr;
  std::string name;        // host name given by the user or found by reverse lookup
  HostStatus status = HostStatus::kUp;
  Reason reason = Reason::kUserSet;  // why it is considered up
  std::chrono::microseconds latency{0};  // smoothed round-trip time
  std::vector<PortResult> ports;         // sorted by (proto, port)
};

}  // namespace tj
