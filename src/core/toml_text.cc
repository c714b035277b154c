#include "core/toml_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <sstream>
#include <vector>

#include "core/utf8.h"

namespace tj {
namespace {

// toml11 parses arrays, inline tables and dotted keys recursively, so a
// hostile file of nested brackets or a key of many dots would overflow the
// stack. Policies and the risk base nest a few levels; refuse deep nesting
// before toml11 sees it. Brackets inside strings and
// comments do not count.
constexpr int kMaxNesting = 32;

Status CheckNesting(std::string_view t, const std::string& path) {
  int depth = 0, line = 1, dots = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    if (c == '\n') {
      ++line;
      dots = 0;
    } else if (c == '.') {
      // Dotted keys (a.b.c = 1, [a.b.c]) nest tables recursively too.
      if (++dots > kMaxNesting)
        return MakeError(fmt::format("{}:{}: keys nest deeper than {} levels", path, line, kMaxNesting));
    } else if (c == '#') {
      while (i + 1 < t.size() && t[i + 1] != '\n') ++i;
    } else if (c == '"' || c == '\'') {
      bool multi = t.substr(i, 3) == std::string(3, c);
      std::string_view close = multi ? std::string_view(c == '"' ? "\"\"\"" : "\'\'\'") : t.substr(i, 1);
      size_t j = i + (multi ? 3 : 1);
      for (; j < t.size() && t.substr(j, close.size()) != close; ++j) {
        if (t[j] == '\\' && c == '"' && j + 1 < t.size()) ++j;  // only basic strings escape
        if (t[j] == '\n') ++line;
      }
      i = std::min(t.size(), j + close.size()) - 1;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxNesting)
        return MakeError(fmt::format("{}:{}: arrays and tables nest deeper than {} levels", path, line, kMaxNesting));
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return Status::Ok();
}

}  // namespace

// toml11's message starts "[error] toml::parse_xxx: ..." and continues with
// a multi-line picture of the input; keep the words of the first line and
// the last annotation ("it is not a valid value.").
// The picture numbers the lines it shows (" 5 | expires = ..."); the line
// shown above the last caret is where the error is, which is more exact
// than the exception's own location for some errors (a bad date).
std::string TomlMessage(const std::string& what, int* line_no, std::string* shown_text) {
  std::istringstream in(what);
  std::string first, line, note, shown_line;
  std::getline(in, first);
  int shown = 0;
  while (std::getline(in, line)) {
    size_t caret = line.find("^---");
    if (caret != std::string::npos) {
      note = line.substr(caret + 4);
      if (line_no && shown > 0) *line_no = shown;
      if (shown_text) *shown_text = shown_line;
      continue;
    }
    size_t bar = line.find(" | ");
    if (bar != std::string::npos) {
      int n = 0;
      auto [ptr, ec] = std::from_chars(line.data() + line.find_first_not_of(' '), line.data() + bar, n);
      if (ec == std::errc() && ptr == line.data() + bar) {
        shown = n;
        shown_line = line.substr(bar + 3);
      }
    }
  }
  if (first.starts_with("[error] ")) first.erase(0, 8);
  if (first.starts_with("toml::")) {
    size_t colon = first.find(": ");
    if (colon != std::string::npos) first.erase(0, colon + 2);
  }
  while (!note.empty() && (note.front() == ' ')) note.erase(0, 1);
  if (!note.empty() && note.back() == '.') note.pop_back();
  if (!note.empty() && note != first) first += fmt::format(" ({})", note);
  return first;
}

// toml11 re-reads the time of a date-time on its own and then numbers the
// lines of that piece ("1 | 2026-06-30T25:00:00"): when the line it names
// does not hold the text it shows, the first line that does is the one.
int LineOf(std::string_view text, int line, const std::string& shown) {
  if (shown.empty()) return line;
  std::vector<std::string_view> lines;
  for (size_t pos = 0; pos <= text.size();) {
    size_t nl = std::min(text.find('\n', pos), text.size());
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  auto holds = [&](int n) { return n >= 1 && n <= static_cast<int>(lines.size()) &&
                                   lines[n - 1].find(shown) != std::string_view::npos; };
  if (holds(line)) return line;
  for (int n = 1; n <= static_cast<int>(lines.size()); ++n)
    if (holds(n)) return n;
  return line;
}

Result<toml::value> ParseToml(std::string_view text, const std::string& name) {
  // A TOML file is UTF-8 (TOML 1.0). toml11 checks strings itself, but its
  // report of a bad byte inside a multi-line literal string reads outside
  // its buffer (found by the policy fuzzer): bad bytes are refused first.
  if (int line = FirstInvalidUtf8Line(text))
    return Error{fmt::format("{}:{}: not valid UTF-8 (a TOML file must be)", name, line)};
  if (Status s = CheckNesting(text, name); !s) return Error{s.message()};
  try {
    std::istringstream in{std::string(text)};
    return toml::parse(in, name);
  } catch (const toml::syntax_error& e) {
    int line = static_cast<int>(e.location().line());
    std::string shown;
    std::string msg = TomlMessage(e.what(), &line, &shown);
    line = LineOf(text, line, shown);
    return MakeError(fmt::format("{}:{}: {}", name, line, msg));
  } catch (const std::exception& e) {
    return MakeError(fmt::format("{}: {}", name, TomlMessage(e.what())));
  }
}

}  // namespace tj
