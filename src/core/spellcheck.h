// "Did you mean ...?" for mistyped subcommands, options and service names.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tj {

// Edit distance between two strings (insert, delete, replace, and swap of
// neighbours each cost one).
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word`, or "" when none is close enough to be a
// plausible typo (distance at most 1 for short words, 2 for longer ones).
std::string SpellCheck(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace tj
