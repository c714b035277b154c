// What this build of tojimari is: its version (CMakeLists.txt project())
// and, for `tojimari version` and bug reports, the commit and the
// libraries it was built with and runs with.
// Thread-safety: constants and a pure function.
#pragma once

#include <string>
#include <string_view>

namespace tj {

constexpr std::string_view kVersion = TJ_VERSION;
// The version, the commit, the libraries; a last line when the binary is a
// sanitizer build (tests read it to know what they measure).
std::string VersionText();

}  // namespace tj
