// Durations as nmap writes them: "500ms", "30s", "5m", "2h", "1.5s"; a bare
// number means seconds. Used by --host-timeout, --wait, --stats-every.
// Thread-safety: pure function.
#pragma once

#include <chrono>
#include <string_view>

#include "core/status.h"

namespace tj {

using Duration = std::chrono::microseconds;

Result<Duration> ParseDuration(std::string_view text);

}  // namespace tj
