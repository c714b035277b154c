#include "core/user_dirs.h"

#include <fmt/format.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/utf8.h"

namespace tj {

std::string UserDataDir() {
  const char* xdg = getenv("XDG_DATA_HOME");
  if (xdg && *xdg == '/') return std::string(xdg) + "/tojimari";
  const char* home = getenv("HOME");
  std::string dir = home && *home == '/' ? home : "";
  if (dir.empty())
    if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_dir && pw->pw_dir[0] == '/') dir = pw->pw_dir;
  return dir.empty() ? "" : dir + "/.local/share/tojimari";
}

Status MakeUserDataDir() {
  const std::string dir = UserDataDir();
  if (dir.empty()) return MakeError("HOME is not set and this user has no home directory");
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    std::string part = dir.substr(0, pos);
    if (mkdir(part.c_str(), 0700) != 0 && errno != EEXIST)
      return MakeError(fmt::format("cannot create \"{}\": {}", Printable(part), strerror(errno)));
  }
  return Status::Ok();
}

}  // namespace tj
