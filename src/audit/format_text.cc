// The audit for people: a summary line, then the findings grouped by
// severity (worst first), each with what to do. Colours only when asked
// (the command asks when stdout is a terminal).
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "audit/format.h"
#include "report/report_text.h"

namespace tj {
namespace {

std::string_view Colour(Severity s) {
  switch (s) {
    case Severity::kCritical: return "\033[1;31m";
    case Severity::kHigh: return "\033[31m";
    case Severity::kMedium: return "\033[33m";
    case Severity::kLow: return "\033[36m";
    case Severity::kInfo: return "\033[2m";
  }
  return "";
}

// Words wrapped at `width`, each line indented.
std::string Wrap(std::string_view text, std::string_view indent, size_t width = 96) {
  std::string out, line;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(pos, end - pos);
    if (!line.empty() && indent.size() + line.size() + 1 + word.size() > width) {
      out += fmt::format("{}{}\n", indent, line);
      line.clear();
    }
    if (!word.empty()) line += (line.empty() ? "" : " ") + std::string(word);
    pos = end + 1;
  }
  if (!line.empty()) out += fmt::format("{}{}\n", indent, line);
  return out;
}

std::string Summary(const AuditReport& r) {
  std::string counts;
  for (Severity s : {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow}) {
    if (size_t n = r.Count(s)) counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, SeverityName(s));
  }
  size_t tolerated = 0;
  for (const Finding& f : r.findings) tolerated += f.kind == FindingKind::kExceptionApplied;
  std::string out = fmt::format("{} host{} audited; ", r.hosts_audited, r.hosts_audited == 1 ? "" : "s");
  size_t n = r.CountedFindings();
  out += n == 0 ? "no findings" : fmt::format("{} finding{}: {}", n, n == 1 ? "" : "s", counts);
  if (tolerated) out += fmt::format(" ({} tolerated by exceptions)", tolerated);
  if (r.hosts_outside) out += fmt::format("; {} scanned host{} in no group", r.hosts_outside, r.hosts_outside == 1 ? "" : "s");
  return out + "\n";
}

std::string OneFinding(const Finding& f, const AuditReport& r) {
  std::string host = LineSafe(f.host) + (f.host_name.empty() ? "" : fmt::format(" ({})", LineSafe(f.host_name)));
  std::string service = LineSafe(f.service);
  if (!f.service_probed && !service.empty()) service += "?";  // a guess from the port number, as nmap marks it
  std::string head = fmt::format("  {}  {}  {}", host, f.has_port ? f.PortText() : "-", f.state);
  if (!service.empty()) head += "  " + service;
  if (!f.product.empty()) head += fmt::format(" ({})", LineSafe(f.product));
  FindingKind kind = f.kind == FindingKind::kExceptionApplied ? f.suppressed : f.kind;
  std::string out = fmt::format("{}\n    {}: {}\n", head, FindingKindName(kind), f.title);
  std::string where = f.rule_line ? fmt::format(" ({}:{})", r.policy_path, f.rule_line) : "";
  out += Wrap(LineSafe(f.detail) + where, "    ");
  if (f.kind == FindingKind::kExceptionApplied) {
    out += Wrap(fmt::format("Tolerated until {} by the exception at {}:{} (owner {}: {})", f.exception_expires,
                            r.policy_path, f.exception_line, f.exception_owner, f.exception_reason),
                "    ");
    return out;
  }
  if (!f.exception_expires.empty() && f.kind != FindingKind::kExpiredException)
    out += Wrap(fmt::format("The exception at {}:{} expired on {}; it no longer covers this.", r.policy_path,
                            f.exception_line, f.exception_expires),
                "    ");
  out += Wrap("Risk: " + f.risk, "    ");
  out += Wrap("Fix: " + f.remediation, "    ");
  return out;
}

}  // namespace

std::string RenderAuditText(const AuditReport& r, const AuditRenderOptions& opts) {
  std::string out = fmt::format("Audit of policy \"{}\" ({}) against a {} scan started {:%Y-%m-%d %H:%M:%S} UTC\n",
                                LineSafe(r.policy_name), LineSafe(r.policy_path), LineSafe(r.scanner),
                                fmt::gmtime(std::chrono::system_clock::to_time_t(r.scan_start)));
  out += Summary(r);
  for (Severity s : {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow, Severity::kInfo}) {
    bool heading = false;
    for (const Finding& f : r.findings) {
      if (f.severity != s) continue;
      if (!heading) {
        std::string name(SeverityName(s));
        for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        out += opts.color ? fmt::format("\n{}{}\033[0m\n", Colour(s), name) : fmt::format("\n{}\n", name);
        heading = true;
      }
      out += OneFinding(f, r);
    }
  }
  return out;
}

}  // namespace tj
