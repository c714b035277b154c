// Which ports a report lists one by one and which it folds into a count per
// state: nmap's rule, so the normal, XML, JSON and grepable reports of one
// scan agree on what is "not shown". A state is folded when it has more than
// 25 x (verbosity + 1) ports; with --open every state but open, open|filtered
// and unfiltered is folded. Open ports are never folded.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/scan_result.h"

namespace tj {

struct FoldedReason {
  Reason reason;
  std::vector<uint16_t> ports;  // ascending; the count is ports.size()
};

struct FoldedState {
  Proto proto;
  PortState state;
  size_t count = 0;
  std::vector<FoldedReason> reasons;  // most ports first
};

struct PortFold {
  std::vector<const PortResult*> shown;  // in the host's order; point into the folded vector
  std::vector<FoldedState> folded;       // most ports first
};

// REQUIRES: ports outlives the result (shown points into it).
PortFold FoldPorts(const std::vector<PortResult>& ports, int verbose, bool open_only);

// Ports as ranges in nmap's -p syntax, ascending, duplicates dropped:
// {1,2,3,5,80,81} -> "1-3,5,80-81". Empty for no ports.
std::string PortRanges(std::vector<uint16_t> ports);

}  // namespace tj
