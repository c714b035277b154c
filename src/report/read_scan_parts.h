// The pieces read_scan.cc puts together: one reader per format, and what they
// share. Used only by the read_scan*.cc files.
// Thread-safety: pure functions.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/scan_record.h"

namespace tj::read_scan {

// Each reader returns errors already prefixed with name ("scan.xml:12: ...").
Result<ScanRecord> ReadJson(std::string_view text, std::string_view name);
Result<ScanRecord> ReadXml(std::string_view text, std::string_view name);
// The same, reading as they go: memory follows the record, not the file.
Result<ScanRecord> ReadJsonFile(std::FILE* file, std::string_view name);
Result<ScanRecord> ReadXmlFd(int fd, std::string_view name);

// A reason by its name; names tojimari does not know become kUnknownResponse.
Reason ReasonOrUnknown(std::string_view name);

// Puts each host's ports in (proto, port) order, as ScanRecord promises.
void SortPorts(ScanRecord* record);

// Quotes outside text for an error message: at most 40 bytes, control bytes escaped.
std::string Quote(std::string_view s);

}  // namespace tj::read_scan
