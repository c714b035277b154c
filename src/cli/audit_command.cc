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
#include "cli/commands.h"
#include "cli/scan_options.h"
#include "net/privileges.h"
#include "net/resolve.h"
#include "policy/policy_file.h"
#include "report/read_scan.h"
#include "history/store.h"
#include "report/scan_record.h"
#include "report/writer.h"

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

// The audit's own options; everything else is a scan option.
constexpr SV kOwn[] = {"--policy", "--from", "--format", "-o", "--db", "--no-store", "-h", "--help"};

int Fail(const std::string& msg) {
  fmt::print(stderr, "tojimari audit: {}\n", msg);
  return 2;
}

// Whether `word` is a scan option that takes its value from the next word.
bool ScanTakesNext(SV word) {
  for (const auto& p : ScanParams())
    if (p.name == word) return p.arg != ArgKind::kFlag;
  return false;
}

Status SplitArgs(const std::vector<std::string>& args, AuditOptions* o) {
  for (size_t i = 0; i < args.size(); ++i) {
    SV a = args[i], value;
    SV word = a.substr(0, a.starts_with("--") ? a.find('=') : SV::npos);
    bool own = std::find(std::begin(kOwn), std::end(kOwn), word) != std::end(kOwn);
    if (!own) {
      o->scan.push_back(args[i]);
      if (ScanTakesNext(a) && i + 1 < args.size()) o->scan.push_back(args[++i]);
      continue;
    }
    if (word == "-h" || word == "--help") {
      o->help = true;
      continue;
    }
    if (word == "--no-store") {
      o->no_store = true;
      continue;
    }
    if (word.size() < a.size()) {
      value = a.substr(word.size() + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return MakeError(fmt::format("option \"{}\" needs a value", word));
    }
    if (word == "--policy") o->policy = value;
    if (word == "--from") o->from = value;
    if (word == "--format") o->format = value;
    if (word == "-o") o->out = value;
    if (word == "--db") o->db = value;
  }
  return Status::Ok();
}

// The scan options must be real scan options, and may not choose targets
// or ports: the policy does.
Status CheckScanOptions(const AuditOptions& o, ScanOptions* scan) {
  std::vector<SV> names(std::begin(kOwn), std::end(kOwn));
  for (const auto& p : ScanParams()) names.push_back(p.name);
  for (const std::string& w : o.scan) {
    if (!w.starts_with("--")) continue;
    SV word = SV(w).substr(0, w.find('='));
    if (std::find(names.begin(), names.end(), word) != names.end()) continue;
    std::string hint = SpellCheck(word, names);
    return MakeError(fmt::format("unknown option \"{}\"{}", word,
                                 hint.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", hint)));
  }
  std::vector<std::string> positional;
  if (Status s = ParseParams(ScanParams(), o.scan, scan, &positional); !s) return s;
  if (!positional.empty())
    return MakeError(fmt::format("\"{}\": the policy names the hosts to scan; give no targets", positional[0]));
  if (!scan->ports.empty() || scan->top_ports)
    return MakeError("the policy chooses the ports (its groups' scan, expected and forbidden ports); drop -p/--top-ports/-F");
  if (!scan->target_files.empty() || !scan->excludes.empty() || !scan->exclude_files.empty())
    return MakeError("the policy names the hosts to scan; drop -iL/--exclude/--exclude-file");
  return Status::Ok();
}

// Runs the scan the policy describes; on failure returns the scan's exit code.
int ScanForPolicy(Policy* policy, const AuditOptions& o, const ScanOptions& scan, const CommandContext& ctx,
                  ScanRecord* record) {
  auto plan = PlanScan(policy, scan.family, ResolveHost);
  if (!plan) return Fail(plan.error().message);
  // UDP needs raw sockets; without them the TCP part still runs, and the
  // policy's UDP ports are reported as not scanned.
  bool udp = !plan->udp.empty() && HaveRawPrivileges();
  if (!plan->udp.empty() && !udp)
    fmt::print(stderr, "tojimari audit: note: the policy's UDP ports need raw sockets (root or CAP_NET_RAW); "
                       "they are reported as not scanned\n");
  int rc = RunScanTo(ScanArgs(*plan, o.scan, udp), ctx, ScanHooks{record, /*quiet=*/true, /*resumable=*/false});
  if (rc != 0) {
    fmt::print(stderr, "tojimari audit: the scan did not complete (exit {}); no audit\n", rc);
    return rc == 130 ? rc : 2;
  }
  return 0;
}


}  // namespace

std::string AuditHelp() {
  return "Usage: tojimari audit --policy FILE [--from SCAN] [--format text|json|sarif|junit] [-o FILE]\n"
         "                      [scan options: -sT -sS -sV -Pn -n -T0..5 --max-rate N -oJ FILE ...]\n"
         "\n"
         "Compares the network with the policy (examples/policy.toml, docs/POLICY.md): scans every host\n"
         "of its groups on their ports, or reads a saved scan (--from: tojimari's -oJ or -oX, or nmap's\n"
         "-oX), and reports unexpected and forbidden open ports, expected ports that are not open,\n"
         "unexpected services, certificate problems and expired exceptions, each with its risk and what\n"
         "to do. Only addresses inside the policy's scope are ever scanned.\n"
         "\n"
         "  --policy FILE     the policy (TOML)\n"
         "  --from FILE       audit this saved scan instead of scanning\n"
         "  --format FORMAT   text (default), json (docs/AUDIT-JSON.md), sarif (SARIF 2.1.0 for code\n"
         "                    scanning), junit (JUnit XML for CI)\n"
         "  -o FILE           write the report to FILE (default: stdout)\n"
         "  --db URL          the history every audit is stored in, with its scan (default: the SQLite\n"
         "                    file tojimari history uses; or sqlite:PATH, postgresql://...)\n"
         "  --no-store        do not store this audit\n"
         "\n"
         "Exit status: 0 no finding, 1 findings, 2 the audit could not run.\n";
}

int RunAudit(const std::vector<std::string>& args, const CommandContext& ctx) {
  AuditOptions o;
  if (Status s = SplitArgs(args, &o); !s) return Fail(s.message());
  if (o.help) return fmt::print("{}", AuditHelp()), 0;
  if (o.policy.empty()) return Fail("give the policy: --policy FILE (see examples/policy.toml)");
  auto format = FindAuditFormat(o.format);
  if (!format) return Fail(format.error().message);
  ScanOptions scan;
  if (Status s = CheckScanOptions(o, &scan); !s) return Fail(s.message());
  if (!o.from.empty() && !o.scan.empty())
    return Fail(fmt::format("--from audits a saved scan; scan options (\"{}\") do not apply", o.scan[0]));
  auto policy = ReadPolicyFile(o.policy);
  if (!policy) return Fail(policy.error().message);

  // Opened before the scan: a raw scan started as root ends running as
  // nobody (README, Privileges), who may not create files where root may.
  // For the same reason the report is then written in place rather than
  // renamed into place.
  OutputMode mode = o.from.empty() ? OutputMode::kStream : OutputMode::kReplaceWhenDone;
  auto out = OutputFile::Open(o.out, mode);
  if (!out) return Fail(out.error().message);

  // The history, opened before the scan for the same reasons: a bad
  // database fails before any packet, and root may be gone afterwards.
  std::unique_ptr<Store> store;
  if (!o.no_store) {
    auto opened = Store::Open(o.db.empty() ? DefaultDbUrl() : o.db, OpenOptions{});
    if (!opened) return Fail(opened.error().message);
    store = std::move(*opened);
  }

  ScanRecord record;
  if (!o.from.empty()) {
    auto read = ReadScanFile(o.from);
    if (!read) return Fail(read.error().message);
    record = std::move(*read);
  } else if (int rc = ScanForPolicy(&*policy, o, scan, ctx, &record); rc != 0) {
    return rc;
  }

  AuditReport report = Audit(record, *policy, std::chrono::system_clock::now());
  AuditRenderOptions ropts;
  ropts.version = std::string(kVersion);
  ropts.color = o.format == "text" && o.out == "-" && isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  if (Status s = WriteText(out->get(), format->render(report, ropts), "audit report"); !s) return Fail(s.message());
  if (Status s = out->Commit(); !s) return Fail(s.message());
  if (store) {  // the scan and its findings in one transaction
    AuditSummary sum;
    sum.policy_path = o.policy;
    sum.policy_name = report.policy_name;
    sum.findings_json = RenderAuditJson(report, ropts);
    for (Severity sev : {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow, Severity::kInfo})
      sum.by_severity[std::string(SeverityName(sev))] = static_cast<int64_t>(report.Count(sev));
    auto id = store->SaveAuditedScan(record, sum);
    if (!id) return Fail(id.error().message);
    if (o.out != "-" || !isatty(STDOUT_FILENO)) fmt::print(stderr, "Stored as audit {} in {}\n", *id, store->name());
  }
  return AuditExitCode(report);
}

}  // namespace tj
