// How many sockets the process may hold at once. Raising the soft
// RLIMIT_NOFILE to the hard limit is what lets thousands of connects be in
// flight; the default soft limit of 1024 would cap a scan at a crawl.
#pragma once

namespace tj {

// Raises the soft limit as far as allowed and returns how many descriptors
// a scan may use for probes (the limit less a reserve for files and stdio).
int RaiseFdLimit();

}  // namespace tj
