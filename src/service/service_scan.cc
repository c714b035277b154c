// See service_scan.h.
#include "service/service_scan.h"

#include <unistd.h>

namespace tj {

namespace {
// Where Debian's nmap-common puts nmap's database (read at run time, never copied).
constexpr const char* kNmapProbes = "/usr/share/nmap/nmap-service-probes";
}  // namespace

Result<std::shared_ptr<ServiceScan>> ServiceScan::Make(bool enabled, int intensity, const std::string& db_path,
                                                       const std::atomic<bool>* stop,
                                                       std::chrono::microseconds port_budget) {
  auto s = std::make_shared<ServiceScan>();
  s->enabled_ = enabled;
  if (!enabled) return s;
  s->opts_ = DetectOptionsFor(intensity);
  s->opts_.stop = stop;
  if (port_budget.count() > 0) {
    using std::chrono::milliseconds;
    auto ms = std::max(milliseconds(1), std::chrono::duration_cast<milliseconds>(port_budget));
    s->opts_.port_budget = s->opts_.udp_port_budget = ms;
    // No single wait outlasts the whole.
    s->opts_.null_wait = std::min(s->opts_.null_wait, ms);
    s->opts_.max_probe_wait = std::min(s->opts_.max_probe_wait, ms);
    s->opts_.connect_timeout = std::min(s->opts_.connect_timeout, ms);
    s->opts_.tls_handshake = std::min(s->opts_.tls_handshake, ms);
  }
  if (db_path.empty() || db_path == "ours") {
    s->db_ = &BuiltinProbeDb();
    // By default nmap's database, when installed, asks about whatever ours
    // did not identify; loaded on the first such port, so a scan that
    // identifies everything never parses it.
    if (db_path.empty() && access(kNmapProbes, R_OK) == 0) s->nmap_path_ = kNmapProbes;
    return s;
  }
  std::string path = db_path == "nmap" ? kNmapProbes : db_path;
  auto db = LoadProbeDbFile(path);
  if (!db) return db.error();
  s->owned_ = std::make_shared<const ProbeDb>(std::move(*db));
  s->db_ = s->owned_.get();
  return s;
}

const ProbeDb* ServiceScan::Fallback() const {
  std::call_once(fallback_once_, [this] {
    auto db = LoadProbeDbFile(nmap_path_);
    // nmap's file is the system's, not the user's input: a file that does
    // not parse only means there is no fallback.
    if (db) fallback_ = std::make_shared<const ProbeDb>(std::move(*db));
  });
  return fallback_.get();
}

void ServiceScan::Run(const ServiceTable& services, HostResult* host) const {
  if (!enabled_) return;
  ProbeDbs dbs{db_, nullptr};
  if (!nmap_path_.empty()) dbs.fallback = [this] { return Fallback(); };
  DetectServices(dbs, services, opts_, host);
}

}  // namespace tj
