// See service_scan.h.
#include "service/service_scan.h"

namespace tj {

Result<std::shared_ptr<ServiceScan>> ServiceScan::Make(bool enabled, int intensity, const std::string& db_path,
                                                       const std::atomic<bool>* stop) {
  auto s = std::make_shared<ServiceScan>();
  s->enabled_ = enabled;
  if (!enabled) return s;
  s->opts_ = DetectOptionsFor(intensity);
  s->opts_.stop = stop;
  if (db_path.empty()) {
    s->db_ = &BuiltinProbeDb();
  } else {
    // "nmap": nmap's own file where the nmap package puts it (read at run
    // time, never copied).
    std::string path = db_path == "nmap" ? "/usr/share/nmap/nmap-service-probes" : db_path;
    auto db = LoadProbeDbFile(path);
    if (!db) return db.error();
    s->owned_ = std::make_shared<const ProbeDb>(std::move(*db));
    s->db_ = s->owned_.get();
  }
  return s;
}

void ServiceScan::Run(const ServiceTable& services, HostResult* host) const {
  if (enabled_) DetectServices(*db_, services, opts_, host);
}

}  // namespace tj
