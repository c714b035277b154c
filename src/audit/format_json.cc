// The audit for programs: one JSON document, versioned, described in
// docs/AUDIT-JSON.md and docs/tojimari-audit.schema.json.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "audit/format.h"

namespace tj {
namespace {

using Json = nlohmann::ordered_json;

std::string IsoTime(std::chrono::system_clock::time_point t) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(t)));
}

Json OneFinding(const Finding& f) {
  Json j = {
      {"key", f.Key()},
      {"kind", FindingKindName(f.kind)},
      {"severity", SeverityName(f.severity)},
      {"counts", f.Counts()},
      {"host", f.host},
      {"host_name", f.host_name},
      {"port", f.has_port ? Json(f.port) : Json(nullptr)},
      {"proto", f.has_port ? Json(ProtoName(f.proto)) : Json(nullptr)},
      {"state", f.state},
      {"service", f.service},
      {"service_probed", f.service_probed},
      {"product", f.product},
      {"expected_service", f.expected_service},
      {"title", f.title},
      {"detail", f.detail},
      {"risk", f.risk},
      {"remediation", f.remediation},
      {"risk_id", f.risk_id},
      {"group", f.group},
      {"rule", f.rule},
      {"rule_line", f.rule_line},
  };
  j["suppressed_kind"] = f.kind == FindingKind::kExceptionApplied ? Json(FindingKindName(f.suppressed)) : Json(nullptr);
  if (f.exception_expires.empty()) {
    j["exception"] = nullptr;
  } else {
    j["exception"] = {{"owner", f.exception_owner},
                      {"reason", f.exception_reason},
                      {"expires", f.exception_expires},
                      {"line", f.exception_line}};
  }
  return j;
}

}  // namespace

std::string RenderAuditJson(const AuditReport& r, const AuditRenderOptions& opts) {
  Json by_severity = Json::object();
  for (Severity s : {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow, Severity::kInfo})
    by_severity[std::string(SeverityName(s))] = r.Count(s);
  Json findings = Json::array();
  for (const Finding& f : r.findings) findings.push_back(OneFinding(f));
  Json doc = {
      {"format", "tojimari-audit"},
      {"schema_version", kAuditJsonVersion},
      {"version", opts.version},
      {"policy", {{"name", r.policy_name}, {"path", r.policy_path}}},
      {"scan", {{"scanner", r.scanner}, {"args", r.scan_args}, {"start_time", IsoTime(r.scan_start)}}},
      {"audited_at", IsoTime(r.audited_at)},
      {"summary",
       {{"hosts_audited", r.hosts_audited},
        {"hosts_outside", r.hosts_outside},
        {"findings", r.CountedFindings()},
        {"by_severity", by_severity},
        {"exit_code", AuditExitCode(r)}}},
      {"findings", findings},
  };
  // Scan data can hold any bytes (banners, PTR names): never fail on them.
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace tj
