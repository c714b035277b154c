#include "core/params.h"

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

}  // namespace tj
