// PCRE2 (8-bit code units) with bounded matching; see regex.h.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "service/regex.h"

#include <pcre2.h>

#include <fmt/format.h>

namespace tj {
namespace {

// Enough for every signature we know; a catastrophic backtrack stops here
// instead of taking seconds per banner.
constexpr uint32_t kMatchLimit = 200000;
constexpr uint32_t kDepthLimit = 5000;

pcre2_match_context* Limits() {
  static pcre2_match_context* ctx = [] {
    pcre2_match_context* c = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(c, kMatchLimit);
    pcre2_set_depth_limit(c, kDepthLimit);
    return c;
  }();
  return ctx;
}

bool IsPrint(unsigned char c) { return c >= 0x20 && c < 0x7f; }

void AppendClean(std::string* out, std::string_view s) {
  for (unsigned char c : s) {
    if (IsPrint(c)) out->push_back(static_cast<char>(c));
    else *out += fmt::format("\\x{:02x}", c);
  }
}

// Reads a group number at s[*i]; advances *i. -1 when there is none.
int GroupNumber(std::string_view s, size_t* i) {
  if (*i >= s.size() || s[*i] < '0' || s[*i] > '9') return -1;
  return s[(*i)++] - '0';
}

std::string_view Group(const std::vector<std::string>& g, int n) {
  return n >= 0 && static_cast<size_t>(n) < g.size() ? std::string_view(g[n]) : std::string_view();
}

// $SUBST(n,"a","b"): the arguments after "$SUBST(" at s[*i]. False when malformed.
bool Subst(std::string_view s, size_t* i, const std::vector<std::string>& g, std::string* out) {
  size_t p = *i;
  int n = GroupNumber(s, &p);
  std::string arg[2];
  for (auto& a : arg) {
    if (p + 1 >= s.size() || s[p] != ',' || s[p + 1] != '"') return false;
    size_t end = s.find('"', p + 2);
    if (end == std::string_view::npos) return false;
    a = std::string(s.substr(p + 2, end - p - 2));
    p = end + 1;
  }
  if (n < 0 || p >= s.size() || s[p] != ')' || arg[0].empty()) return false;
  std::string v(Group(g, n));
  for (size_t at = 0; (at = v.find(arg[0], at)) != std::string::npos; at += arg[1].size())
    v.replace(at, arg[0].size(), arg[1]);
  AppendClean(out, v);
  *i = p + 1;
  return true;
}

}  // namespace

Result<std::shared_ptr<const Regex>> Regex::Compile(std::string_view pattern, std::string_view flags) {
  uint32_t opts = 0;
  for (char f : flags) {
    if (f == 'i') opts |= PCRE2_CASELESS;
    else if (f == 's') opts |= PCRE2_DOTALL;
    else return MakeError(fmt::format("unknown regex flag '{}'", f));
  }
  int err = 0;
  PCRE2_SIZE off = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), opts,
                                   &err, &off, nullptr);
  if (!code) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    return MakeError(fmt::format("bad regex at offset {}: {}", off, reinterpret_cast<char*>(msg)));
  }
  std::shared_ptr<Regex> r(new Regex);
  r->code_ = code;
  return std::shared_ptr<const Regex>(std::move(r));
}

Regex::~Regex() { pcre2_code_free(static_cast<pcre2_code*>(code_)); }

bool Regex::Match(std::string_view subject, std::vector<std::string>* groups) const {
  auto* code = static_cast<pcre2_code*>(code_);
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(code, nullptr);
  int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0, 0, md,
                       Limits());
  if (rc > 0 && groups) {
    uint32_t n = pcre2_get_ovector_count(md);
    PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    groups->assign(n, std::string());
    for (uint32_t i = 0; i < n && i < static_cast<uint32_t>(rc); ++i)
      if (ov[2 * i] != PCRE2_UNSET && ov[2 * i + 1] >= ov[2 * i])
        (*groups)[i] = std::string(subject.substr(ov[2 * i], ov[2 * i + 1] - ov[2 * i]));
  }
  pcre2_match_data_free(md);
  return rc > 0;
}

std::string Substitute(std::string_view t, const std::vector<std::string>& g) {
  std::string out;
  for (size_t i = 0; i < t.size();) {
    if (t[i] != '$') {
      AppendClean(&out, t.substr(i++, 1));
      continue;
    }
    size_t p = i + 1;
    if (int n = GroupNumber(t, &p); n >= 0) {
      AppendClean(&out, Group(g, n));
      i = p;
    } else if (t.substr(i).starts_with("$P(")) {
      p = i + 3;
      n = GroupNumber(t, &p);
      if (n < 0 || p >= t.size() || t[p] != ')') {
        out += "$";
        ++i;
        continue;
      }
      for (unsigned char c : Group(g, n))
        if (IsPrint(c)) out.push_back(static_cast<char>(c));
      i = p + 1;
    } else if (t.substr(i).starts_with("$SUBST(")) {
      p = i + 7;
      if (!Subst(t, &p, g, &out)) {
        out += "$";
        ++i;
        continue;
      }
      i = p;
    } else {
      out += "$";
      ++i;
    }
  }
  return out;
}

}  // namespace tj
