// `tojimari audit --policy FILE`: scan what the policy describes (or read a
// saved scan with --from) and report the gap between the two. The logic is
// audit/audit.h; this file only reads options, runs the scan and writes.
//   exit 0: no finding; 1: findings; 2: the audit could not run.
#include <unistd.h>

#include <fmt/format.h>

#include <cstdlib>

#include "audit/audit.h"
#include "audit/format.h"
#include "audit/scan_plan.h"
#include "cli/command_table.h"
#include "cli/errors.h"
#include "cli/scan_params.h"
#include "net/privileges.h"
#include "net/resolve.h"
#include "policy/policy_file.h"
#include "report/read_scan.h"
#include "history/store.h"
#include "core/scan_record.h"
#include "report/writer.h"
#include "session/scan_session.h"

namespace tj {
namespace {

struct AuditOptions {
  std::string policy;               // --policy FILE
  std::string from;                 // --from FILE: a saved scan instead of scanning
  std::string format = "text";      // --format
  std::string out = "-";            // -o FILE
  std::string db;                   // --db URL: the history (default: history/store.h's DefaultDbUrl)
  bool no_store = false;            // --no-store: keep this audit out of the history
  std::vector<std::string> scan;    // everything else: options for the scan
  bool help = false;
};

using SV = std::string_view;

using P = Param<AuditOptions>;
using O = AuditOptions;

// The audit's own options; everything else is a scan option.
constexpr P kAuditTable[] = {
    {"--policy", ArgKind::kValue, "FILE", "Audit", "the policy (TOML)",
     [](O& o, SV v) { o.policy = v; return Status::Ok(); }},
    {"--from", ArgKind::kValue, "FILE", "Audit", "audit this saved scan instead of scanning",
     [](O& o, SV v) { o.from = v; return Status::Ok(); }},
    {"--format", ArgKind::kValue, "text|json|sarif|junit", "Audit",
     "text (default), json (docs/AUDIT-JSON.md), sarif (SARIF 2.1.0 for code scanning), junit (JUnit XML "
     "for CI)",
     [](O& o, SV v) { o.format = v; return Status::Ok(); }},
    {"-o", ArgKind::kValue, "FILE", "Audit", "write the report to FILE (default: stdout)",
     [](O& o, SV v) { o.out = v; return Status::Ok(); }},
    {"--db", ArgKind::kValue, "URL", "Audit",
     "the history every audit is stored in, with its scan (default: the SQLite file tojimari history uses; "
     "or sqlite:PATH, postgresql://...)",
     [](O& o, SV v) { o.db = v; return Status::Ok(); }},
    {"--no-store", ArgKind::kFlag, "", "Audit", "do not store this audit",
     [](O& o, SV) { o.no_store = true; return Status::Ok(); }},
    {"-h", ArgKind::kFlag, "", "Audit", "this help", [](O& o, SV) { o.help = true; return Status::Ok(); }},
    {"--help", ArgKind::kFlag, "", "Audit", "", [](O& o, SV) { o.help = true; return Status::Ok(); }},
};

// The scan options must be real scan options, and may not choose targets
// or ports: the policy does.
Status CheckScanOptions(const AuditOptions& o, ScanOptions* scan) {
  std::vector<SV> names;
  for (const auto& p : kAuditTable) names.push_back(p.name);
  for (const auto& p : ScanParams()) names.push_back(p.name);
  for (const std::string& w : o.scan) {
    if (!w.starts_with("--")) continue;
    SV word = SV(w).substr(0, w.find('='));
    if (std::find(names.begin(), names.end(), word) != names.end()) continue;
    std::string hint = SpellCheck(word, names);
    return MakeError(fmt::format("unknown option \"{}\"{}", word,
                                 hint.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", hint)));
  }
  auto parsed = ParseScanOptions(o.scan);
  if (!parsed) return parsed.error();
  *scan = std::move(*parsed);
  if (!scan->targets.empty())
    return MakeError(fmt::format("\"{}\": the policy names the hosts to scan; give no targets", scan->targets[0]));
  if (!scan->ports_text.empty() || scan->top_ports)
    return MakeError("the policy chooses the ports (its groups' scan, expected and forbidden ports); drop -p/--top-ports/-F");
  if (!scan->target_files.empty() || !scan->excludes.empty() || !scan->exclude_files.empty())
    return MakeError("the policy names the hosts to scan; drop -iL/--exclude/--exclude-file");
  return Status::Ok();
}

// Runs the scan the policy describes; on failure returns the scan's exit code.
int ScanForPolicy(Policy* policy, const ScanOptions& scan, const CommandContext& ctx,
                  ScanRecord* record) {
  auto plan = PlanScan(policy, scan.family, ResolveHost);
  if (!plan) return Fail("audit", plan.error().message);
  // UDP needs raw sockets; without them the TCP part still runs, and the
  // policy's UDP ports are reported as not scanned.
  bool udp = !plan->udp.empty() && HaveRawPrivileges();
  if (!plan->udp.empty() && !udp)
    fmt::print(stderr, "tojimari audit: note: the policy's UDP ports need raw sockets (root or CAP_NET_RAW); "
                       "they are reported as not scanned\n");
  ScanRequest req = PlanRequest(*plan, scan, udp);
  req.command_line = ctx.argv_line;
  ScanEnv env;
  env.stop = ctx.stop;
  env.record = record;
  env.quiet = true;
  env.resumable = false;  // `tojimari resume` could not finish an audit
  int rc = ScanOnTerminal(req, env);
  if (rc != 0) {
    fmt::print(stderr, "tojimari audit: the scan did not complete (exit {}); no audit\n", rc);
    return rc == 130 ? rc : 2;
  }
  return 0;
}


}  // namespace

std::vector<ParamDoc> AuditParamDocs() { return ParamDocs(std::span<const P>(kAuditTable)); }

int RunAudit(const std::vector<std::string>& args, const CommandContext& ctx) {
  AuditOptions o;
  if (Status s = ParseOwnParams(std::span<const P>(kAuditTable), ScanParams(), args, &o, &o.scan); !s)
    return Fail("audit", s.message());
  if (o.help) return fmt::print("{}", HelpOf("audit")), 0;
  if (o.policy.empty()) return Fail("audit", "give the policy: --policy FILE (see examples/policy.toml)");
  auto format = FindAuditFormat(o.format);
  if (!format) return Fail("audit", format.error().message);
  ScanOptions scan;
  if (Status s = CheckScanOptions(o, &scan); !s) return Fail("audit", s.message());
  if (!o.from.empty() && !o.scan.empty())
    return Fail("audit", fmt::format("--from audits a saved scan; scan options (\"{}\") do not apply", o.scan[0]));
  auto policy = ReadPolicyFile(o.policy);
  if (!policy) return Fail("audit", policy.error().message);

  // Opened before the scan: a raw scan started as root ends running as
  // nobody (README, Privileges), who may not create files where root may.
  // For the same reason the report is then written in place rather than
  // renamed into place.
  OutputMode mode = o.from.empty() ? OutputMode::kStream : OutputMode::kReplaceWhenDone;
  auto out = OutputFile::Open(o.out, mode);
  if (!out) return Fail("audit", out.error().message);

  // The history, opened before the scan for the same reasons: a bad
  // database fails before any packet, and root may be gone afterwards.
  std::unique_ptr<Store> store;
  if (!o.no_store) {
    auto opened = Store::Open(o.db.empty() ? DefaultDbUrl() : o.db, OpenOptions{});
    if (!opened) return Fail("audit", opened.error().message);
    store = std::move(*opened);
  }

  ScanRecord record;
  if (!o.from.empty()) {
    auto read = ReadScanFile(o.from);
    if (!read) return Fail("audit", read.error().message);
    record = std::move(*read);
  } else if (int rc = ScanForPolicy(&*policy, scan, ctx, &record); rc != 0) {
    return rc;
  }

  AuditReport report = Audit(record, *policy, std::chrono::system_clock::now());
  AuditRenderOptions ropts;
  ropts.version = std::string(kVersion);
  ropts.color = o.format == "text" && o.out == "-" && isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  if (Status s = WriteText(out->get(), format->render(report, ropts), "audit report"); !s) return Fail("audit", s.message());
  if (Status s = out->Commit(); !s) return Fail("audit", s.message());
  if (store) {  // the scan and its findings in one transaction
    AuditSummary sum;
    sum.policy_path = o.policy;
    sum.policy_name = report.policy_name;
    sum.findings_json = RenderAuditJson(report, ropts);
    for (Severity sev : {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow, Severity::kInfo})
      sum.by_severity[std::string(SeverityName(sev))] = static_cast<int64_t>(report.Count(sev));
    auto id = store->SaveAuditedScan(record, sum);
    if (!id) return Fail("audit", id.error().message);
    if (o.out != "-" || !isatty(STDOUT_FILENO)) fmt::print(stderr, "Stored as audit {} in {}\n", *id, store->name());
  }
  return AuditExitCode(report);
}

}  // namespace tj
