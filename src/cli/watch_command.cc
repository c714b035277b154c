// `tojimari watch --policy FILE --every DURATION`: the audit on a schedule.
// Each run is stored, compared with the previous one, and what changed
// (ports, after a re-check; findings that appeared or cleared) is sent to
// the alert sinks. The cycle itself is watch/watcher.h; this file reads the
// options and connects the parts: the scans (in a child process each,
// cli/watch_scan.h), the audit, the history, the sinks and /metrics.
//   --once: exit 0 nothing to alert, 1 alerted, 2 could not run.
#include <curl/curl.h>

#include <fmt/format.h>

#include <algorithm>

#include "cli/commands.h"
#include "cli/scan_options.h"
#include "cli/watch_audit.h"
#include "core/duration.h"
#include "core/spellcheck.h"
#include "history/store.h"
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
  std::vector<std::string> webhooks;  // --webhook URL (repeatable)
  std::vector<std::string> execs;     // --exec CMD (repeatable)
  bool syslog = false;                // --syslog
  std::string metrics;                // --metrics ADDR:PORT
  bool once = false;                  // --once
  bool help = false;
  std::vector<std::string> scan;      // everything else: scan options (and, without a policy, targets)
};

constexpr SV kOwnValue[] = {"--policy", "--every", "--db", "--webhook", "--exec", "--metrics"};
constexpr SV kOwnFlag[] = {"--syslog", "--once", "-h", "--help"};

int Fail(const std::string& msg) {
  fmt::print(stderr, "tojimari watch: {}\n", msg);
  return 2;
}

const Param<ScanOptions>* FindScanParam(SV word) {
  for (const auto& p : ScanParams())
    if (p.name == word) return &p;
  return nullptr;
}

Status SplitArgs(const std::vector<std::string>& args, WatchOptions* o) {
  for (size_t i = 0; i < args.size(); ++i) {
    SV a = args[i];
    SV word = a.substr(0, a.starts_with("--") ? a.find('=') : SV::npos);
    if (std::find(std::begin(kOwnFlag), std::end(kOwnFlag), word) != std::end(kOwnFlag)) {
      if (word == "--syslog") o->syslog = true;
      if (word == "--once") o->once = true;
      if (word == "-h" || word == "--help") o->help = true;
      continue;
    }
    if (std::find(std::begin(kOwnValue), std::end(kOwnValue), word) == std::end(kOwnValue)) {
      o->scan.push_back(args[i]);
      const auto* p = FindScanParam(a);
      if (p && p->arg != ArgKind::kFlag && i + 1 < args.size()) o->scan.push_back(args[++i]);
      continue;
    }
    std::string value;
    if (word.size() < a.size()) value = std::string(a.substr(word.size() + 1));
    else if (i + 1 < args.size()) value = args[++i];
    else return MakeError(fmt::format("option \"{}\" needs a value", word));
    if (word == "--policy") o->policy = value;
    if (word == "--every") o->every = value;
    if (word == "--db") o->db = value;
    if (word == "--webhook") o->webhooks.push_back(value);
    if (word == "--exec") o->execs.push_back(value);
    if (word == "--metrics") o->metrics = value;
  }
  return Status::Ok();
}

Status MakeSinks(const WatchOptions& o, std::vector<std::unique_ptr<AlertSink>>* sinks) {
  SinkOptions so;
  so.version = std::string(kVersion);
  for (const std::string& url : o.webhooks) {
    auto s = MakeWebhookSink(url, so);
    if (!s) return Status(s.error());
    sinks->push_back(std::move(*s));
  }
  for (const std::string& cmd : o.execs) sinks->push_back(MakeExecSink(cmd, so));
  if (o.syslog) sinks->push_back(MakeSyslogSink());
  return Status::Ok();
}

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

// The command line as scans record it (and the history keeps it): webhook
// URLs carry secrets, and --exec commands may too.
std::string ScanArgsLine(const std::vector<std::string>& args) {
  std::string line = "tojimari watch";
  for (size_t i = 0; i < args.size(); ++i) {
    SV a = args[i];
    bool secret = a == "--webhook" || a == "--exec";
    if (a.starts_with("--webhook=") || a.starts_with("--exec=")) {
      line += " " + std::string(a.substr(0, a.find('='))) + "=(hidden)";
      continue;
    }
    line += " " + args[i];
    if (secret && i + 1 < args.size()) {
      line += " (hidden)";
      ++i;
    }
  }
  return line;
}

