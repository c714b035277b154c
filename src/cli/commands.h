// The subcommands. Each takes its arguments (after the subcommand word) and
// returns the process exit code; only main() exits.
//   0  success (check: every port open)
//   1  the answer is "no" (check: some port not open)
//   2  bad input or the scan could not run
#pragma once

#include <atomic>
#include <string>
#include <string_view>
#include <vector>

#include "core/version.h"

namespace tj {

struct CommandContext {
  std::string argv_line;              // the whole command line, for reports
  const std::atomic<bool>* stop;      // set on SIGINT/SIGTERM
};

int RunScan(const std::vector<std::string>& args, const CommandContext& ctx);

struct ScanRequest;
struct ScanEnv;
// Runs a scan (session/scan_session.h) with its notices and progress line
// on stderr, then says what the outcome asks to be said there (engine
// counters with -v, where it was stored, how to resume). 0 done, 130
// interrupted, 2 it could not run or a report could not be written (said).
int ScanOnTerminal(const ScanRequest& req, const ScanEnv& env);
// `tojimari resume FILE`: finishes the scan an interrupted run saved.
int RunResume(const std::vector<std::string>& args, const CommandContext& ctx);
int RunCheck(const std::vector<std::string>& args, const CommandContext& ctx);
// `tojimari history`: the stored scans (history/store.h).
int RunHistory(const std::vector<std::string>& args, const CommandContext& ctx);
// `tojimari diff A [B]`: 0 no change, 1 changes, 2 could not compare.
int RunDiff(const std::vector<std::string>& args, const CommandContext& ctx);
// `tojimari audit --policy FILE`: 0 no finding, 1 findings, 2 could not run.
int RunAudit(const std::vector<std::string>& args, const CommandContext& ctx);
// `tojimari watch`: the audit on a schedule, with alerts (--once: 0 quiet, 1 alerted, 2 could not run).
int RunWatch(const std::vector<std::string>& args, const CommandContext& ctx);

// The options of each command, as cli/command_table.h documents them.
struct ParamDoc;
std::vector<ParamDoc> CheckParamDocs();
std::vector<ParamDoc> HistoryParamDocs();
std::vector<ParamDoc> DiffParamDocs();
std::vector<ParamDoc> AuditParamDocs();
std::vector<ParamDoc> WatchParamDocs();

// The list of commands (`tojimari`, `tojimari help`).
std::string MainHelp();
// The subcommand names, for "did you mean".
std::vector<std::string_view> CommandNames();

}  // namespace tj
