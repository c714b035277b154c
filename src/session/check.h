// `check`'s logic, for the command line and (later) the web console's port
// checker: is HOST:PORT listening? Each round connects to every endpoint
// once (with a retry) in parallel; with a wait, rounds repeat, backing off
// from 100 ms to 1 s, until all are open or the time is up.
// Thread-safety: CheckPorts runs on the calling thread; *stop may be set
// from anywhere (a signal handler).
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "core/duration.h"
#include "core/scan_result.h"
#include "core/status.h"
#include "core/target_spec.h"

namespace tj {

struct Endpoint {
  std::string text;  // as given: "db:5432", "[::1]:80"
  Address addr;
  uint16_t port = 0;
};

// HOST:PORT or [IPv6]:PORT; the port a number or a TCP service name;
// the host a literal or a name (resolved to its first address of `family`).
Result<Endpoint> ParseEndpoint(const std::string& item, FamilyChoice family);

struct CheckRequest {
  std::vector<Endpoint> endpoints;
  Duration wait{0};             // keep trying this long
  Duration timeout{2'000'000};  // per attempt, for one reply
};

struct CheckOutcome {
  // The last round that ran to its end, one per endpoint in order; empty
  // when interrupted before any round ended (a round cut short holds no
  // answer for the ports it had not decided, so it is never reported).
  std::vector<PortResult> results;
  bool all_open = false;
  bool interrupted = false;
};

CheckOutcome CheckPorts(const CheckRequest& req, const std::atomic<bool>* stop);

}  // namespace tj
