// toml11's parser behind one function, compiled in one place: toml::parse is
// the costliest template of the build (about 9 s of compile time at -O2 and
// 25 s under ASan for each file that calls it), and the policy file and the
// risk knowledge base both read TOML. Also where toml11's multi-line
// messages become the one-line errors tojimari prints.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <toml.hpp>

#include "core/status.h"

namespace tj {

// Parses TOML text; `name` is the file name the errors start with. Every
// error is one line, "name:LINE: what is wrong" (no LINE when toml11 gives
// none). Nesting deeper than 32 levels is refused before toml11 sees it:
// its parser recurses, and a hostile file of brackets would overflow the stack.
Result<toml::value> ParseToml(std::string_view text, const std::string& name);

// The words of a toml11 exception message (`what`), on one line. When the
// message pictures the input, *line_no (if given) becomes the line it marks.
// shown_text, if given, gets the text of the line the message points at.
std::string TomlMessage(const std::string& what, int* line_no = nullptr, std::string* shown_text = nullptr);

}  // namespace tj
