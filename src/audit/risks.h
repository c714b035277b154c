// The risk knowledge base: per port or service, how bad an unplanned open
// port is, what an attacker does with it and what to do. Written by this
// project in data/risks.toml (compiled into the binary); also the texts of
// the audit's own finding kinds (expected-missing, cert-expired, ...).
// Thread-safety: a RiskBase is immutable; Builtin() returns one shared
// instance, safe from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "audit/finding.h"
#include "core/status.h"
#include "policy/policy.h"

namespace tj {

struct Risk {
  std::string id;
  Severity severity = Severity::kMedium;
  std::vector<PortRule> ports;        // known by these ports
  std::vector<std::string> services;  // or by these -sV service names
  std::string title, risk, remediation;

  // Gives a finding this entry's id, severity and texts.
  void FillIn(Finding* f) const;
};

class RiskBase {
 public:
  // Parses the knowledge base's TOML; errors are "NAME:LINE: what".
  static Result<RiskBase> Parse(std::string_view text, const std::string& name);
  // data/risks.toml as compiled in.
  static const RiskBase& Builtin();

  // The risk of an open port: by the -sV service name when one was probed
  // (a signature matched), else by the port; the generic "unexpected-open"
  // entry when neither is known.
  const Risk& ForPort(Proto proto, uint16_t port, std::string_view probed_service) const;
  // An entry by id. REQUIRES: the id exists (the finding kinds' entries
  // always do; Parse refuses a file without them).
  const Risk& Get(std::string_view id) const;
  const std::vector<Risk>& all() const { return risks_; }

 private:
  std::vector<Risk> risks_;
};

}  // namespace tj
