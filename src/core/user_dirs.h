// Where tojimari keeps a user's own files (the history, the resume key):
// $XDG_DATA_HOME/tojimari, else ~/.local/share/tojimari. Never the current
// directory: without HOME, the home in the password database; without
// that, nothing (callers say so in one line).
// Thread-safety: reads the environment; call before starting threads.
#pragma once

#include <string>

#include "core/status.h"

namespace tj {

// The directory, or "" when the user has no home.
std::string UserDataDir();
// Creates it (and its parents) with mode 0700 when missing.
Status MakeUserDataDir();

}  // namespace tj
