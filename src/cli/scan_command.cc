// `tojimari scan` and `tojimari resume`: options -> a scan request -> the
// session (session/scan_session.h) -> an exit code. Nothing of the scan
// itself lives here.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <optional>

#include "cli/command_table.h"
#include "cli/commands.h"
#include "cli/errors.h"
#include "cli/scan_params.h"
#include "core/utf8.h"
#include "session/progress.h"
#include "session/scan_session.h"

namespace tj {
namespace {

// What the user sees on the terminal while a scan runs: notices and the
// progress line on stderr (the reports go where the request says).
class TerminalObserver : public ScanObserver {
 public:
  explicit TerminalObserver(std::chrono::milliseconds every) : every_(every) {}
  void Notice(std::string_view line) override { fmt::print(stderr, "{}\n", Printable(line)); }
  void Started(const ScanInfo&, const ProgressCounters& counters) override {
    progress_.emplace(&counters, isatty(STDERR_FILENO), every_, stderr);
  }
  void Done(const RunSummary&) override { progress_.reset(); }  // clears the live line before the summary

 private:
  std::chrono::milliseconds every_;
  std::optional<ProgressReporter> progress_;
};

}  // namespace

int ScanOnTerminal(const ScanRequest& req, const ScanEnv& env) {
  TerminalObserver observer(std::chrono::duration_cast<std::chrono::milliseconds>(req.stats_every));
  auto outcome = RunScan(req, env, &observer);
  if (!outcome) return Fail("", outcome.error().message);
  if (req.verbose > 0 && !outcome->engine_stats.empty()) fmt::print(stderr, "{}\n", outcome->engine_stats);
  if (outcome->stored_id && !env.quiet)
    fmt::print(stderr, "Stored as scan {} in {}.\n", *outcome->stored_id, outcome->store_name);
  if (!outcome->resume_written.empty())
    fmt::print(stderr, "Interrupted: `tojimari resume {}` finishes the scan.\n", outcome->resume_written);
  if (!outcome->output_error.ok()) return Fail("", outcome->output_error.message());
  return outcome->summary.interrupted ? 130 : 0;
}

Result<ScanOptions> ParseScanOptions(const std::vector<std::string>& args) {
  ScanOptions o;
  if (Status s = ParseParams(ScanParams(), args, &o, &o.targets); !s.ok()) return Error{s.message()};
  if (Status s = FinishScanOptions(&o); !s.ok()) return Error{s.message()};
  return o;
}

int RunScan(const std::vector<std::string>& args, const CommandContext& ctx) {
  auto o = ParseScanOptions(args);
  if (!o) return Fail("", o.error().message);
  if (o->help) return fmt::print("{}", HelpOf("scan")), 0;
  if (o->version) return fmt::print("{}", VersionText()), 0;
  ScanRequest req = std::move(*o);
  req.command_line = ctx.argv_line;
  ScanEnv env;
  env.stop = ctx.stop;
  return ScanOnTerminal(req, env);
}

int RunResume(const std::vector<std::string>& args, const CommandContext& ctx) {
  if (args.size() != 1 || args[0].starts_with("-")) {
    fmt::print(stderr, "tojimari resume: give the resume file an interrupted scan wrote (e.g. tojimari.resume)\n");
    return 2;
  }
  auto key = LoadResumeKey(false);
  if (!key) return Fail("", key.error().message);
  auto state = ReadResumeFile(args[0], *key);
  if (!state) return Fail("", state.error().message);
  // The saved request continues; the resume file given here replaces the
  // one it named (it may have been moved).
  ScanRequest req = state->request;
  req.resume_file = args[0];
  ScanEnv env;
  env.stop = ctx.stop;
  env.resume = &*state;
  return ScanOnTerminal(req, env);
}

}  // namespace tj
