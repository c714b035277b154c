// Scans for `tojimari watch` in a child process. A raw scan gives up its
// privileges for good once its sockets are open (net/privileges.h), so a
// long-running watch cannot scan twice in one process. Each scan (and each
// re-check) is therefore a fork()ed child that runs `tojimari scan ARGS`,
// drops its privileges as any scan does, and hands its record back over a
// pipe as tojimari's JSON report (written with no port folded, read back
// with ReadScanText). The watch process keeps CAP_NET_RAW for the next scan
// and never reads a packet from the network itself.
// Thread-safety: call from the watch loop's thread; the child uses only
// what the scan itself uses (no lock the metrics thread may hold).
#pragma once

#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/status.h"
#include "report/scan_record.h"

namespace tj {

// Errors: the child could not start, the scan exited with an error (its
// message is on stderr already), or its report did not parse. A scan
// interrupted by ctx.stop returns a record with summary.interrupted.
Result<ScanRecord> ScanInChild(const std::vector<std::string>& args, const CommandContext& ctx);

}  // namespace tj
