// PCRE2 behind a small interface: compile once, match from many threads.
// Subjects are bytes (no UTF), and matching is bounded (match and depth
// limits) so a pathological expression from a user's database cannot hang
// the scan on a hostile banner.
// Thread-safety: a compiled Regex is immutable; Match may run concurrently.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace tj {

class Regex {
 public:
  // flags: letters after the expression, 'i' caseless, 's' dot matches newline.
  static Result<std::shared_ptr<const Regex>> Compile(std::string_view pattern, std::string_view flags);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // True on a match; groups[0] is the whole match, groups[n] group n ("" when unset).
  bool Match(std::string_view subject, std::vector<std::string>* groups) const;

 private:
  Regex() = default;
  void* code_ = nullptr;  // pcre2_code_8
};

// Fills a signature template: $1..$9 become the groups, $P(n) group n with
// non-printable bytes dropped, $SUBST(n,"a","b") group n with a replaced by b.
// Any other byte outside printable ASCII is written as \xHH, so what reaches
// a report is always plain text.
std::string Substitute(std::string_view tmpl, const std::vector<std::string>& groups);

}  // namespace tj
