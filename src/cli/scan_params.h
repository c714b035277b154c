// `tojimari scan`'s options: the scan request (session/scan_request.h) plus
// what only a command line has. The parameter table in scan_params.cc is
// the only writer of it; its technique rows come from core/technique.h.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/params.h"
#include "session/scan_request.h"

namespace tj {

struct ScanOptions : ScanRequest {
  bool help = false;     // -h, --help
  bool version = false;  // -V, --version
};

std::span<const Param<ScanOptions>> ScanParams();
// After parsing: reads the -p text into the request's port spec, and
// refuses options that parse one by one but contradict each other
// (--min-rate over --max-rate...), naming the first; nmap's behaviour
// where nmap accepts a combination.
Status FinishScanOptions(ScanOptions* o);
// ParseParams, then FinishScanOptions: `args` as `tojimari scan` takes them.
Result<ScanOptions> ParseScanOptions(const std::vector<std::string>& args);

}  // namespace tj
