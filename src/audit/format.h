// The audit's output formats, each one file behind one function type:
// text for people (format_text.cc), JSON for programs (format_json.cc,
// docs/AUDIT-JSON.md), SARIF 2.1.0 for code-scanning dashboards
// (format_sarif.cc) and JUnit XML for CI test reports (format_junit.cc).
// Thread-safety: pure functions.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "audit/audit.h"
#include "core/status.h"

namespace tj {

struct AuditRenderOptions {
  bool color = false;        // ANSI colours (text on a terminal only)
  std::string version;       // tojimari's version, for tool fields
};

using AuditRenderer = std::string (*)(const AuditReport& report, const AuditRenderOptions& opts);

struct AuditFormat {
  std::string_view name;  // the --format word
  AuditRenderer render;
};

std::string RenderAuditText(const AuditReport& report, const AuditRenderOptions& opts);
std::string RenderAuditJson(const AuditReport& report, const AuditRenderOptions& opts);
std::string RenderAuditSarif(const AuditReport& report, const AuditRenderOptions& opts);
std::string RenderAuditJunit(const AuditReport& report, const AuditRenderOptions& opts);

// Every format, in help order.
std::span<const AuditFormat> AuditFormats();
// The format of that name; the error suggests the closest one.
Result<AuditFormat> FindAuditFormat(std::string_view name);

// The version of the audit JSON document (docs/AUDIT-JSON.md).
inline constexpr int kAuditJsonVersion = 1;

}  // namespace tj
