// Scans for `tojimari watch` in a child process. A raw scan gives up its
// privileges for good once its sockets are open (net/privileges.h), so a
// long-running watch cannot scan twice in one process. Each scan (and each
// re-check) is therefore a child: the watch fork()s and at once exec()s the
// tojimari binary again as `tojimari _scan-record ARGV_LINE ARGS...`, which
// runs `tojimari scan ARGS`, drops its privileges as any scan does, and hands
// its record back over a pipe as tojimari's JSON report (written with no port
// folded, read back with ReadScanText). The watch process keeps CAP_NET_RAW
// for the next scan and never reads a packet from the network itself.
//
// Why exec and not a forked copy that scans: the watch has threads (the
// metrics server), and a fork() of a threaded process copies every lock as
// some other thread held it at that instant; the child may then only make
// async-signal-safe calls until it execs. (A copy that scanned deadlocked
// under AddressSanitizer on the allocator's lock the metrics thread held.)
// Thread-safety: call from the watch loop's thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "core/status.h"
#include "core/scan_record.h"

namespace tj {

// Errors: the child could not start, the scan exited with an error (its
// message is on stderr already), or its report did not parse. A scan
// interrupted by ctx.stop returns a record with summary.interrupted.
// exe: the tojimari binary; /proc/self/exe is this very binary, even after
// a package upgrade replaced the file on disk.
inline constexpr const char* kSelfExe = "/proc/self/exe";
Result<ScanRecord> ScanInChild(const std::vector<std::string>& args, const CommandContext& ctx,
                               const std::string& exe = kSelfExe);

// The child's side, `tojimari _scan-record ARGV_LINE ARGS...` (not in the
// help: only watch calls it): runs the scan quietly and writes its record
// to stdout. Exit status as the scan's.
inline constexpr std::string_view kScanRecordCommand = "_scan-record";
int RunScanRecord(const std::vector<std::string>& args, const CommandContext& ctx);

}  // namespace tj
