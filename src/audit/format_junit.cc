// The audit as JUnit XML, which CI systems (GitLab, Jenkins, GitHub test
// reporters) show as test results: one test suite per group, one test case
// per expected or forbidden port, one for "no unexpected open ports" per
// group and one per exception; a finding is a failure of its test case.
#include <fmt/format.h>

#include "audit/format.h"
#include "report/report_text.h"

namespace tj {
namespace {

std::string Failure(const std::vector<size_t>& failures, const AuditReport& r) {
  if (failures.empty()) return "";
  const Finding& first = r.findings[failures.front()];
  std::string body;
  for (size_t i : failures) {
    const Finding& f = r.findings[i];
    body += fmt::format("[{}] {} {} {}: {}\n{}\nRisk: {}\nFix: {}\n\n", SeverityName(f.severity), f.host,
                        f.PortText(), f.state, f.title, f.detail, f.risk, f.remediation);
  }
  std::string message = failures.size() == 1 ? first.detail : fmt::format("{} findings; first: {}", failures.size(), first.detail);
  return fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", XmlEscape(message),
                     FindingKindName(first.kind), XmlEscape(body));
}

std::string Suite(std::string_view name, const std::vector<const RuleCheck*>& checks, const AuditReport& r) {
  size_t failed = 0;
  for (const RuleCheck* c : checks) failed += !c->failures.empty();
  std::string out = fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n",
                                XmlEscape(name), checks.size(), failed);
  for (const RuleCheck* c : checks) {
    std::string classname = fmt::format("{}.{}", r.policy_name, c->group.empty() ? "exceptions" : c->group);
    std::string attrs = fmt::format("name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\"", XmlEscape(c->name),
                                    XmlEscape(classname), XmlEscape(r.policy_path), c->line);
    if (c->failures.empty()) {
      out += fmt::format("    <testcase {}/>\n", attrs);
    } else {
      out += fmt::format("    <testcase {}>\n{}    </testcase>\n", attrs, Failure(c->failures, r));
    }
  }
  return out + "  </testsuite>\n";
}

}  // namespace

std::string RenderAuditJunit(const AuditReport& r, const AuditRenderOptions&) {
  // Suites in policy order: each group, then the exceptions.
  std::vector<std::string> order;
  for (const RuleCheck& c : r.checks)
    if (std::find(order.begin(), order.end(), c.group) == order.end()) order.push_back(c.group);
  size_t tests = r.checks.size(), failures = 0;
  for (const RuleCheck& c : r.checks) failures += !c.failures.empty();
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n",
                     XmlEscape("tojimari audit: " + r.policy_name), tests, failures);
  for (const std::string& group : order) {
    std::vector<const RuleCheck*> checks;
    for (const RuleCheck& c : r.checks)
      if (c.group == group) checks.push_back(&c);
    out += Suite(group.empty() ? "exceptions" : "group " + group, checks, r);
  }
  return out + "</testsuites>\n";
}

}  // namespace tj
