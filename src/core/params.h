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

#include <charconv>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/duration.h"
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
  // May be given more than once (-iL a -iL b); any other option with a
  // value given twice is refused rather than the first value silently dropped.
  bool repeats = false;
};

// One word of the command line matched against a table: the row it names
// (null if none), and its value when the word carries one ("--x=1", "-p22").
template <typename Opts>
struct ParamMatch {
  const Param<Opts>* param = nullptr;
  std::string_view word;   // the option as written, without "=value"
  std::string_view value;
  bool has_value = false;
};

template <typename Opts>
ParamMatch<Opts> MatchParam(std::span<const Param<Opts>> table, std::string_view a) {
  ParamMatch<Opts> m;
  m.word = a;
  if (a.starts_with("--")) {
    if (size_t eq = a.find('='); eq != std::string_view::npos) {
      m.word = a.substr(0, eq);
      m.value = a.substr(eq + 1);
      m.has_value = true;
    }
  }
  for (const auto& p : table)
    if (p.name == m.word) m.param = &p;
  if (!m.param && !a.starts_with("--")) {
    // Longest attached-value option that prefixes the word: "-p22", "-T4".
    for (const auto& p : table) {
      if ((p.arg == ArgKind::kAttached || p.arg == ArgKind::kOptional) && a.starts_with(p.name) &&
          (!m.param || p.name.size() > m.param->name.size()))
        m.param = &p;
    }
    if (m.param) {
      m.value = a.substr(m.param->name.size());
      m.word = m.param->name;
      m.has_value = true;
    }
  }
  return m;
}

// Applies a matched row, taking its value from args[*i + 1] when the row
// needs one that the word did not carry.
template <typename Opts>
Status ApplyParam(const ParamMatch<Opts>& m, const std::vector<std::string>& args, size_t* i, Opts* opts) {
  std::string_view value = m.value;
  if (m.param->arg == ArgKind::kFlag && m.has_value)
    return MakeError(fmt::format("option \"{}\" takes no value", m.word));
  if (m.param->arg != ArgKind::kFlag && m.param->arg != ArgKind::kOptional && !m.has_value) {
    if (*i + 1 >= args.size())
      return MakeError(fmt::format("option \"{}\" needs a value ({})", m.word, m.param->metavar));
    value = args[++*i];
  }
  Status s = m.param->apply(*opts, value);
  if (!s.ok()) return MakeError(fmt::format("{}: {}", m.word, s.message()));
  return Status::Ok();
}

template <typename Opts>
Status UnknownParam(std::span<const Param<Opts>> table, std::string_view word) {
  std::vector<std::string_view> names;
  for (const auto& p : table) names.push_back(p.name);
  std::string hint = SpellCheck(word, names);
  return MakeError(fmt::format("unknown option \"{}\"{}", word,
                               hint.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", hint)));
}

// Parses args into opts; words that are not options go to *positional.
// "--" ends option parsing.
// Refuses a second value for an option that takes one value (-p 80 -p 81:
// which one was meant?); a flag given twice says the same thing twice.
// `seen` collects the rows used so far.
template <typename Opts>
Status Once(const Param<Opts>* p, std::string_view word, std::vector<const Param<Opts>*>* seen) {
  if (p->repeats || p->arg == ArgKind::kFlag) return Status::Ok();
  for (const Param<Opts>* q : *seen)
    if (q == p) return MakeError(fmt::format("option \"{}\" is given twice (give it once)", word));
  seen->push_back(p);
  return Status::Ok();
}

template <typename Opts>
Status ParseParams(std::span<const Param<Opts>> table, const std::vector<std::string>& args, Opts* opts,
                   std::vector<std::string>* positional) {
  std::vector<const Param<Opts>*> seen;
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
    auto m = MatchParam(table, a);
    if (!m.param) return UnknownParam(table, m.word);
    if (Status s = Once(m.param, m.word, &seen); !s.ok()) return s;
    if (Status s = ApplyParam(m, args, &i, opts); !s.ok()) return s;
  }
  return Status::Ok();
}

// For a command that takes its own options and passes the rest on to
// another command's table (audit and watch pass scan options to the scan):
// the options of `own` are applied to opts; every other word goes to *rest
// in order, together with its value when `other` says it takes the next word
// ("-p 80" stays one option). Own options are matched by exact name only.
template <typename Opts, typename Other>
Status ParseOwnParams(std::span<const Param<Opts>> own, std::span<const Param<Other>> other,
                      const std::vector<std::string>& args, Opts* opts, std::vector<std::string>* rest) {
  std::vector<const Param<Opts>*> seen;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    std::string_view word = a.substr(0, a.starts_with("--") ? a.find('=') : std::string_view::npos);
    ParamMatch<Opts> m;
    for (const auto& p : own)
      if (p.name == word) m.param = &p;
    if (m.param) {
      m.word = word;
      m.has_value = word.size() < a.size();
      if (m.has_value) m.value = a.substr(word.size() + 1);
      if (Status s = Once(m.param, word, &seen); !s.ok()) return s;
      if (Status s = ApplyParam(m, args, &i, opts); !s.ok()) return s;
      continue;
    }
    rest->push_back(args[i]);
    for (const auto& p : other)
      if (p.name == a && (p.arg == ArgKind::kValue || p.arg == ArgKind::kAttached) && i + 1 < args.size())
        rest->push_back(args[++i]);
  }
  return Status::Ok();
}

