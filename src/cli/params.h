// A table of command-line parameters, nmap style: one row per option with
// its name, whether it takes a value, its help text and how it sets a plain
// options struct. The same table drives parsing, --help and "did you mean".
//
//   -p 22   -p22   -p-       short options whose value may be attached
//   -sT  -Pn  -iL FILE       nmap's multi-letter single-dash options
//   --top-ports 100  --top-ports=100
//   -v -vv -vvv              repeated flags
// Thread-safety: tables are constant; parsing writes only the caller's struct.
#pragma once

#include <fmt/format.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/spellcheck.h"
#include "core/status.h"

namespace tj {

enum class ArgKind : uint8_t {
  kFlag,      // no value
  kValue,     // value in the next word, or after '=' for long options
  kAttached,  // value attached ("-p22", "-T4") or in the next word
  kOptional,  // value only when attached ("-PS443"); alone ("-PS") it has none
};

template <typename Opts>
struct Param {
  std::string_view name;     // "-p", "-sT", "--top-ports"
  ArgKind arg;
  std::string_view metavar;  // shown in help, e.g. "PORTS"
  std::string_view section;  // help section heading
  std::string_view help;
  Status (*apply)(Opts& opts, std::string_view value);
};

// Parses args into opts; words that are not options go to *positional.
// "--" ends option parsing.
template <typename Opts>
Status ParseParams(std::span<const Param<Opts>> table, const std::vector<std::string>& args, Opts* opts,
                   std::vector<std::string>* positional) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      positional->insert(positional->end(), args.begin() + i + 1, args.end());
      break;
    }
    if (a.size() < 2 || a[0] != '-') {
      positional->push_back(a);
      continue;
    }
    std::string_view word = a, value;
    bool has_value = false;
    if (a.starts_with("--")) {
      if (size_t eq = a.find('='); eq != std::string::npos) {
        word = std::string_view(a).substr(0, eq);
        value = std::string_view(a).substr(eq + 1);
        has_value = true;
      }
    }
    const Param<Opts>* found = nullptr;
    for (const auto& p : table)
      if (p.name == word) found = &p;
    if (!found && !a.starts_with("--")) {
      // Longest attached-value option that prefixes the word: "-p22", "-T4".
      for (const auto& p : table) {
        if ((p.arg == ArgKind::kAttached || p.arg == ArgKind::kOptional) && word.starts_with(p.name) &&
            (!found || p.name.size() > found->name.size()))
          found = &p;
      }
      if (found) {
        value = word.substr(found->name.size());
        word = found->name;
        has_value = true;
      }
    }
    if (!found) {
      std::vector<std::string_view> names;
      for (const auto& p : table) names.push_back(p.name);
      std::string hint = SpellCheck(word, names);
      return MakeError(fmt::format("unknown option \"{}\"{}", word,
                                   hint.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", hint)));
    }
    if (found->arg == ArgKind::kFlag && has_value)
      return MakeError(fmt::format("option \"{}\" takes no value", word));
    if (found->arg != ArgKind::kFlag && found->arg != ArgKind::kOptional && !has_value) {
      if (i + 1 >= args.size())
        return MakeError(fmt::format("option \"{}\" needs a value ({})", word, found->metavar));
      value = args[++i];
    }
    Status s = found->apply(*opts, value);
    if (!s.ok()) return MakeError(fmt::format("{}: {}", word, s.message()));
  }
  return Status::Ok();
}

// Help text for a table, grouped by section, in table order.
template <typename Opts>
std::string ParamsHelp(std::span<const Param<Opts>> table) {
  std::string out;
  std::string_view section;
  for (const auto& p : table) {
    if (p.help.empty()) continue;  // aliases are not listed twice
    if (p.section != section) {
      section = p.section;
      out += fmt::format("\n{}:\n", section);
    }
    std::string left = p.metavar.empty() ? std::string(p.name) : fmt::format("{} {}", p.name, p.metavar);
    out += fmt::format("  {:<24} {}\n", left, p.help);
  }
  return out;
}

}  // namespace tj
