// Reads an existing scan report back into a ScanRecord, for the commands that
// work on past scans (audit, history, diff). The format is told from the
// content, not the file name:
//   - tojimari's JSON report (-oJ, docs/JSON-SCHEMA.md), schema version 1;
//   - nmap's XML report (nmap.dtd): tojimari's own -oX and nmap's `nmap -oX`.
// Only ports listed one by one are kept: ports a report folds into a count
// (nmap's <extraports>, JSON "extra_ports") are not in the hosts' port lists.
// Ports in protocols tojimari has no Proto for (sctp, ip) are counted in
// ScanRecord::unsupported_ports. A reason name tojimari does not know becomes
// Reason::kUnknownResponse; an unknown port state is an error.
//
// The input may be hostile: the XML parser never touches the network, loads
// no DTD and expands no entities (a document declaring entities is refused).
// Errors are one line naming the file, the line when known, and the problem.
// Thread-safety: the functions may run concurrently.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "core/scan_record.h"

namespace tj {

// Reads and parses the report at path (a regular file).
Result<ScanRecord> ReadScanFile(const std::string& path);

// Parses a report held in memory; name is used in error messages only.
Result<ScanRecord> ReadScanText(std::string_view text, std::string_view name);

}  // namespace tj
