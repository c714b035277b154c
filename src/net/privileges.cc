#include "net/privileges.h"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <fmt/format.h>

namespace tj {
namespace {

// capget/capset through the system call: libcap would be a dependency for
// two calls.
bool GetCaps(__user_cap_data_struct data[2]) {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  return syscall(SYS_capget, &hdr, data) == 0;
}

}  // namespace

bool HaveRawPrivileges() {
  __user_cap_data_struct data[2]{};
  if (!GetCaps(data)) return geteuid() == 0;
  return data[CAP_NET_RAW / 32].effective & (1u << (CAP_NET_RAW % 32));
}

Result<std::string> DropPrivileges(const std::string& user) {
  std::string did;
  if (geteuid() == 0 || getuid() == 0) {
    passwd* pw = getpwnam(user.c_str());
    if (!pw) return MakeError(fmt::format("cannot drop privileges: no user \"{}\"", user));
    uid_t uid = pw->pw_uid;
    gid_t gid = pw->pw_gid;
    if (setgroups(0, nullptr) != 0 || setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0)
      return MakeError(fmt::format("cannot drop privileges to \"{}\": {}", user, std::strerror(errno)));
    did = fmt::format("now running as {} ({}:{})", user, uid, gid);
  }
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct none[2]{};
  if (syscall(SYS_capset, &hdr, none) != 0)
    return MakeError(fmt::format("cannot clear capabilities: {}", std::strerror(errno)));
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (did.empty()) did = "capabilities cleared";
  return did;
}

void ExecPrivilegedCopy(char** argv) {
  if (HaveRawPrivileges()) return;
  char exe[PATH_MAX];
  if (!realpath("/proc/self/exe", exe)) return;
  std::string_view self = exe;
  size_t slash = self.rfind('/');
  if (slash == std::string_view::npos) return;
  std::string_view dir = self.substr(0, slash);
  if (!dir.ends_with("/bin")) return;  // an installed binary, not a build tree's
  std::string copy = std::string(dir.substr(0, dir.size() - 4)) + "/libexec/tojimari/tojimari-raw";
  if (copy == self || access(copy.c_str(), X_OK) != 0) return;
  execv(copy.c_str(), argv);  // returns only on failure: go on unprivileged
}

}  // namespace tj
