// One watch cycle: scan, compare with the previous run, re-check the ports
// that changed, judge (the audit), store, alert, update the metrics. The
// scan, the re-check and the audit are functions the watch command gives
// (so this layer never includes the CLI, and tests can drive a cycle with
// real records); the history is a RunLog.
// Thread-safety: a Watcher is used from one thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "watch/alert.h"
#include "watch/alert_sink.h"
#include "watch/changes.h"
#include "watch/metrics.h"
#include "watch/watch_run.h"

namespace tj {

struct WatchSource {
  // The full scan. A record with summary.interrupted means a stop was asked.
  std::function<Result<ScanRecord>()> scan;
  // A second, targeted scan of one host's changed ports.
  std::function<Result<ScanRecord>(const Recheck&)> recheck;
  // The audit of a record; empty function: no policy.
  std::function<Judgement(const ScanRecord&)> judge;
};

// Where runs are kept between cycles and between processes (--once).
class RunLog {
 public:
  virtual ~RunLog() = default;
  virtual Result<std::optional<WatchRun>> Last() = 0;  // the newest run, if any
  virtual Result<int64_t> Save(const WatchRun& run) = 0;  // its id
};
// Keeps the last run in memory only (ids count from 1).
std::unique_ptr<RunLog> MakeMemoryRunLog();

struct CycleResult {
  Alert alert;               // what changed (alert.empty(): nothing to tell)
  bool baseline = false;     // no previous run: nothing to compare ports with
  bool interrupted = false;  // a stop during the scan: nothing stored or alerted
  bool recheck_failed = false;
  size_t sink_failures = 0;
  Status stored;             // the history's answer; an error is also logged
};

class Watcher {
 public:
  Watcher(WatchSource source, RunLog* log, std::vector<std::unique_ptr<AlertSink>>* sinks, Metrics* metrics,
          std::string policy)
      : source_(std::move(source)), log_(log), sinks_(sinks), metrics_(metrics), policy_(std::move(policy)) {}

  // Errors: the scan could not run, or the history could not be read.
  Result<CycleResult> Cycle();

 private:
  Result<std::optional<WatchRun>> Previous();
  Confirmation Recheck(const std::vector<PortFlip>& flips, ScanRecord* record, bool* failed);
  void Send(const Alert& alert, CycleResult* result);

  WatchSource source_;
  RunLog* log_;
  std::vector<std::unique_ptr<AlertSink>>* sinks_;
  Metrics* metrics_;
  std::string policy_;
  std::optional<WatchRun> last_;  // the previous run, once known
  bool have_last_ = false;
};

}  // namespace tj
