// What the audit reports: one Finding per gap between the policy and the
// scan, with the risk explained and what to do about it.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/types.h"

namespace tj {

enum class Severity : uint8_t { kInfo, kLow, kMedium, kHigh, kCritical };
std::string_view SeverityName(Severity s);  // "critical" ... "info"
std::optional<Severity> SeverityFromName(std::string_view name);

enum class FindingKind : uint8_t {
  kUnexpectedOpen,    // open, and no group of the host expects it
  kForbiddenOpen,     // open, and a group says it must never be
  kExpectedMissing,   // expected open, but closed, filtered, or the host is down
  kServiceMismatch,   // expected service X, -sV found Y
  kCertProblem,       // expired, not yet valid, self-signed or soon-expiring TLS certificate
  kExpiredException,  // an exception past its expiry (it no longer suppresses anything)
  kExceptionApplied,  // a finding a valid exception suppresses (info, not counted)
  kNotScanned,        // the policy names a port the scan did not cover (info, not counted)
  // The host defended itself (core/scan_result.h HostNote): ports whose
  // state the scan could not decide (it banned the scanner, capped its
  // RSTs), one finding per host; they are not judged as missing or open.
  kUndecided,
  // Open only by a SYN-ACK from a host that SYN-ACKs implausibly many ports
  // (a SYN proxy?), one finding per host; not judged as unexpected or
  // forbidden until -sV confirms them.
  kUnverifiedOpen,
};
std::string_view FindingKindName(FindingKind k);  // "unexpected-open", ...

struct Finding {
  FindingKind kind = FindingKind::kUnexpectedOpen;
  Severity severity = Severity::kMedium;
  std::string host;       // the address ("198.18.0.2"); "group NAME" for a group's expired exception
  std::string host_name;  // the name the scan knew it by, if any
  bool has_port = true;
  uint16_t port = 0;
  Proto proto = Proto::kTcp;
  std::string state;             // "open", "closed", "filtered", "host down", "not scanned", ...
  std::string service;           // the service seen: "ssh", "ssl/http"; -sV's when service_probed
  bool service_probed = false;   // false: the name is the port's usual service, a guess
  std::string product;           // -sV product and version, when found
  std::string expected_service;  // service-mismatch: what the policy expects
  std::string title;             // one line: what this is
  std::string detail;            // one line: this host and port, this rule
  std::string risk;              // the risk in plain words (knowledge base)
  std::string remediation;       // what to do (knowledge base)
  std::string risk_id;           // the knowledge base entry ("redis", "unexpected-open")
  std::string group;             // the group whose rule applies ("" when none)
  std::string rule;              // the policy entry: "groups.web.forbidden 3306/tcp"
  int rule_line = 0;             // its line in the policy file (0: none)
  // kExceptionApplied: what was suppressed; kExpiredException and findings an
  // expired exception no longer covers: which exception.
  FindingKind suppressed = FindingKind::kUnexpectedOpen;
  std::string exception_owner, exception_reason, exception_expires;
  int exception_line = 0;

  // Whether it counts towards exit code 1 (exception-applied and
  // not-scanned are informational).
  bool Counts() const { return kind != FindingKind::kExceptionApplied && kind != FindingKind::kNotScanned; }
  // Stable identity across runs (for watch: appeared / cleared):
  // "forbidden-open 198.18.0.2 3306/tcp".
  std::string Key() const;
  std::string PortText() const;  // "3306/tcp", "" without a port
};

}  // namespace tj