// Values of options, for the tables' setters: a whole number (or double)
// within [lo, hi], or a duration ("30s", "500ms"). Errors name the value.
template <typename T>
Result<T> ParseNumber(std::string_view v, T lo, T hi) {
  T n{};
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || ptr != v.data() + v.size())
    return MakeError(fmt::format("\"{}\" is not a number", v));
  if (n < lo || n > hi) return MakeError(fmt::format("{} is out of range ({}-{})", v, lo, hi));
  return n;
}
template <typename T, typename Field>
Status SetNumber(Field* field, std::string_view v, T lo, T hi) {
  auto n = ParseNumber<T>(v, lo, hi);
  if (!n) return n.error();
  *field = *n;
  return Status::Ok();
}
template <typename Field>
Status SetDuration(Field* field, std::string_view v) {
  auto d = ParseDuration(v);
  if (!d) return d.error();
  *field = *d;
  return Status::Ok();
}

// args joined by spaces with the values of the `secret` options (given as
// "--opt VALUE" or "--opt=VALUE") shown as "(hidden)".
std::string RedactedArgs(const std::vector<std::string>& args, const std::vector<std::string_view>& secret);

// Wraps a paragraph at `width` columns (help and the man page).
std::string WrapText(std::string_view text, size_t width);

// A table row without its setter: what help, the man page and the shell
// completions need, whatever the options struct.
struct ParamDoc {
  std::string_view name;
  ArgKind arg;
  std::string_view metavar;
  std::string_view section;
  std::string_view help;  // empty: an alias, not listed on its own
};

template <typename Opts>
std::vector<ParamDoc> ParamDocs(std::span<const Param<Opts>> table) {
  std::vector<ParamDoc> out;
  for (const auto& p : table) out.push_back({p.name, p.arg, p.metavar, p.section, p.help});
  return out;
}

// The values a metavar spells out, for completion: "0-5" is 0..5,
// "text|json|sarif" its words; any other metavar names no fixed values.
std::vector<std::string> MetavarChoices(std::string_view metavar);
// Whether the value is a file name (FILE, BASENAME, DIR, PATH): completed
// from the file system.
bool MetavarIsPath(std::string_view metavar);

// Help text for a table, grouped by section, in table order.
std::string ParamsHelp(const std::vector<ParamDoc>& docs);
template <typename Opts>
std::string ParamsHelp(std::span<const Param<Opts>> table) {
  return ParamsHelp(ParamDocs(table));
}

}  // namespace tj
