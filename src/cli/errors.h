// How a command speaks on stderr: one line, "tojimari COMMAND: MESSAGE",
// with whatever came from outside (arguments, files, DNS names, banners)
// made printable (core/utf8.h Printable), so no input can drive the
// terminal. Only main() exits; commands return Fail()'s 2.
#pragma once

#include <string_view>

namespace tj {

// Prints the error and returns 2, the exit code of bad input or a scan that
// could not run.
int Fail(std::string_view command, std::string_view message);
// A notice that is not an error ("falling back to a connect scan").
void Note(std::string_view command, std::string_view message);

}  // namespace tj
