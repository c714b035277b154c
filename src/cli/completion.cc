// Shell completions for bash and zsh, written from the command table and
// the parameter tables: commands, every option of the command being typed
// (scan options too where audit and watch pass them on), the values a
// metavar spells out ("-T" 0..5, "--format" text|json|...), and file names
// where an option takes a file.
#include <fmt/format.h>

#include "cli/command_table.h"
#include "cli/scan_params.h"

namespace tj {
namespace {

// The options a command accepts, its own first.
std::vector<ParamDoc> OptionsOf(const Command& c) {
  std::vector<ParamDoc> out = c.options ? c.options() : std::vector<ParamDoc>{};
  if (c.scan_options()) {
    size_t own = out.size();
    for (const ParamDoc& d : ParamDocs(ScanParams())) {
      bool shadowed = false;  // --db, -h: the command's own meaning wins
      for (size_t i = 0; i < own; ++i) shadowed |= out[i].name == d.name;
      if (!shadowed) out.push_back(d);
    }
  }
  return out;
}

std::string Join(const std::vector<std::string>& words, std::string_view sep) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : std::string(sep)) + w;
  return out;
}

std::string BashCommand(const Command& c) {
  std::vector<std::string> words, file_opts, free_opts;
  std::string choice_cases;
  for (const ParamDoc& d : OptionsOf(c)) {
    std::vector<std::string> choices = MetavarChoices(d.metavar);
    bool attached = d.arg == ArgKind::kAttached || d.arg == ArgKind::kOptional;
    words.emplace_back(d.name);
    if (attached)  // "-T4": the value is part of the word
      for (const auto& v : choices) words.push_back(fmt::format("{}{}", d.name, v));
    if (d.arg == ArgKind::kFlag || d.arg == ArgKind::kOptional) continue;
    if (!choices.empty())
      choice_cases += fmt::format("      {}) COMPREPLY=($(compgen -W '{}' -- \"$cur\")); return ;;\n", d.name,
                                  Join(choices, " "));
    else if (MetavarIsPath(d.metavar))
      file_opts.emplace_back(d.name);
    else
      free_opts.emplace_back(d.name);
  }
  std::string out = fmt::format("    {})\n      opts='{}'\n      case $prev in\n", c.name, Join(words, " "));
  out += choice_cases;
  if (!file_opts.empty())
    out += fmt::format("      {}) compopt -o filenames 2> /dev/null; COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n",
                       Join(file_opts, "|"));
  if (!free_opts.empty()) out += fmt::format("      {}) return ;;\n", Join(free_opts, "|"));
  out += "      esac\n      ;;\n";
  return out;
}

std::string Bash() {
  std::vector<std::string> names;
  std::string cases;
  for (const Command& c : Commands()) {
    if (c.hidden()) continue;
    names.emplace_back(c.name);
    if (c.options) cases += BashCommand(c);
  }
  return fmt::format(
      "# bash completion for tojimari (written by `tojimari _completion bash`)\n"
      "_tojimari() {{\n"
      "  local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}} cmd=scan opts=\n"
      "  local commands='{}'\n"
      "  if ((COMP_CWORD > 1)) && [[ \" $commands \" == *\" ${{COMP_WORDS[1]}} \"* ]]; then\n"
      "    cmd=${{COMP_WORDS[1]}}\n"
      "  fi\n"
      "  case $cmd in\n"
      "{}"
      "    help) COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\")); return ;;\n"
      "    resume|diff) compopt -o filenames 2> /dev/null; COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
      "  esac\n"
      "  if [[ $cur == -* ]]; then\n"
      "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
      "  elif ((COMP_CWORD == 1)); then\n"
      "    COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\") $(compgen -A hostname -- \"$cur\"))\n"
      "  else\n"
      "    COMPREPLY=($(compgen -A hostname -- \"$cur\"))\n"
      "  fi\n"
      "}}\n"
      "complete -F _tojimari tojimari\n",
      Join(names, " "), cases);
}

// Text inside an _arguments spec: brackets and colons escaped, and single
// quotes closed and reopened (the spec is single-quoted).
std::string ZshText(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out;
}

std::string ZshCommand(const Command& c) {
  std::string specs;
  for (const ParamDoc& d : OptionsOf(c)) {
    // "*": options may repeat (-v -v, -iL a -iL b), as the parser allows.
    std::string spec = fmt::format("'*{}", d.name);
    if (d.arg == ArgKind::kAttached) spec += "+";
    else if (d.arg == ArgKind::kOptional) spec += "-";
    else if (d.arg == ArgKind::kValue) spec += d.name.starts_with("--") ? "=" : "";
    spec += fmt::format("[{}]", ZshText(d.help.empty() ? "same as the option before" : d.help));
    if (d.arg != ArgKind::kFlag) {
      std::vector<std::string> choices = MetavarChoices(d.metavar);
      std::string action = !choices.empty()            ? fmt::format("({})", Join(choices, " "))
                           : MetavarIsPath(d.metavar) ? "_files"
                                                      : " ";
      spec += fmt::format("{}:{}:{}", d.arg == ArgKind::kOptional ? ":" : "", ZshText(d.metavar), action);
    }
    specs += " \\\n      " + spec + "'";
  }
  std::string rest = c.name == "scan" || c.name == "watch" ? "'*:target:_hosts'"
                     : c.name == "check"                   ? "'*:host\\:port:_hosts'"
                                                           : "'*:file:_files'";
  return fmt::format("    {})\n      _arguments -s -S{} \\\n      {} ;;\n", c.name, specs, rest);
}

std::string Zsh() {
  std::string described, cases;
  for (const Command& c : Commands()) {
    if (c.hidden()) continue;
    described += fmt::format("\n    '{}:{}'", c.name, ZshText(c.summary));
    if (c.options) cases += ZshCommand(c);
  }
  return fmt::format(
      "#compdef tojimari\n"
      "# zsh completion for tojimari (written by `tojimari _completion zsh`)\n"
      "_tojimari() {{\n"
      "  local -a commands\n"
      "  commands=({}\n"
      "  )\n"
      "  local cmd=scan\n"
      "  if (( CURRENT > 2 && ${{commands[(I)${{words[2]}}:*]}} )); then\n"
      "    cmd=${{words[2]}}\n"
      "    shift words\n"
      "    (( CURRENT-- ))\n"
      "  elif (( CURRENT == 2 )) && [[ $PREFIX != -* ]]; then\n"
      "    _describe -t commands 'tojimari command' commands\n"
      "    _hosts\n"
      "    return\n"
      "  fi\n"
      "  case $cmd in\n"
      "{}"
      "    help) _describe -t commands 'tojimari command' commands ;;\n"
      "    *) _files ;;\n"
      "  esac\n"
      "}}\n"
      "_tojimari \"$@\"\n",
      described, cases);
}

}  // namespace

std::string Completion(std::string_view shell) {
  if (shell == "bash") return Bash();
  if (shell == "zsh") return Zsh();
  return "";
}

}  // namespace tj
