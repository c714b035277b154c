#include "core/params.h"

#include <algorithm>
#include <charconv>

namespace tj {

std::vector<std::string> MetavarChoices(std::string_view metavar) {
  std::vector<std::string> out;
  if (size_t dash = metavar.find('-'); dash != std::string_view::npos && dash > 0) {
    int lo = 0, hi = 0;
    auto a = std::from_chars(metavar.data(), metavar.data() + dash, lo);
    auto b = std::from_chars(metavar.data() + dash + 1, metavar.data() + metavar.size(), hi);
    if (a.ec == std::errc() && a.ptr == metavar.data() + dash && b.ec == std::errc() &&
        b.ptr == metavar.data() + metavar.size() && lo <= hi && hi - lo < 100) {
      for (int n = lo; n <= hi; ++n) out.push_back(std::to_string(n));
      return out;
    }
  }
  if (metavar.find('|') == std::string_view::npos) return out;
  size_t pos = 0;
  while (pos <= metavar.size()) {
    size_t bar = std::min(metavar.find('|', pos), metavar.size());
    if (bar > pos) out.emplace_back(metavar.substr(pos, bar - pos));
    pos = bar + 1;
  }
  return out;
}

bool MetavarIsPath(std::string_view metavar) {
  return metavar == "FILE" || metavar == "BASENAME" || metavar == "DIR" || metavar == "PATH";
}

std::string ParamsHelp(const std::vector<ParamDoc>& docs) {
  std::string out;
  std::string_view section;
  for (const auto& p : docs) {
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

std::string RedactedArgs(const std::vector<std::string>& args, const std::vector<std::string_view>& secret) {
  std::string line;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    const std::string_view name = a.substr(0, a.find('='));
    const bool hide = std::find(secret.begin(), secret.end(), name) != secret.end();
    line += (line.empty() ? "" : " ") + std::string(hide ? name : a);
    if (hide && name.size() < a.size()) line += "=(hidden)";
    else if (hide && i + 1 < args.size()) line += " (hidden)", ++i;
  }
  return line;
}

std::string WrapText(std::string_view text, size_t width) {
  std::string out, line;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t sp = std::min(text.find(' ', pos), text.size());
    std::string_view word = text.substr(pos, sp - pos);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + std::string(word);
    pos = sp + 1;
  }
  if (!line.empty()) out += line + "\n";
  return out;
}

}  // namespace tj
