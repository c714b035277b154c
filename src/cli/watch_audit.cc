// What watch scans and how it judges it (cli/watch_audit.h).
#include "cli/watch_audit.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "audit/audit.h"
#include "audit/format.h"
#include "audit/scan_plan.h"
#include "cli/scan_options.h"
#include "cli/watch_scan.h"
#include "net/privileges.h"
#include "net/resolve.h"
#include "policy/policy_file.h"

namespace tj {
namespace {

using SV = std::string_view;

const Param<ScanOptions>* FindScanParam(SV word) {
  for (const auto& p : ScanParams())
    if (p.name == word) return &p;
  return nullptr;
}

// Without a policy: the targets and ports given, no findings (ports are
// watched for changes only).
Result<WatchSource> PlainSource(const std::vector<std::string>& scan, const CommandContext& ctx) {
  ScanOptions check;
  std::vector<std::string> positional;
  if (Status s = ParseParams(ScanParams(), scan, &check, &positional); !s) return Error{s.message()};
  if (positional.empty()) return MakeError("give --policy FILE, or the targets to watch (and -p PORTS)");
  WatchSource src;
  std::vector<std::string> base = RecheckBase(scan);
  src.scan = [scan, &ctx] { return ScanInChild(scan, ctx); };
  src.recheck = [base, &ctx](const Recheck& r) { return ScanInChild(RecheckArgs(base, r), ctx); };
  return src;
}


// With a policy: what `tojimari audit` scans (the policy's scope enforced
// before any packet), judged by the audit itself.
Result<WatchSource> PolicySource(const std::string& path, const std::vector<std::string>& scan,
                                 const CommandContext& ctx, WatchSourceInfo* info) {
  ScanOptions opts;
  std::vector<std::string> positional;
  if (Status s = ParseParams(ScanParams(), scan, &opts, &positional); !s) return Error{s.message()};
  if (!positional.empty())
    return MakeError(fmt::format("\"{}\": the policy names the hosts to scan; give no targets", positional[0]));
  if (!opts.ports.empty() || opts.top_ports)
    return MakeError("the policy chooses the ports; drop -p/--top-ports/-F");
  if (!opts.target_files.empty() || !opts.excludes.empty() || !opts.exclude_files.empty())
    return MakeError("the policy names the hosts to scan; drop -iL/--exclude/--exclude-file");
  auto policy = ReadPolicyFile(path);
  if (!policy) return policy.error();
  auto plan = PlanScan(&*policy, opts.family, ResolveHost);
  if (!plan) return plan.error();
  bool udp = !plan->udp.empty() && HaveRawPrivileges();
  if (!plan->udp.empty() && !udp)
    fmt::print(stderr, "tojimari watch: note: the policy's UDP ports need raw sockets (root or CAP_NET_RAW); "
                       "they are reported as not scanned\n");
  info->policy_path = path;
  info->policy_name = policy->name;
  info->label = policy->name.empty() ? path : policy->name;
  auto shared = std::make_shared<const Policy>(std::move(*policy));
  WatchSource src;
  std::vector<std::string> args = ScanArgs(*plan, scan, udp), base = RecheckBase(scan);
  src.scan = [args, &ctx] { return ScanInChild(args, ctx); };
  src.recheck = [base, &ctx](const Recheck& r) { return ScanInChild(RecheckArgs(base, r), ctx); };
  src.judge = [shared](const ScanRecord& record) {
    AuditReport report = Audit(record, *shared, std::chrono::system_clock::now());
    Judgement j;
    for (const Finding& f : report.findings) {
      if (!f.Counts()) continue;
      j.findings.push_back({f.Key(), std::string(SeverityName(f.severity)), f.title, f.host, f.PortText()});
    }
    AuditRenderOptions ro;
    ro.version = std::string(kVersion);
    j.audit_json = RenderAuditJson(report, ro);
    return j;
  };
  return src;
}
}  // namespace

// The scan options without what chooses targets, ports or output files:
// what a re-check keeps of the watch's scan ("same technique").
std::vector<std::string> RecheckBase(const std::vector<std::string>& scan) {
  std::vector<std::string> out;
  for (size_t i = 0; i < scan.size(); ++i) {
    SV a = scan[i];
    const auto* p = FindScanParam(a.substr(0, a.starts_with("--") ? a.find('=') : SV::npos));
    bool takes_next = p && p->arg != ArgKind::kFlag && a.find('=') == SV::npos && i + 1 < scan.size();
    bool drop = !a.starts_with("-") || a.starts_with("-p") || a.starts_with("-o") || a == "--top-ports" ||
                a.starts_with("--top-ports=") || a == "-F" || a == "-iL" || a.starts_with("--exclude") ||
                a.starts_with("--resume-file") || a == "--ndjson" || a == "--store" || a.starts_with("--db");
    if (p && p->arg == ArgKind::kAttached && a.size() > p->name.size()) takes_next = false;
    if (!drop) out.push_back(scan[i]);
    if (takes_next) {
      if (!drop) out.push_back(scan[i + 1]);
      ++i;
    }
  }
  return out;
}

std::vector<std::string> RecheckArgs(const std::vector<std::string>& base, const Recheck& r) {
  std::vector<std::string> args = base;
  bool udp_flag = std::find(base.begin(), base.end(), "-sU") != base.end();
  bool tcp_tech = std::any_of(base.begin(), base.end(), [](const std::string& w) {
    return w.size() == 3 && w.starts_with("-s") && w != "-sU" && w != "-sV";
  });
  if (!r.udp.empty() && !udp_flag) args.push_back("-sU");
  if (!r.tcp.empty() && (udp_flag || !r.udp.empty()) && !tcp_tech) args.push_back("-sS");
  // The host answered moments ago: probe the ports, skip discovery.
  if (std::find(base.begin(), base.end(), "-Pn") == base.end()) args.push_back("-Pn");
  for (std::string& w : r.Args()) args.push_back(std::move(w));
  return args;
}

Result<WatchSource> MakeWatchSource(const std::string& policy_path, const std::vector<std::string>& scan,
                                    const CommandContext& ctx, WatchSourceInfo* info) {
  *info = {};
  if (!policy_path.empty()) return PolicySource(policy_path, scan, ctx, info);
  return PlainSource(scan, ctx);
}

}  // namespace tj
