// What watch scans and how it judges it (watch/watch_source.h).
#include "watch/watch_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "audit/audit.h"
#include "audit/format.h"
#include "audit/scan_plan.h"
#include "core/technique.h"
#include "core/version.h"
#include "session/child_scan.h"
#include "net/privileges.h"
#include "net/resolve.h"
#include "policy/policy_file.h"

namespace tj {
namespace {

// Without a policy: the targets and ports given, no findings (ports are
// watched for changes only).
Result<WatchSource> PlainSource(const ScanRequest& scan, const std::atomic<bool>* scan_stop) {
  if (scan.targets.empty() && scan.target_files.empty())
    return MakeError("give --policy FILE, or the targets to watch (and -p PORTS)");
  WatchSource src;
  src.scan = [scan, stop = scan_stop] { return ScanInChild(scan, stop); };
  src.recheck = [scan, stop = scan_stop](const Recheck& r) { return ScanInChild(RecheckRequest(scan, r), stop); };
  return src;
}

// With a policy: what `tojimari audit` scans (the policy's scope enforced
// before any packet), judged by the audit itself.
Result<WatchSource> PolicySource(const std::string& path, const ScanRequest& opts,
                                 const std::atomic<bool>* scan_stop, WatchSourceInfo* info) {
  if (!opts.targets.empty())
    return MakeError(fmt::format("\"{}\": the policy names the hosts to scan; give no targets", opts.targets[0]));
  if (opts.ports || opts.top_ports)
    return MakeError("the policy chooses the ports; drop -p/--top-ports/-F");
  if (!opts.target_files.empty() || !opts.excludes.empty() || !opts.exclude_files.empty())
    return MakeError("the policy names the hosts to scan; drop -iL/--exclude/--exclude-file");
  auto policy = ReadPolicyFile(path);
  if (!policy) return policy.error();
  auto plan = PlanScan(&*policy, opts.family, ResolveHost);
  if (!plan) return plan.error();
  bool udp = !plan->udp.empty() && HaveRawPrivileges();
  if (!plan->udp.empty() && !udp)
    info->notes.push_back("the policy's UDP ports need raw sockets (root or CAP_NET_RAW); they are reported as "
                          "not scanned");
  info->policy_path = path;
  info->policy_name = policy->name;
  info->label = policy->name.empty() ? path : policy->name;
  auto shared = std::make_shared<const Policy>(std::move(*policy));
  WatchSource src;
  const ScanRequest req = PlanRequest(*plan, opts, udp);
  src.scan = [req, stop = scan_stop] { return ScanInChild(req, stop); };
  src.recheck = [opts, stop = scan_stop](const Recheck& r) { return ScanInChild(RecheckRequest(opts, r), stop); };
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

ScanRequest RecheckRequest(const ScanRequest& scan, const Recheck& r) {
  ScanRequest q = scan;
  q.targets = {r.host.ToString()};
  q.target_files.clear();
  q.excludes.clear();
  q.exclude_files.clear();
  q.ports = PortSpec{};
  for (uint16_t p : r.tcp) q.ports->tcp.Add(p);
  for (uint16_t p : r.udp) q.ports->udp.Add(p);
  q.ports_text.clear();
  q.top_ports = 0;
  if (!r.udp.empty()) q.udp_scan = true;
  // -sU alone scans UDP only: TCP ports beside it need a technique.
  if (!r.tcp.empty() && q.udp_scan && !q.technique) q.technique = Technique::kSyn;
  // The host answered moments ago: probe the ports, skip discovery.
  q.skip_discovery = true;
  q.normal_out = q.ndjson_out = q.xml_out = q.grepable_out = q.json_out = q.all_out = "";
  q.store = false;
  q.db.clear();
  return q;
}

Result<WatchSource> MakeWatchSource(const std::string& policy_path, const ScanRequest& scan,
                                    const std::atomic<bool>* stop, WatchSourceInfo* info) {
  *info = {};
  // Every cycle and re-check scans again: standard input could feed only
  // the first (and a scan child's stdin carries its request).
  for (const auto* files : {&scan.target_files, &scan.exclude_files})
    for (const std::string& f : *files)
      if (f == "-") return MakeError("-iL - and --exclude-file - read standard input once; a watch scans every cycle: give a file");
  if (!policy_path.empty()) return PolicySource(policy_path, scan, stop, info);
  return PlainSource(scan, stop);
}

}  // namespace tj
