// UTF-8 validity, for text that comes from outside (banners, host names,
// policy files) before it goes where only valid UTF-8 may.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tj {

// Length of the valid UTF-8 sequence at s[i], or 0 if there is none
// (overlong forms, surrogates and code points past U+10FFFF are invalid).
size_t Utf8Length(std::string_view s, size_t i);

// The 1-based line of the first byte that is not part of valid UTF-8, or 0
// when all of s is valid.
int FirstInvalidUtf8Line(std::string_view s);

// s for a terminal: control characters (ESC, BEL, newlines...) and bytes
// that are not valid UTF-8 shown as \x1b, so a hostile name, banner or
// argument cannot move the cursor, retitle the window or fake a line.
// Valid UTF-8 (Japanese host names) passes unchanged.
std::string Printable(std::string_view s);

}  // namespace tj
