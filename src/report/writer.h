// A writer turns typed scan results into one output format. Engines never
// format text; writers never scan. The scan command calls Begin once, Port
// for every port result as it is found (for streaming formats), Host when a
// host is complete, and End once.
// Thread-safety: a writer is used from one thread.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "core/scan_record.h"
#include "core/scan_result.h"
#include "core/services.h"
#include "core/status.h"
#include "report/safe_file.h"

namespace tj {

class Writer {
 public:
  virtual ~Writer() = default;
  virtual Status Begin(const ScanInfo& info) = 0;
  virtual Status Port(const PortResult&) { return Status::Ok(); }
  virtual Status Host(const HostResult& host) = 0;
  virtual Status End(const RunSummary& summary) = 0;
};

// The version of the JSON documents (-oJ) and NDJSON lines (--ndjson), as
// docs/JSON-SCHEMA.md describes them. Bump it when a field changes meaning or
// goes away; adding a field does not.
inline constexpr int kJsonSchemaVersion = 1;

// Kept for the writers' constructors: an output is an OutputFile.
using FilePtr = OutputFile;
// Opens an output destination ("-" is stdout). Report files are replaced only
// when complete; NDJSON passes OutputMode::kStream. See safe_file.h.
Result<FilePtr> OpenOutput(const std::string& path, OutputMode mode = OutputMode::kReplaceWhenDone,
                           const MoverSlot* slot = nullptr);

// Each writer commits its output in End(): a file it never ends is not
// written. nmap's formats fold uninteresting ports as the normal output does.
// Writes text whole to out; the error names the format ("XML", "JSON").
Status WriteText(FILE* out, std::string_view text, std::string_view format);

std::unique_ptr<Writer> MakeNormalWriter(FilePtr out, const ServiceTable& services);
std::unique_ptr<Writer> MakeNdjsonWriter(FilePtr out, const ServiceTable& services);
std::unique_ptr<Writer> MakeXmlWriter(FilePtr out, const ServiceTable& services);       // -oX
std::unique_ptr<Writer> MakeJsonWriter(FilePtr out, const ServiceTable& services);      // -oJ
std::unique_ptr<Writer> MakeGrepableWriter(FilePtr out, const ServiceTable& services);  // -oG

}  // namespace tj
