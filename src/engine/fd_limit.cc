#include "engine/fd_limit.h"

#include <sys/resource.h>

#include <algorithm>

namespace tj {

int RaiseFdLimit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 900;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit want = lim;
    // Ask for what we can use; a hard limit of "unlimited" or a million is
    // more than any scan needs, and huge fd tables cost memory.
    want.rlim_cur = std::min<rlim_t>(lim.rlim_max, 65536);
    if (setrlimit(RLIMIT_NOFILE, &want) == 0) lim = want;
  }
  constexpr rlim_t kReserve = 64;
  return static_cast<int>(lim.rlim_cur > kReserve * 2 ? std::min<rlim_t>(lim.rlim_cur - kReserve, 65536)
                                                      : lim.rlim_cur / 2);
}

}  // namespace tj
