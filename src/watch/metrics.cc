#include "watch/metrics.h"

#include <fmt/format.h>

namespace tj {
namespace {

constexpr std::string_view kSeverities[] = {"critical", "high", "medium", "low", "info"};

void Head(std::string* out, std::string_view name, std::string_view type, std::string_view help) {
  *out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

std::string PromLabel(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void Metrics::RecordRun(const WatchRun& run, std::chrono::system_clock::time_point started, double seconds) {
  std::map<std::string, uint64_t> ports, findings;
  for (const HostResult& h : run.record.hosts) {
    if (h.status != HostStatus::kUp) continue;
    uint64_t& n = ports[h.addr.ToString()];
    for (const PortResult& p : h.ports) n += p.state == PortState::kOpen;
  }
  for (std::string_view s : kSeverities) findings[std::string(s)] = 0;
  for (const FindingBrief& f : run.findings) ++findings[f.severity];
  std::lock_guard lock(mu_);
  open_ports_ = std::move(ports);
  findings_ = std::move(findings);
  last_seconds_ = seconds;
  last_timestamp_ = std::chrono::duration<double>(started.time_since_epoch()).count();
  have_run_ = true;
  ++scans_;
}

void Metrics::ScanFailed() {
  std::lock_guard lock(mu_);
  ++scan_failures_;
}
void Metrics::AlertSent() {
  std::lock_guard lock(mu_);
  ++alerts_;
}
void Metrics::AlertFailed() {
  std::lock_guard lock(mu_);
  ++alert_failures_;
}
void Metrics::Suppressed(size_t n) {
  std::lock_guard lock(mu_);
  suppressed_ += n;
}

std::string Metrics::Text() const {
  std::lock_guard lock(mu_);
  std::string out;
  Head(&out, "tojimari_open_ports", "gauge", "Open ports per host in the last watch run.");
  for (const auto& [host, n] : open_ports_) out += fmt::format("tojimari_open_ports{{host=\"{}\"}} {}\n", PromLabel(host), n);
  Head(&out, "tojimari_findings", "gauge", "Audit findings in the last watch run, by severity.");
  if (have_run_)
    for (const auto& [sev, n] : findings_) out += fmt::format("tojimari_findings{{severity=\"{}\"}} {}\n", PromLabel(sev), n);
  Head(&out, "tojimari_last_scan_duration_seconds", "gauge", "Wall time of the last watch run's scan and re-check.");
  if (have_run_) out += fmt::format("tojimari_last_scan_duration_seconds {:.3f}\n", last_seconds_);
  Head(&out, "tojimari_last_scan_timestamp_seconds", "gauge", "Unix time the last completed watch run started.");
  if (have_run_) out += fmt::format("tojimari_last_scan_timestamp_seconds {:.3f}\n", last_timestamp_);
  Head(&out, "tojimari_scans_total", "counter", "Watch runs completed.");
  out += fmt::format("tojimari_scans_total {}\n", scans_);
  Head(&out, "tojimari_scan_failures_total", "counter", "Watch runs whose scan could not run.");
  out += fmt::format("tojimari_scan_failures_total {}\n", scan_failures_);
  Head(&out, "tojimari_alerts_sent_total", "counter", "Alerts delivered, counted per sink.");
  out += fmt::format("tojimari_alerts_sent_total {}\n", alerts_);
  Head(&out, "tojimari_alert_failures_total", "counter", "Alerts a sink failed to deliver.");
  out += fmt::format("tojimari_alert_failures_total {}\n", alert_failures_);
  Head(&out, "tojimari_changes_suppressed_total", "counter", "Port changes the re-check did not confirm.");
  out += fmt::format("tojimari_changes_suppressed_total {}\n", suppressed_);
  return out;
}

}  // namespace tj