int Loop(const WatchOptions& o, Duration every, Watcher* watcher, const CommandContext& ctx) {
  int code = 0;
  RunEvery(every, *ctx.stop, [&] {
    auto r = watcher->Cycle();
    if (!r) {
      fmt::print(stderr, "tojimari watch: {}\n", r.error().message);
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

std::string WatchHelp() {
  return "Usage: tojimari watch --policy FILE --every DURATION [--db URL] [--webhook URL] [--exec CMD]\n"
         "                      [--syslog] [--metrics ADDR:PORT] [--once] [scan options]\n"
         "       tojimari watch --every DURATION [options] -p PORTS TARGET...   (no policy: ports only)\n"
         "\n"
         "Runs the audit every DURATION (\"10m\", \"1h\"), stores each run, and alerts when a port\n"
         "changed state (after re-checking it: one lost packet never alerts) or a finding appeared or\n"
         "cleared. See docs/WATCH.md.\n"
         "\n"
         "  --policy FILE      the policy to audit against (docs/POLICY.md)\n"
         "  --every DURATION   time between runs, start to start\n"
         "  --db URL           the history: a SQLite file or postgresql://... (default:\n"
         "                     $XDG_DATA_HOME/tojimari/history.db, else ~/.local/share/tojimari/history.db)\n"
         "  --webhook URL      POST each alert as JSON (Slack-compatible \"text\"); repeatable\n"
         "  --exec CMD         run CMD with /bin/sh -c, the alert JSON on stdin, TOJIMARI_CHANGES,\n"
         "                     TOJIMARI_FINDINGS_NEW, TOJIMARI_FINDINGS_CLEARED in the environment\n"
         "  --syslog           log each alert to syslog (facility daemon)\n"
         "  --metrics A:P      serve Prometheus metrics on http://A:P/metrics (e.g. 127.0.0.1:9477)\n"
         "  --once             run one cycle and exit: 0 nothing to alert, 1 alerted, 2 could not run\n"
         "\n"
         "SIGINT or SIGTERM ends the watch between cycles (a scan under way is stopped and discarded).\n";
}

int RunWatch(const std::vector<std::string>& args, const CommandContext& ctx) {
  WatchOptions o;
  if (Status s = SplitArgs(args, &o); !s) return Fail(s.message());
  if (o.help) return fmt::print("{}", WatchHelp()), 0;
  if (o.every.empty() && !o.once) return Fail("give the interval: --every DURATION (e.g. 10m), or --once");
  Duration every{0};
  if (!o.every.empty()) {
    auto d = ParseDuration(o.every);
    if (!d) return Fail("--every: " + d.error().message);
    if (*d < std::chrono::seconds(1)) return Fail(fmt::format("--every {}: at least 1s", o.every));
    every = *d;
  }
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return Fail("libcurl could not start");
  std::vector<std::unique_ptr<AlertSink>> sinks;
  if (Status s = MakeSinks(o, &sinks); !s) return Fail(s.message());
  const CommandContext scan_ctx{ScanArgsLine(args), ctx.stop};
  WatchSourceInfo info;
  auto source = MakeWatchSource(o.policy, o.scan, scan_ctx, &info);
  if (!source) return Fail(source.error().message);
  auto log = OpenRunLog(o, info, scan_ctx.argv_line);
  if (!log) return Fail(log.error().message);
  Metrics metrics;
  std::unique_ptr<MetricsServer> server;
  if (!o.metrics.empty()) {
    auto s = MetricsServer::Start(o.metrics, [&metrics] { return metrics.Text(); });
    if (!s) return Fail(s.error().message);
    server = std::move(*s);
  }
  Watcher watcher(std::move(*source), log->get(), &sinks, &metrics, info.label);
  // A loop ends by a signal: exit 0. Only --once reports its cycle.
  int code = Loop(o, every, &watcher, ctx);
  if (!o.once) code = 0;
  server.reset();
  sinks.clear();
  curl_global_cleanup();
  return code;
}

}  // namespace tj
