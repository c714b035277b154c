// The one lossless encoding of a scan's results (core/scan_record.h), as
// JSON lines: every field of every host and port, -sV's service and
// certificate included, in a form this version reads back exactly. The
// resume file keeps its hosts this way, and watch's scan child
// (session/child_scan.h) hands its record to the watch this way. The
// reports (JSON, XML) are for people and other tools; they fold and round.
//
// Lines: {"info":{"record_format":1,...}} (ScanInfo and who scanned; the
// resume file's own header carries its format), {"host":{...}} per
// host (its ports as positional arrays, streamed out one at a time),
// {"summary":{...}}. Decoding checks every field (ports 1-65535,
// known states and reasons, bounded text) and names the first it refuses.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/scan_record.h"
#include "core/status.h"

namespace tj {

// Each ends with "\n".
std::string EncodeInfoLine(const ScanRecord& r);  // r.scanner and r.info
std::string EncodeHostLine(const HostResult& h);
std::string EncodeSummaryLine(const RunSummary& s);

// Reads a record's lines in order into *r: an info line first, host lines,
// a summary line last. `where` names the text in errors.
class RecordDecoder {
 public:
  explicit RecordDecoder(ScanRecord* r) : r_(r) {}
  Status Line(std::string_view line);
  // Errors: the summary line never came (the writer died midway).
  Status Finish() const;

 private:
  ScanRecord* r_;
  bool info_ = false, summary_ = false;
};

// One host line alone (the resume file's).
Result<HostResult> DecodeHostLine(std::string_view line);

}  // namespace tj
