// A reference to a stored scan as a user types it: "12", "latest",
// "latest~2", "2026-11-20", "2026-11-20T10:00", "2026-11-20 10:00:30Z".
// Parsing is pure; the store resolves it (Store::ResolveRef).
// Thread-safety: plain functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "core/status.h"

namespace tj {

struct HistoryRef {
  enum class Kind { kId, kLatest, kTime } kind = Kind::kLatest;
  int64_t id = 0;    // kId
  int64_t back = 0;  // kLatest: how many scans before the latest
  // kTime: the scan to take is the last one started at or before this
  // (a date alone means the last microsecond of that day).
  std::chrono::system_clock::time_point at;
};

// Dates and times without 'Z' are local time (TZ).
Result<HistoryRef> ParseHistoryRef(std::string_view text);

// Whether text has the shape of a reference (for telling them from file names).
bool LooksLikeHistoryRef(std::string_view text);

}  // namespace tj
