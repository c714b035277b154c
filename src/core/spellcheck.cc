#include "core/spellcheck.h"

#include <algorithm>

namespace tj {

size_t EditDistance(std::string_view a, std::string_view b) {
  // Optimal string alignment distance: Levenshtein plus adjacent swaps,
  // since "-sT" typed as "-Ts" is the commonest slip.
  const size_t n = a.size(), m = b.size();
  if (n > 64 || m > 64) return std::max(n, m);  // nobody mistypes a 64-letter word
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::string SpellCheck(std::string_view word, const std::vector<std::string_view>& candidates) {
  const size_t limit = word.size() <= 4 ? 1 : 2;
  size_t best = limit + 1;
  std::string_view found;
  for (std::string_view c : candidates) {
    // The distance is at least the difference in length: skip the rest.
    if ((c.size() > word.size() ? c.size() - word.size() : word.size() - c.size()) > limit) continue;
    size_t dist = EditDistance(word, c);
    if (dist < best) {
      best = dist;
      found = c;
    }
  }
  return std::string(found);
}

}  // namespace tj
