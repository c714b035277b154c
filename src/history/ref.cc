#include "history/ref.h"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <ctime>

#include "core/duration.h"

namespace tj {
namespace {

// Reads exactly `digits` digits at *pos.
bool Digits(std::string_view s, size_t* pos, size_t digits, int* out) {
  if (*pos + digits > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < digits; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += digits;
  *out = v;
  return true;
}

bool Expect(std::string_view s, size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

Result<HistoryRef> ParseTime(std::string_view s) {
  auto bad = [&] {
    return MakeError(fmt::format(
        "\"{}\" is not a scan reference (an id, latest, latest~N, YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z])",
        s));
  };
  std::tm tm{};
  size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 23, mi = 59, sec = 59;
  if (!Digits(s, &pos, 4, &y) || !Expect(s, &pos, '-') || !Digits(s, &pos, 2, &mo) || !Expect(s, &pos, '-') ||
      !Digits(s, &pos, 2, &d))
    return bad();
  bool date_only = pos == s.size() || s[pos] == 'Z';
  bool whole_second = date_only;  // the scans started within that second count as at it
  if (!date_only) {
    if (s[pos] != 'T' && s[pos] != ' ') return bad();
    ++pos;
    sec = 0;
    if (!Digits(s, &pos, 2, &h) || !Expect(s, &pos, ':') || !Digits(s, &pos, 2, &mi)) return bad();
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!Digits(s, &pos, 2, &sec)) return bad();
      whole_second = true;
    }
  }
  bool utc = Expect(s, &pos, 'Z');
  if (pos != s.size()) return bad();
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return bad();
  // A day the month does not have (2026-02-30) is a typo, not a time to
  // roll over into March.
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok())
    return MakeError(fmt::format("\"{}\": {:04}-{:02} has no day {}", s, y, mo, d));
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  tm.tm_isdst = -1;
  std::time_t t = utc ? timegm(&tm) : mktime(&tm);
  if (t == -1 || t > kLatestEpochSecond) return bad();  // past 2262 the clock overflows
  HistoryRef r;
  r.kind = HistoryRef::Kind::kTime;
  r.at = std::chrono::system_clock::from_time_t(t);
  if (whole_second) r.at += std::chrono::microseconds(999999);
  return r;
}

}  // namespace

Result<HistoryRef> ParseHistoryRef(std::string_view s) {
  HistoryRef r;
  if (s == "latest") return r;
  if (s.starts_with("latest~")) {
    std::string_view n = s.substr(7);
    auto [p, ec] = std::from_chars(n.data(), n.data() + n.size(), r.back);
    if (n.empty() || ec != std::errc() || p != n.data() + n.size() || r.back < 0)
      return MakeError(
          fmt::format("\"{}\": latest~N needs a number N (latest~1 is the scan before the latest)", s));
    return r;
  }
  if (!s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), r.id);
    if (ec != std::errc() || r.id <= 0) return MakeError(fmt::format("\"{}\" is not a scan id", s));
    r.kind = HistoryRef::Kind::kId;
    return r;
  }
  return ParseTime(s);
}

bool LooksLikeHistoryRef(std::string_view s) { return ParseHistoryRef(s).ok(); }

}  // namespace tj
