// The audit as SARIF 2.1.0 (OASIS), the format GitHub code scanning and
// other dashboards import. Each finding is a result whose location is the
// policy line it breaks (the policy is the file under review); rules are
// per finding kind and risk ("forbidden-open/mysql"), so a dashboard can
// rank them by GitHub's security-severity property. Findings an exception
// tolerates carry an accepted external suppression with its justification.
#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "audit/format.h"

namespace tj {
namespace {

using Json = nlohmann::ordered_json;

std::string_view Level(Severity s) {
  switch (s) {
    case Severity::kCritical:
    case Severity::kHigh: return "error";
    case Severity::kMedium: return "warning";
    case Severity::kLow: return "note";
    case Severity::kInfo: return "none";
  }
  return "none";
}

// GitHub reads a rule's "security-severity" (0.1-10) to show critical (9+),
// high (7-8.9), medium (4-6.9) or low.
std::string_view SecuritySeverity(Severity s) {
  switch (s) {
    case Severity::kCritical: return "9.5";
    case Severity::kHigh: return "8.0";
    case Severity::kMedium: return "5.5";
    case Severity::kLow: return "3.0";
    case Severity::kInfo: return "0.0";
  }
  return "0.0";
}

FindingKind ShownKind(const Finding& f) {
  return f.kind == FindingKind::kExceptionApplied ? f.suppressed : f.kind;
}

std::string RuleId(const Finding& f) {
  std::string_view kind = FindingKindName(ShownKind(f));
  return kind == f.risk_id ? std::string(kind) : fmt::format("{}/{}", kind, f.risk_id);
}

Json Rule(const Finding& f) {
  Severity s = f.kind == FindingKind::kExceptionApplied ? Severity::kInfo : f.severity;
  Json props = {{"tags", Json::array({"security", "network", std::string(FindingKindName(ShownKind(f)))})}};
  if (s != Severity::kInfo) props["security-severity"] = SecuritySeverity(s);
  return {
      {"id", RuleId(f)},
      {"name", f.risk_id},
      {"shortDescription", {{"text", f.title}}},
      {"fullDescription", {{"text", f.risk}}},
      {"help", {{"text", f.remediation}, {"markdown", "**What to do:** " + f.remediation}}},
      {"defaultConfiguration", {{"level", Level(s)}}},
      {"properties", props},
  };
}

// A file path as a URI reference: bytes outside RFC 3986's unreserved set
// (and '/') percent-encoded, so a path with spaces is still a valid URI.
std::string UriPath(std::string_view path) {
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

Json SarifResult(const Finding& f, size_t rule_index, const AuditReport& r) {
  Json location = {{"physicalLocation",
                    {{"artifactLocation", {{"uri", UriPath(r.policy_path)}}},
                     {"region", {{"startLine", std::max(1, f.rule_line)}}}}}};
  std::string text = fmt::format("{}: {}. {}", f.title, f.detail, f.remediation);
  Json res = {
      {"ruleId", RuleId(f)},
      {"ruleIndex", rule_index},
      {"level", Level(f.severity)},
      {"message", {{"text", text}}},
      {"locations", Json::array({location})},
      // The same finding on the same host and port is one alert across runs.
      {"partialFingerprints", {{"tojimariFinding/v1", f.Key()}}},
      {"properties",
       {{"severity", SeverityName(f.severity)},
        {"kind", FindingKindName(f.kind)},
        {"host", f.host},
        {"port", f.has_port ? Json(f.PortText()) : Json(nullptr)},
        {"state", f.state},
        {"service", f.service},
        {"rule", f.rule}}},
  };
  if (f.kind == FindingKind::kExceptionApplied) {
    res["suppressions"] = Json::array(
        {{{"kind", "external"},
          {"status", "accepted"},
          {"justification", fmt::format("{} (owner {}, until {})", f.exception_reason, f.exception_owner,
                                        f.exception_expires)}}});
  }
  return res;
}

}  // namespace

std::string RenderAuditSarif(const AuditReport& r, const AuditRenderOptions& opts) {
  Json rules = Json::array(), results = Json::array();
  std::map<std::string, size_t> rule_index;
  for (const Finding& f : r.findings) {
    if (f.kind == FindingKind::kNotScanned) continue;  // nothing was judged
    auto [it, added] = rule_index.emplace(RuleId(f), rules.size());
    if (added) rules.push_back(Rule(f));
    results.push_back(SarifResult(f, it->second, r));
  }
  Json doc = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", Json::array({{
                   {"tool",
                    {{"driver",
                      {{"name", "tojimari"},
                       {"version", opts.version},
                       {"rules", rules}}}}},
                   {"automationDetails", {{"id", fmt::format("tojimari-audit/{}/", r.policy_name)}}},
                   {"results", results},
               }})},
  };
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace tj
