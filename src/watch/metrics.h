// What watch exposes to Prometheus: the last run's open ports per host and
// findings by severity, the last scan's duration and time, and counters of
// scans, failures, alerts and suppressed changes. Text() renders the
// Prometheus text exposition format (version 0.0.4).
// Thread-safety: every method may be called from any thread (the watch loop
// updates, the metrics server reads).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "watch/watch_run.h"

namespace tj {

class Metrics {
 public:
  // A cycle completed: its (re-checked) scan, findings and scan time.
  void RecordRun(const WatchRun& run, std::chrono::system_clock::time_point started, double seconds);
  void ScanFailed();
  void AlertSent();
  void AlertFailed();
  void Suppressed(size_t n);

  std::string Text() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> open_ports_;  // host -> open ports in the last run
  std::map<std::string, uint64_t> findings_;    // severity -> count in the last run
  double last_seconds_ = 0, last_timestamp_ = 0;
  bool have_run_ = false;
  uint64_t scans_ = 0, scan_failures_ = 0, alerts_ = 0, alert_failures_ = 0, suppressed_ = 0;
};

// A label value escaped for the exposition format (\\, \" and \n).
std::string PromLabel(std::string_view value);

}  // namespace tj
