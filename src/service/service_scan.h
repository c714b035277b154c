// -sV as the scan command sees it: built once from the options (loading the
// probe database, which may fail with a file:line error), then run on each
// host before the writers get it.
// Thread-safety: Run may be called from one thread at a time per host.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "core/scan_result.h"
#include "core/services.h"
#include "core/status.h"
#include "service/detector.h"

namespace tj {

class ServiceScan {
 public:
  // enabled false: Run does nothing. db_path: empty, our built-in database
  // and then nmap's (when installed) for what ours did not identify; "ours"
  // ours alone; "nmap" nmap's alone; else that file alone.
  // port_budget: --version-timeout (0: the intensity's default).
  static Result<std::shared_ptr<ServiceScan>> Make(bool enabled, int intensity, const std::string& db_path,
                                                   const std::atomic<bool>* stop,
                                                   std::chrono::microseconds port_budget = {});
  // Fills the service of every open TCP port and open or open|filtered UDP port of host.
  void Run(const ServiceTable& services, HostResult* host) const;

 private:
  bool enabled_ = false;
  DetectOptions opts_;
  const ProbeDb* Fallback() const;

  std::shared_ptr<const ProbeDb> owned_;  // a database loaded from a file
  const ProbeDb* db_ = nullptr;
  std::string nmap_path_;                 // the fallback's file; empty: none
  mutable std::once_flag fallback_once_;
  mutable std::shared_ptr<const ProbeDb> fallback_;
};

}  // namespace tj
