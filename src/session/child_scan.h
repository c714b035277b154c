// Scans in a child process, for a process that must scan more than once
// (watch; later the web console). A raw scan gives up its privileges for
// good once its sockets are open (net/privileges.h), so a long-running
// process cannot scan twice itself. Each scan is therefore a child: the
// parent fork()s and at once exec()s the tojimari binary again as
// `tojimari _scan-record`, writes the scan request to its stdin
// (session/request_codec.h: nothing of it shows in `ps`), and reads the
// record back from its stdout as the record codec's lines
// (session/record_codec.h: lossless, every port). The parent keeps
// CAP_NET_RAW for the next scan and never reads a packet itself.
//
// Why exec and not a forked copy that scans: the watch has threads (the
// metrics server), and a fork() of a threaded process copies every lock as
// some other thread held it at that instant; the child may then only make
// async-signal-safe calls until it execs. (A copy that scanned deadlocked
// under AddressSanitizer on the allocator's lock the metrics thread held.)
// Thread-safety: call from one thread at a time.
#pragma once

#include <atomic>
#include <string>
#include <string_view>

#include "core/scan_record.h"
#include "core/status.h"
#include "session/scan_request.h"

namespace tj {

// Errors: the child could not start, the scan could not run (its message
// is on stderr already), or its record did not parse. A scan interrupted
// by *stop returns a record with summary.interrupted.
// exe: the tojimari binary; /proc/self/exe is this very binary, even after
// a package upgrade replaced the file on disk.
inline constexpr const char* kSelfExe = "/proc/self/exe";
Result<ScanRecord> ScanInChild(const ScanRequest& req, const std::atomic<bool>* stop,
                               const std::string& exe = kSelfExe);

// The child's side, `tojimari _scan-record` (not in the help: only
// ScanInChild calls it): reads the request from stdin, runs it quietly
// (no resume file) and writes its record to stdout. Exit status: 0 done,
// 130 interrupted, 2 the scan could not run.
inline constexpr std::string_view kScanRecordCommand = "_scan-record";
int RunScanRecord(const std::atomic<bool>* stop);

}  // namespace tj
