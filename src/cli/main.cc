// tojimari's entry point: picks the subcommand and turns its result into the
// exit code. `tojimari [options] TARGET...` means `tojimari scan ...`, as
// nmap users type it.
#include <csignal>
#include <cstring>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/watch_scan.h"
#include "core/spellcheck.h"

namespace {

// The one piece of process-wide state: set by the signal handler, read by
// the engines through the pointer they are given.
std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

int Help(const std::vector<std::string>& args) {
  if (args.empty()) return fmt::print("{}", tj::MainHelp()), 0;
  if (args[0] == "scan") return fmt::print("{}", tj::ScanHelp()), 0;
  if (args[0] == "check") return fmt::print("{}", tj::CheckHelp()), 0;
  if (args[0] == "history") return fmt::print("{}", tj::HistoryHelp()), 0;
  if (args[0] == "diff") return fmt::print("{}", tj::DiffHelp()), 0;
  if (args[0] == "audit") return fmt::print("{}", tj::AuditHelp()), 0;
  if (args[0] == "watch") return fmt::print("{}", tj::WatchHelp()), 0;
  std::string hint = tj::SpellCheck(args[0], tj::CommandNames());
  fmt::print(stderr, "tojimari: no help for \"{}\"{}\n", args[0],
             hint.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", hint));
  return 2;
}

// A first word that is neither a command nor plausibly a target, but close to
// a command name, is a typo: say so rather than try to resolve it as a host.
bool LooksLikeCommandTypo(const std::string& word, std::string* hint) {
  if (word.find_first_of(".:/*,") != std::string::npos || word.starts_with("-")) return false;
  *hint = tj::SpellCheck(word, tj::CommandNames());
  return !hint->empty();
}

}  // namespace

int main(int argc, char** argv) {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::vector<std::string> args(argv + 1, argv + argc);
  tj::CommandContext ctx;
  ctx.stop = &g_stop;
  for (int i = 0; i < argc; ++i) ctx.argv_line += (i ? " " : "") + std::string(argv[i]);

  if (args.empty()) {
    fmt::print(stderr, "{}", tj::MainHelp());
    return 2;
  }
  const std::string& first = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (first == "scan") return tj::RunScan(rest, ctx);
  if (first == "check") return tj::RunCheck(rest, ctx);
  if (first == "audit") return tj::RunAudit(rest, ctx);
  if (first == "resume") return tj::RunResume(rest, ctx);
  if (first == "history") return tj::RunHistory(rest, ctx);
  if (first == "diff") return tj::RunDiff(rest, ctx);
  if (first == "watch") return tj::RunWatch(rest, ctx);
  if (first == tj::kScanRecordCommand) return tj::RunScanRecord(rest, ctx);
  if (first == "help") return Help(rest);
  if (first == "version" || first == "--version" || first == "-V")
    return fmt::print("{}", tj::VersionText()), 0;
  if (first == "--help" || first == "-h") return fmt::print("{}", tj::MainHelp()), 0;
  std::string hint;
  if (LooksLikeCommandTypo(first, &hint)) {
    fmt::print(stderr, "tojimari: unknown command \"{}\" (did you mean \"{}\"?)\n", first, hint);
    return 2;
  }
  return tj::RunScan(args, ctx);
}
