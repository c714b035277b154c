// Least privilege for raw scans: tojimari opens its raw sockets and capture
// rings first, then gives up everything before reading a packet from the
// network, so a bug in a packet parser cannot be used to gain root.
// Thread-safety: call from the main thread before any other thread starts.
#pragma once

#include <string>

#include "core/status.h"

namespace tj {

// Whether the process may open raw packet sockets (root, or CAP_NET_RAW as
// from `setcap cap_net_raw,cap_net_admin+ep tojimari`).
bool HaveRawPrivileges();

// As root: switch to the unprivileged user `user` (default "nobody") and
// its group, with no supplementary groups. Then, for root and for a binary
// with file capabilities alike: clear every capability and forbid regaining
// any (PR_SET_NO_NEW_PRIVS). Returns what it did, for -v.
Result<std::string> DropPrivileges(const std::string& user = "nobody");

// The installed package's privileged copy of the binary:
// PREFIX/libexec/tojimari/tojimari-raw beside PREFIX/bin/tojimari, with
// the file capabilities cap_net_raw,cap_net_admin and runnable only by root
// and the group tojimari (the package's postinst sets this up). When this
// process lacks raw privileges and its user may run that copy, replaces the
// process with it, same arguments; returns if it does not (no copy, not
// allowed, or this already is the copy). The copy gives its capabilities up
// as the scan starts, as root does (DropPrivileges).
void ExecPrivilegedCopy(char** argv);

}  // namespace tj
