// The subcommands, declared once: main() dispatches from this table, and
// `help`, the man page and the shell completions are all read from it and
// from each command's parameter table, so none of them can drift from what
// the parser accepts.
// Thread-safety: the table is constant.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "core/params.h"

namespace tj {

struct Command {
  std::string_view name;
  // The synopsis after "tojimari "; several lines for several forms.
  std::string_view usage;
  std::string_view summary;      // one line, for the command list
  std::string_view description;  // paragraphs (blank-line separated) for help and the man page
  int (*run)(const std::vector<std::string>& args, const CommandContext& ctx);
  std::vector<ParamDoc> (*options)();  // null: the command takes no options
  unsigned flags = 0;                  // kPassesScanOptions | kHidden | kMayScanRaw

  bool scan_options() const { return flags & kPassesScanOptions; }
  bool hidden() const { return flags & kHidden; }
  bool may_scan_raw() const { return flags & kMayScanRaw; }

  // audit and watch pass every option they do not know to the scan.
  static constexpr unsigned kPassesScanOptions = 1;
  // Internal commands (the man page generator, watch's scan child): neither
  // listed nor documented.
  static constexpr unsigned kHidden = 2;
  // May send raw packets: an unprivileged user who may run the package's
  // privileged copy runs that instead (net/privileges.h).
  static constexpr unsigned kMayScanRaw = 4;
};

std::span<const Command> Commands();
// The command named `name`, or null.
const Command* FindCommand(std::string_view name);
// `tojimari help NAME`: usage, description and options.
std::string CommandHelp(const Command& c);
// The help of the command named `name` (REQUIRES: it is in the table).
std::string HelpOf(std::string_view name);

// tojimari(1) in roff, every command with every option.
std::string ManPage();
// Shell completion scripts: "bash" or "zsh"; empty for another shell.
std::string Completion(std::string_view shell);

}  // namespace tj
