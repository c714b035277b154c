// `tojimari watch --policy FILE --every DURATION`: the audit on a schedule.
// Each run is stored, compared with the previous one, and what changed
// (ports, after a re-check; findings that appeared or cleared) is sent to
// the alert sinks. The cycle itself is watch/watcher.h; this file reads the
// options and connects the parts: the scans (in a child process each,
// session/child_scan.h), the audit, the history, the sinks and /metrics.
//   --once: exit 0 nothing to alert, 1 alerted, 2 could not run.
#include <fmt/format.h>

#include <algorithm>

#include "cli/command_table.h"
#include "cli/errors.h"
#include "cli/scan_params.h"
#include "watch/watch_source.h"
#include "core/duration.h"
#include "core/spellcheck.h"
#include "history/store.h"
#include "watch/alert_sink.h"
#include "watch/metrics_server.h"
#include "watch/schedule.h"
#include "watch/store_log.h"
#include "watch/watcher.h"

namespace tj {
namespace {

using SV = std::string_view;

struct WatchOptions {
  std::string policy;                 // --policy FILE
  std::string every;                  // --every DURATION
  std::string db;                     // --db URL (default: the history's default file)
  AlertTargets alerts;                // --webhook, --webhook-file, --exec, --syslog
  std::string metrics;                // --metrics ADDR:PORT
  bool once = false;                  // --once
  bool help = false;
  std::vector<std::string> scan;      // everything else: scan options (and, without a policy, targets)
};

using P = Param<WatchOptions>;
using O = WatchOptions;

// watch's own options; everything else is a scan option (or, without a
// policy, a target).
constexpr P kWatchTable[] = {
    {"--policy", ArgKind::kValue, "FILE", "Watch", "the policy to audit against (docs/POLICY.md)",
     [](O& o, SV v) { o.policy = v; return Status::Ok(); }},
    {"--every", ArgKind::kValue, "DURATION", "Watch", "time between runs, start to start (10m, 1h)",
     [](O& o, SV v) { o.every = v; return Status::Ok(); }},
    {"--db", ArgKind::kValue, "URL", "Watch",
     "the history: a SQLite file or postgresql://... (default: $XDG_DATA_HOME/tojimari/history.db, else "
     "~/.local/share/tojimari/history.db)",
     [](O& o, SV v) { o.db = v; return Status::Ok(); }},
    {"--webhook", ArgKind::kValue, "URL", "Alerts", "POST each alert as JSON (Slack-compatible \"text\"); repeatable",
     [](O& o, SV v) { o.alerts.webhooks.emplace_back(v); return Status::Ok(); }, true},
    {"--webhook-file", ArgKind::kValue, "FILE", "Alerts",
     "webhook URLs from FILE, one a line (a URL holds a secret token: a file, or the environment variable "
     "TOJIMARI_WEBHOOK, keeps it out of the process list); repeatable",
     [](O& o, SV v) { o.alerts.webhook_files.emplace_back(v); return Status::Ok(); }, true},
    {"--exec", ArgKind::kValue, "CMD", "Alerts",
     "run CMD with /bin/sh -c, the alert JSON on stdin, TOJIMARI_CHANGES, TOJIMARI_FINDINGS_NEW, "
     "TOJIMARI_FINDINGS_CLEARED in the environment; repeatable",
     [](O& o, SV v) { o.alerts.execs.emplace_back(v); return Status::Ok(); }, true},
    {"--syslog", ArgKind::kFlag, "", "Alerts", "log each alert to syslog (facility daemon)",
     [](O& o, SV) { o.alerts.syslog = true; return Status::Ok(); }},
    {"--metrics", ArgKind::kValue, "ADDR:PORT", "Watch",
     "serve Prometheus metrics on http://ADDR:PORT/metrics (e.g. 127.0.0.1:9477)",
     [](O& o, SV v) { o.metrics = v; return Status::Ok(); }},
    {"--once", ArgKind::kFlag, "", "Watch", "run one cycle and exit: 0 nothing to alert, 1 alerted, 2 could not run",
     [](O& o, SV) { o.once = true; return Status::Ok(); }},
    {"-h", ArgKind::kFlag, "", "Watch", "this help", [](O& o, SV) { o.help = true; return Status::Ok(); }},
    {"--help", ArgKind::kFlag, "", "Watch", "", [](O& o, SV) { o.help = true; return Status::Ok(); }},
};

// The history: --db, or the default SQLite file. Opened (and migrated)
// before the first scan, so an unusable database stops the watch at once.
Result<std::unique_ptr<RunLog>> OpenRunLog(const WatchOptions& o, const WatchSourceInfo& info,
                                           const std::string& args) {
  auto store = Store::Open(o.db.empty() ? DefaultDbUrl() : o.db, OpenOptions{});
  if (!store) return store.error();
  StoreLogOptions so;
  so.policy_path = info.policy_path;
  so.policy_name = info.policy_name;
  so.args = args;
  return MakeStoreRunLog(std::move(*store), so);
}

int Loop(const WatchOptions& o, Duration every, Watcher* watcher, const CommandContext& ctx) {
  int code = 0;
  RunEvery(every, *ctx.stop, [&] {
    auto r = watcher->Cycle();
    if (!r) {
      Fail("watch", r.error().message);
      code = 2;
      return !o.once;
    }
    if (r->interrupted) return false;
    const Alert& a = r->alert;
    fmt::print(stderr, "tojimari watch: run {}: {} port change(s), {} suppressed, {} finding(s) new, {} cleared{}\n",
               a.run_id, a.changes.size(), a.suppressed.size(), a.findings.appeared.size(), a.findings.cleared.size(),
               r->baseline ? " (first run: the baseline)" : "");
    code = !r->stored.ok() ? 2 : a.empty() ? 0 : 1;
    return !o.once;
  });
  return code;
}

}  // namespace

std::vector<ParamDoc> WatchParamDocs() { return ParamDocs(std::span<const P>(kWatchTable)); }

int RunWatch(const std::vector<std::string>& args, const CommandContext& ctx) {
  WatchOptions o;
  if (Status s = ParseOwnParams(std::span<const P>(kWatchTable), ScanParams(), args, &o, &o.scan); !s)
    return Fail("watch", s.message());
  if (o.help) return fmt::print("{}", HelpOf("watch")), 0;
  if (o.every.empty() && !o.once) return Fail("watch", "give the interval: --every DURATION (e.g. 10m), or --once");
  Duration every{0};
  if (!o.every.empty()) {
    auto d = ParseDuration(o.every);
    if (!d) return Fail("watch", "--every: " + d.error().message);
    if (*d < std::chrono::seconds(1)) return Fail("watch", fmt::format("--every {}: at least 1s", o.every));
    every = *d;
  }
  std::vector<std::unique_ptr<AlertSink>> sinks;
  SinkOptions so;
  so.version = std::string(kVersion);
  if (Status s = MakeAlertSinks(o.alerts, so, &sinks); !s) return Fail("watch", s.message());
  auto scan = ParseScanOptions(o.scan);
  if (!scan) return Fail("watch", scan.error().message);
  // As scans record it (and the history keeps it): webhook URLs carry
  // secrets, and --exec commands may too.
  scan->command_line = "tojimari watch " + RedactedArgs(args, {"--webhook", "--exec"});
  WatchSourceInfo info;
  auto source = MakeWatchSource(o.policy, *scan, ctx.stop, &info);
  if (!source) return Fail("watch", source.error().message);
  for (const std::string& n : info.notes) fmt::print(stderr, "tojimari watch: note: {}\n", n);
  auto log = OpenRunLog(o, info, scan->command_line);
  if (!log) return Fail("watch", log.error().message);
  Metrics metrics;
  std::unique_ptr<MetricsServer> server;
  if (!o.metrics.empty()) {
    auto s = MetricsServer::Start(o.metrics, [&metrics] { return metrics.Text(); });
    if (!s) return Fail("watch", s.error().message);
    server = std::move(*s);
  }
  Watcher watcher(std::move(*source), log->get(), &sinks, &metrics, info.label);
  // A loop ends by a signal: exit 0. Only --once reports its cycle.
  int code = Loop(o, every, &watcher, ctx);
  if (!o.once) code = 0;
  server.reset();
  sinks.clear();
  return code;
}

}  // namespace tj
