// Durations as nmap writes them: "500ms", "30s", "5m", "2h", "1.5s"; a bare
// number means seconds. Used by --host-timeout, --wait, --stats-every.
// Thread-safety: pure function.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "core/status.h"

namespace tj {

using Duration = std::chrono::microseconds;

Result<Duration> ParseDuration(std::string_view text);

// The last second since the epoch a system_clock time point can hold (in
// 2262 with libstdc++'s nanoseconds). Times read from files, databases or the
// command line are checked against it: from_time_t past it overflows.
inline constexpr int64_t kLatestEpochSecond =
    std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::duration::max()).count() - 1;

}  // namespace tj
