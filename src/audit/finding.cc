// Names of severities and finding kinds, as reports and the JSON schema use them.
#include "audit/finding.h"

#include <fmt/format.h>

namespace tj {

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kCritical: return "critical";
    case Severity::kHigh: return "high";
    case Severity::kMedium: return "medium";
    case Severity::kLow: return "low";
    case Severity::kInfo: return "info";
  }
  return "info";
}

std::optional<Severity> SeverityFromName(std::string_view name) {
  for (Severity s : {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow, Severity::kInfo})
    if (SeverityName(s) == name) return s;
  return std::nullopt;
}

std::string_view FindingKindName(FindingKind k) {
  switch (k) {
    case FindingKind::kUnexpectedOpen: return "unexpected-open";
    case FindingKind::kForbiddenOpen: return "forbidden-open";
    case FindingKind::kExpectedMissing: return "expected-missing";
    case FindingKind::kServiceMismatch: return "service-mismatch";
    case FindingKind::kCertProblem: return "cert-problem";
    case FindingKind::kExpiredException: return "expired-exception";
    case FindingKind::kExceptionApplied: return "exception-applied";
    case FindingKind::kNotScanned: return "not-scanned";
    case FindingKind::kUndecided: return "undecided";
    case FindingKind::kUnverifiedOpen: return "unverified-open";
  }
  return "unknown";
}

std::string Finding::PortText() const {
  return has_port ? fmt::format("{}/{}", port, ProtoName(proto)) : std::string();
}

std::string Finding::Key() const {
  std::string key = fmt::format("{} {}", FindingKindName(kind), host);
  if (has_port) key += " " + PortText();
  if (kind == FindingKind::kCertProblem || kind == FindingKind::kExceptionApplied) key += " " + risk_id;
  return key;
}

}  // namespace tj
