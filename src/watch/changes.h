// How watch decides what changed between two runs, and whether a port's
// change is real: the ports whose state changed are scanned a second time
// (a re-check of just those host:port pairs), and a change the re-check does
// not confirm (the port is back in its old state) is suppressed, so that one
// lost packet never pages anyone.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/scan_record.h"
#include "watch/watch_run.h"

namespace tj {

// One port whose state differs between the previous run and this one.
struct PortFlip {
  Address host;
  std::string host_name;
  Proto proto = Proto::kTcp;
  uint16_t port = 0;
  // nullopt: that run does not report the port (not listed, or the host
  // was down or absent).
  std::optional<PortState> before, after;
  bool rechecked = false;  // after is what the re-check saw
  bool operator==(const PortFlip&) const = default;
};

// "closed", "open", ..., or "not reported" for nullopt.
std::string StateText(const std::optional<PortState>& s);

// Ports whose state differs, by (host, proto, port). As in `tojimari diff`,
// a port only one run reports counts only when that run has it open: a
// narrower scan is not a change, an open port gone from the report is.
std::vector<PortFlip> PortFlips(const ScanRecord& before, const ScanRecord& after);

struct FindingDelta {
  std::vector<FindingBrief> appeared, cleared;
  bool empty() const { return appeared.empty() && cleared.empty(); }
};
// Findings compared by key.
FindingDelta CompareFindings(const std::vector<FindingBrief>& before, const std::vector<FindingBrief>& after);

// One host's ports to scan again (the watch's scan options otherwise).
struct Recheck {
  Address host;
  std::vector<uint16_t> tcp, udp;  // ascending
  bool operator==(const Recheck&) const = default;
};
std::vector<Recheck> RechecksFor(const std::vector<PortFlip>& flips);

struct Confirmation {
  std::vector<PortFlip> confirmed;   // after: the re-check's state
  std::vector<PortFlip> suppressed;  // the re-check found the old state again; after: what the run saw
};
// A change is confirmed unless the re-check saw the port as it was before.
Confirmation ConfirmFlips(const std::vector<PortFlip>& flips, const std::vector<ScanRecord>& rechecks);

// The run's record corrected by the re-checks: every port a re-check saw
// takes the re-check's result (so the next run compares with what was
// confirmed, not with a lost packet).
void ApplyRechecks(const std::vector<ScanRecord>& rechecks, ScanRecord* record);

}  // namespace tj
