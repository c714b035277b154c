// Runs one scan request end to end: targets and ports, the engines
// (session/engines.h), discovery, reverse DNS, -sV, the report writers, the
// history and, when interrupted, the resume file. Every command that scans
// (scan, resume, audit, watch's scan child; later the web console and
// campaigns) starts scans here and nowhere else, and hears of them through
// a ScanObserver.
// Thread-safety: RunScan runs on the calling thread; the observer is called
// on it too.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/scan_record.h"
#include "core/status.h"
#include "session/engines.h"
#include "session/progress.h"
#include "session/resume_file.h"
#include "session/scan_request.h"

namespace tj {

// What a running scan tells whoever started it. Every method has a default
// that ignores it.
class ScanObserver {
 public:
  virtual ~ScanObserver() = default;
  // A line for the user: engine fallbacks, privileges dropped, a host that
  // bans us or caps its RSTs.
  virtual void Notice(std::string_view /*line*/) {}
  // The scan starts; `counters` stay valid until Done and may be read from
  // any thread (a progress line, a web page's progress bar).
  virtual void Started(const ScanInfo& /*info*/, const ProgressCounters& /*counters*/) {}
  // One host's complete result, as the writers get it.
  virtual void Host(const HostResult& /*h*/) {}
  // The port scan is over (before the writers close their reports).
  virtual void Done(const RunSummary& /*s*/) {}
};

// Opens the engines for a request; tests give a fake one.
using EngineChooser = std::function<Result<ChosenEngine>(const EngineChoice&)>;

// Where a scan runs, besides what it was asked.
struct ScanEnv {
  const std::atomic<bool>* stop = nullptr;  // set on SIGINT/SIGTERM
  ScanRecord* record = nullptr;             // filled with the whole scan
  bool quiet = false;                       // no normal output on stdout (report files still written)
  // An interrupted scan leaves a resume file unless the scan is part of
  // something `tojimari resume` cannot finish (audit, watch).
  bool resumable = true;
  const ResumeState* resume = nullptr;      // finishing this interrupted scan
  EngineChooser choose_engine;              // empty: ChooseEngine
};

struct ScanOutcome {
  RunSummary summary;                // interrupted, hosts, time
  std::string engine_stats;          // the engines' counters, a line each
  std::optional<int64_t> stored_id;  // --store: the scan's id in the history
  std::string store_name;
  std::string resume_written;        // interrupted: the resume file that finishes it
  Status output_error;               // the first report that could not be written (the others are whole)
};

// Errors: a request that cannot run (bad targets, ports, outputs, history,
// engine), or what failed after the scan (history, resume file); reports
// already written stay.
Result<ScanOutcome> RunScan(const ScanRequest& req, const ScanEnv& env, ScanObserver* observer);

}  // namespace tj
