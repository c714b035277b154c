// The resume file an interrupted scan leaves behind: the scan's arguments,
// the first target index whose host may be unfinished, and every result
// decided so far. `tojimari resume FILE` reads it, re-emits those results,
// and probes only what was not decided, so the union of both runs equals a
// scan that was never interrupted, with no pair probed twice.
// Thread-safety: functions on caller values.
#pragma once

#include <string>
#include <vector>

#include "core/scan_result.h"
#include "core/status.h"
#include "report/safe_file.h"

namespace tj {

struct ResumeState {
  std::vector<std::string> args;  // the scan's arguments (what followed "scan")
  uint64_t start_index = 0;       // target indices below it were finished
  std::vector<HostResult> hosts;  // decided results, in the order they were reported
};

// Writes the state and commits the file (see report/safe_file.h: a crash
// leaves the previous file). The file is opened before the scan, while the
// process may still rename in its directory.
Status WriteResumeFile(OutputFile& out, const ResumeState& state);
Result<ResumeState> ReadResumeFile(const std::string& path);

}  // namespace tj
