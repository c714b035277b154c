// A whole scan as one value: what audit, history and diff work on. It is
// filled by the record writer during a scan, read back from a report file
// (tojimari's JSON or XML, or nmap's XML), or loaded from the history store.
// Thread-safety: plain values.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/scan_result.h"
#include "report/writer.h"

namespace tj {

struct ScanRecord {
  std::string scanner = "tojimari";  // who made it: "tojimari" or "nmap"
  ScanInfo info;                     // arguments, start time, scan type
  RunSummary summary;                // hosts up/total, elapsed, interrupted
  std::vector<HostResult> hosts;     // every host reported, ports sorted by (proto, port)
  // Ports a report read from a file listed in protocols tojimari has no Proto
  // for (nmap's sctp, and ip for -sO): counted here, not kept in hosts.
  uint64_t unsupported_ports = 0;
};

// A writer that keeps everything it is given in *record (which must outlive
// it): the scan command adds it beside the file writers when a caller wants
// the scan as a value.
std::unique_ptr<Writer> MakeRecordWriter(ScanRecord* record);

}  // namespace tj
