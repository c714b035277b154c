// tojimari's entry point: picks the subcommand from the command table
// (cli/command_table.h) and turns its result into the exit code.
// `tojimari [options] TARGET...` means `tojimari scan ...`, as nmap users
// type it.
#include <csignal>
#include <cstring>

#include <fmt/format.h>

#include "cli/command_table.h"
#include "cli/errors.h"
#include "core/spellcheck.h"
#include "net/privileges.h"

namespace {

// The one piece of process-wide state: set by the signal handler, read by
// the engines through the pointer they are given.
std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

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
  const tj::Command* c = tj::FindCommand(first);
  if (c && c->may_scan_raw()) tj::ExecPrivilegedCopy(argv);
  if (c) return c->run(rest, ctx);
  if (first == "--version" || first == "-V") return tj::FindCommand("version")->run({}, ctx);
  if (first == "--help" || first == "-h") return fmt::print("{}", tj::MainHelp()), 0;
  std::string hint;
  if (LooksLikeCommandTypo(first, &hint)) {
    return tj::Fail("", fmt::format("unknown command \"{}\" (did you mean \"{}\"?)", first, hint));
  }
  tj::ExecPrivilegedCopy(argv);
  return tj::RunScan(args, ctx);
}
