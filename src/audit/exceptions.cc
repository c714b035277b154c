#include "audit/exceptions.h"

#include <fmt/format.h>

#include <algorithm>

namespace tj {
namespace {

bool Expired(const Exception& e, std::chrono::system_clock::time_point now) {
  std::chrono::year_month_day today{std::chrono::floor<std::chrono::days>(now)};
  Date d{static_cast<int>(today.year()), static_cast<int>(static_cast<unsigned>(today.month())),
         static_cast<int>(static_cast<unsigned>(today.day()))};
  return d > e.expires;
}

// Whether the exception names the finding's port on the finding's host: by
// its own host entry, or through the hosts of the group it names.
bool Covers(const Policy& policy, const Exception& e, const Finding& f) {
  if (!f.has_port || !e.port.Contains(f.proto, f.port)) return false;
  auto addr = Address::Parse(f.host);
  if (!addr) return false;
  if (!e.host.empty()) {
    HostEntry entry;
    std::string why;
    return ParseHostEntry(e.host, &entry, &why) && entry.Matches(*addr, f.host_name);
  }
  for (const Group& g : policy.groups)
    if (g.name == e.group)
      return std::any_of(g.hosts.begin(), g.hosts.end(),
                         [&](const HostEntry& h) { return h.Matches(*addr, f.host_name); });
  return false;
}

void Note(Finding* f, const Exception& e) {
  f->exception_owner = e.owner;
  f->exception_reason = e.reason;
  f->exception_expires = e.expires.ToString();
  f->exception_line = e.line;
}

Finding ExpiredFinding(const Exception& e, const RiskBase& risks) {
  Finding f;
  f.kind = FindingKind::kExpiredException;
  risks.Get("expired-exception").FillIn(&f);
  f.host = e.host.empty() ? "group " + e.group : e.host;
  f.group = e.group;
  f.proto = e.port.proto;
  f.port = e.port.lo;
  f.state = "expired";
  f.rule = fmt::format("exceptions ({} {})", f.host, e.port.ToString());
  f.rule_line = e.line;
  Note(&f, e);
  f.detail = fmt::format("the exception for {} on {} (owner {}: {}) expired on {}", e.port.ToString(), f.host,
                         e.owner, e.reason, e.expires.ToString());
  return f;
}

}  // namespace

void ApplyExceptions(const Policy& policy, std::chrono::system_clock::time_point now, const RiskBase& risks,
                     std::vector<Finding>* findings) {
  std::vector<Finding> added;
  for (const Exception& e : policy.exceptions) {
    bool expired = Expired(e, now);
    for (Finding& f : *findings) {
      if (!f.Counts() || !Covers(policy, e, f)) continue;
      Note(&f, e);
      if (expired) continue;  // the finding stands; the note says which exception lapsed
      f.suppressed = f.kind;
      f.kind = FindingKind::kExceptionApplied;
      f.severity = Severity::kInfo;
    }
    if (expired) added.push_back(ExpiredFinding(e, risks));
  }
  for (Finding& f : added) findings->push_back(std::move(f));
}

}  // namespace tj
