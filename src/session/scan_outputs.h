// A scan's reports: every writer the request names, opened before the scan
// so a bad path fails at once rather than after a long scan, and the fan
// out that hands each result to all of them.
// Thread-safety: a Fanout is used by one scan; OnPort may come from the
// engine's threads one at a time (ResultSink's contract).
#pragma once

#include <memory>
#include <vector>

#include "core/scan_record.h"
#include "core/services.h"
#include "engine/connect_engine.h"
#include "report/writer.h"
#include "session/progress.h"
#include "session/rename_helper.h"
#include "session/scan_request.h"

namespace tj {

// Fans results out to every writer; remembers the first write error so the
// scan goes on and the other outputs stay complete.
class Fanout : public ResultSink {
 public:
  std::vector<std::unique_ptr<Writer>> writers;
  Writer* interactive = nullptr;  // the normal output on stdout: the only one in colour
  Status first_error;
  ProgressCounters progress;

  void Note(Status s) {
    if (!s.ok() && first_error.ok()) first_error = s;
  }
  void OnPort(const PortResult& r) override;
  void Begin(const ScanInfo& info);
  void Host(const HostResult& h);
  void End(const RunSummary& s);
};

// Opens the request's reports into *f: `record` (if set) keeps the whole
// scan, the normal report goes to stdout unless `quiet` or another report
// takes stdout ("-"), then each file. Report files appear only complete
// (report/safe_file.h), through `slot`'s helper when one is set; their
// temporary names are added to *renames. NDJSON streams so tools can
// follow it while the scan runs.
Status OpenWriters(const ScanRequest& r, const ServiceTable& services, ScanRecord* record, bool quiet,
                   const MoverSlot* slot, std::vector<RenameHelper::Pair>* renames, Fanout* f);

}  // namespace tj
