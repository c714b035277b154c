#include "core/port_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/spellcheck.h"

namespace tj {

void PortSet::AddRange(uint16_t lo, uint16_t hi) {
  for (uint32_t p = lo; p <= hi; ++p) bits_.set(p);
}

std::vector<uint16_t> PortSet::ToVector() const {
  std::vector<uint16_t> out;
  out.reserve(size());
  for (uint32_t p = 0; p < 65536; ++p)
    if (bits_.test(p)) out.push_back(static_cast<uint16_t>(p));
  return out;
}

namespace {

struct Targets {
  bool tcp = true, udp = true;
};

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Parses one port number; "" means the open end of a range (lo or hi).
Result<uint16_t> ParsePort(std::string_view spec, std::string_view text, uint16_t open_end) {
  if (text.empty()) return open_end;
  if (!IsDigits(text))
    return MakeError(fmt::format("port spec \"{}\": \"{}\" is not a port number", spec, text));
  unsigned long v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || v > 65535 || v == 0)
    return MakeError(fmt::format("port spec \"{}\": port \"{}\" is out of range (1-65535)", spec, text));
  return static_cast<uint16_t>(v);
}

// '*' and '?' only: enough for "http*" and friends. Backtracks only to the
// last '*', so a pattern of many stars cannot take exponential time.
bool GlobMatch(std::string_view pat, std::string_view s) {
  size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
  auto eq = [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b)); };
  while (i < s.size()) {
    if (p < pat.size() && (pat[p] == '?' || (pat[p] != '*' && eq(pat[p], s[i])))) {
      ++p;
      ++i;
    } else if (p < pat.size() && pat[p] == '*') {
      star = p++;
      mark = i;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

Status AddNamed(std::string_view spec, std::string_view name, Targets t, const ServiceTable& services,
                PortSpec* out) {
  bool found = false;
  bool glob = name.find_first_of("*?") != std::string_view::npos;
  for (std::string_view n : services.AllNames()) {
    if (glob ? !GlobMatch(name, n) : n != name) continue;
    for (Proto proto : {Proto::kTcp, Proto::kUdp}) {
      if ((proto == Proto::kTcp && !t.tcp) || (proto == Proto::kUdp && !t.udp)) continue;
      for (uint16_t p : services.PortsNamed(n, proto)) {
        (proto == Proto::kTcp ? out->tcp : out->udp).Add(p);
        found = true;
      }
    }
  }
  if (!glob && !found) {
    // Exact name lookup is case-insensitive in the table.
    for (Proto proto : {Proto::kTcp, Proto::kUdp}) {
      if ((proto == Proto::kTcp && !t.tcp) || (proto == Proto::kUdp && !t.udp)) continue;
      for (uint16_t p : services.PortsNamed(name, proto)) {
        (proto == Proto::kTcp ? out->tcp : out->udp).Add(p);
        found = true;
      }
    }
  }
  if (found) return Status::Ok();
  std::string hint = SpellCheck(name, services.AllNames());
  return MakeError(fmt::format("port spec \"{}\": unknown service name \"{}\"{}", spec, name,
                               hint.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", hint)));
}

Status AddItem(std::string_view spec, std::string_view item, Targets t, const ServiceTable& services,
               PortSpec* out) {
  if (item.empty()) return MakeError(fmt::format("port spec \"{}\": empty item", spec));
  bool numeric = std::all_of(item.begin(), item.end(),
                             [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
  if (!numeric) return AddNamed(spec, item, t, services, out);
  size_t dash = item.find('-');
  uint16_t lo, hi;
  if (dash == std::string_view::npos) {
    auto p = ParsePort(spec, item, 0);
    if (!p) return p.error();
    lo = hi = *p;
  } else {
    if (item.find('-', dash + 1) != std::string_view::npos)
      return MakeError(fmt::format("port spec \"{}\": \"{}\" has more than one '-'", spec, item));
    auto a = ParsePort(spec, item.substr(0, dash), 1);
    if (!a) return a.error();
    auto b = ParsePort(spec, item.substr(dash + 1), 65535);
    if (!b) return b.error();
    lo = *a;
    hi = *b;
    if (lo > hi)
      return MakeError(fmt::format("port spec \"{}\": range \"{}\" is reversed ({} > {})", spec, item, lo, hi));
  }
  if (t.tcp) out->tcp.AddRange(lo, hi);
  if (t.udp) out->udp.AddRange(lo, hi);
  return Status::Ok();
}

}  // namespace

Result<PortSpec> ParsePortSpec(std::string_view spec, const ServiceTable& services) {
  PortSpec out;
  if (spec.empty()) return MakeError("port spec is empty");
  Targets t;
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t comma = spec.find(',', pos);
    if (comma == std::string_view::npos) comma = spec.size();
    std::string_view item = spec.substr(pos, comma - pos);
    // A protocol prefix switches the protocol for this and later items.
    if (item.size() >= 2 && item[1] == ':') {
      char c = static_cast<char>(std::toupper(static_cast<unsigned char>(item[0])));
      if (c == 'T') t = {true, false};
      else if (c == 'U') t = {false, true};
      else
        return MakeError(fmt::format("port spec \"{}\": unknown protocol prefix \"{}\" (use T: or U:)",
                                     spec, item.substr(0, 2)));
      item.remove_prefix(2);
    }
    Status s = AddItem(spec, item, t, services, &out);
    if (!s.ok()) return Error{s.message()};
    pos = comma + 1;
  }
  return out;
}

}  // namespace tj
