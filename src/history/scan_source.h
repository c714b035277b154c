// A scan named by a word, as `diff` and `audit --from` take them (and the
// web console will): a history reference (an id, latest, latest~N, a date;
// history/ref.h) or a report file (tojimari's JSON or XML, nmap's XML). The
// history is opened only when a reference needs it: two files need no
// database.
// Thread-safety: one ScanSource per thread.
#pragma once

#include <memory>
#include <string>

#include "core/scan_record.h"
#include "core/status.h"
#include "history/diff_report.h"
#include "history/store.h"

namespace tj {

struct LoadedScan {
  DiffSide side;  // where it came from (side.scan is left for the caller to point)
  ScanRecord scan;
};

class ScanSource {
 public:
  explicit ScanSource(std::string db_url) : url_(std::move(db_url)) {}
  // A word is a history reference when it has that shape and no '/'
  // (write ./latest for a file named "latest"); anything else is a file.
  static bool IsRef(const std::string& word);
  Result<LoadedScan> Load(const std::string& word);
  // The scan stored just before s. REQUIRES: s came from the history.
  Result<LoadedScan> Previous(const LoadedScan& s);

 private:
  Result<Store*> Open();
  Result<LoadedScan> LoadId(int64_t id);
  std::string url_;
  std::unique_ptr<Store> store_;
};

}  // namespace tj
