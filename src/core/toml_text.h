// toml11's parser behind one function, compiled in one place: toml::parse is
// the costliest template of the build (about 9 s of compile time at -O2 and
// 25 s under ASan for each file that calls it), and the policy file and the
// risk knowledge base both read TOML.
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>
#include <toml.hpp>

namespace tj {

// Parses TOML text; `name` is the file name toml11 puts in its messages.
// Throws what toml::parse throws (toml::syntax_error, std::exception): each
// caller turns that into its own one-line error, and toml11's exception
// carries the location they need.
toml::value ParseTomlText(std::string_view text, const std::string& name);

}  // namespace tj
