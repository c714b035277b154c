#include "core/duration.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace tj {

Result<Duration> ParseDuration(std::string_view text) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || v < 0 || !std::isfinite(v))
    return MakeError(fmt::format("duration \"{}\": expected a number with an optional unit (ms, s, m, h)", text));
  std::string_view unit(ptr, text.data() + text.size() - ptr);
  double us_per_unit;
  if (unit.empty() || unit == "s") us_per_unit = 1e6;
  else if (unit == "ms") us_per_unit = 1e3;
  else if (unit == "us") us_per_unit = 1;
  else if (unit == "m") us_per_unit = 60e6;
  else if (unit == "h") us_per_unit = 3600e6;
  else
    return MakeError(fmt::format("duration \"{}\": unknown unit \"{}\" (use ms, s, m or h)", text, unit));
  double us = v * us_per_unit;
  if (us > 1e15) return MakeError(fmt::format("duration \"{}\" is too long", text));
  return Duration(static_cast<int64_t>(std::llround(us)));
}

}  // namespace tj
