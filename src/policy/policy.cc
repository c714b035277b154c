// The policy's value types and the parsers of its small pieces (networks,
// ports, host entries), shared by the file reader and the audit.
#include "policy/policy.h"

#include <fmt/format.h>

#include <charconv>

#include "core/spellcheck.h"

namespace tj {
namespace {

bool Number(std::string_view s, unsigned max, unsigned* out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size() && *out <= max;
}

// Bit i (from the most significant) of the address.
bool Bit(const Address& a, int i) { return (a.bytes()[i / 8] >> (7 - i % 8)) & 1; }

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

}  // namespace

bool Cidr::Contains(const Address& a) const {
  if (a.family() != base.family()) return false;
  for (int i = 0; i < prefix; ++i)
    if (Bit(a, i) != Bit(base, i)) return false;
  return true;
}

std::string Cidr::ToString() const { return fmt::format("{}/{}", base.ToString(), prefix); }

bool ParseCidr(std::string_view text, Cidr* out, std::string* why) {
  std::string_view addr = text;
  size_t slash = text.find('/');
  if (slash != std::string_view::npos) addr = text.substr(0, slash);
  auto a = Address::Parse(addr);
  if (!a) {
    *why = fmt::format("\"{}\" is not a network (write it as 198.18.0.0/15 or 2001:2::/48)", text);
    return false;
  }
  unsigned bits = a->is_v4() ? 32 : 128, prefix = bits;
  if (slash != std::string_view::npos && !Number(text.substr(slash + 1), bits, &prefix)) {
    *why = fmt::format("\"{}\": the prefix length must be 0-{}", text, bits);
    return false;
  }
  for (unsigned i = prefix; i < bits; ++i) {
    if (Bit(*a, static_cast<int>(i))) {
      *why = fmt::format("\"{}\" has host bits set (did you mean a network address such as {}?)", text,
                         Cidr{Masked(*a, static_cast<int>(prefix)), static_cast<int>(prefix)}.ToString());
      return false;
    }
  }
  out->base = *a;
  out->prefix = static_cast<int>(prefix);
  return true;
}

Address Masked(const Address& a, int prefix) {
  std::array<uint8_t, 16> b = a.bytes();
  int bits = a.is_v4() ? 32 : 128;
  for (int i = prefix; i < bits; ++i) b[i / 8] &= static_cast<uint8_t>(~(1u << (7 - i % 8)));
  if (a.is_v4()) return Address::V4(uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3]);
  return Address::V6(b);
}

std::string PortRule::ToString() const {
  if (lo == hi) return fmt::format("{}/{}", lo, ProtoName(proto));
  return fmt::format("{}-{}/{}", lo, hi, ProtoName(proto));
}

std::string Date::ToString() const { return fmt::format("{:04}-{:02}-{:02}", year, month, day); }

bool ParsePortRule(std::string_view text, bool allow_range, PortRule* out, std::string* why) {
  std::string_view num = text, proto = "tcp";
  if (size_t slash = text.find('/'); slash != std::string_view::npos) {
    num = text.substr(0, slash);
    proto = text.substr(slash + 1);
  }
  if (proto == "tcp") {
    out->proto = Proto::kTcp;
  } else if (proto == "udp") {
    out->proto = Proto::kUdp;
  } else {
    std::string hint = SpellCheck(proto, {"tcp", "udp"});
    *why = fmt::format("\"{}\": the protocol is tcp or udp{}", text,
                       hint.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", hint));
    return false;
  }
  std::string_view lo = num, hi = num;
  if (size_t dash = num.find('-'); dash != std::string_view::npos) {
    if (!allow_range) {
      *why = fmt::format("\"{}\": name one port here, not a range", text);
      return false;
    }
    lo = num.substr(0, dash);
    hi = num.substr(dash + 1);
  }
  unsigned l = 0, h = 0;
  if (!Number(lo, 65535, &l) || !Number(hi, 65535, &h) || l == 0 || h == 0) {
    *why = fmt::format("\"{}\" is not a port (1-65535, optionally /tcp or /udp)", text);
    return false;
  }
  if (l > h) {
    *why = fmt::format("\"{}\": the range is reversed ({} > {})", text, l, h);
    return false;
  }
  out->lo = static_cast<uint16_t>(l);
  out->hi = static_cast<uint16_t>(h);
  return true;
}

bool ParseHostEntry(std::string_view text, HostEntry* out, std::string* why) {
  out->text = std::string(text);
  bool asked_dns = false;
  Resolver no_dns = [&](std::string_view, FamilyChoice) -> Result<std::vector<Address>> {
    asked_dns = true;
    return MakeError("names are resolved when the audit scans");
  };
  auto ranges = ParseTarget(text, FamilyChoice::kV4, no_dns);
  if (ranges) {
    out->ranges = std::move(*ranges);
    return true;
  }
  // ParseTarget treats whatever is not an address or range as a name.
  if (asked_dns && !text.empty() && text.find('/') == std::string_view::npos &&
      std::all_of(text.begin(), text.end(), IsNameChar) && text.front() != '-' && text.front() != '.') {
    out->is_name = true;
    return true;
  }
  *why = asked_dns ? fmt::format("\"{}\" is neither an address, a network, a range nor a host name", text)
                   : ranges.error().message;
  return false;
}

bool InScope(const Address& a, const std::vector<Cidr>& scope) {
  return std::any_of(scope.begin(), scope.end(), [&](const Cidr& c) { return c.Contains(a); });
}

bool InScope(const HostEntry& e, const std::vector<Cidr>& scope, std::string* why) {
  for (const TargetRange& r : e.ranges) {
    // A range's addresses lie between its first and last (ranges are
    // ascending), and a network is an interval: both ends in one network
    // put the whole range inside it.
    Address first = r.At(0), last = r.At(r.size() - 1);
    bool whole = std::any_of(scope.begin(), scope.end(),
                             [&](const Cidr& c) { return c.Contains(first) && c.Contains(last); });
    if (whole) continue;
    // A range across two adjacent scope networks: check every address when
    // that is cheap.
    if (r.size() <= 65536) {
      for (uint64_t i = 0; i < r.size(); ++i) {
        if (!InScope(r.At(i), scope)) {
          // Name the first address outside when part of the range is inside.
          if (i > 0) *why = fmt::format(": {} is not in it", r.At(i).ToString());
          return false;
        }
      }
      continue;
    }
    return false;
  }
  return true;
}

std::string ScopeText(const std::vector<Cidr>& scope) {
  std::string out;
  for (const Cidr& c : scope) out += (out.empty() ? "" : ", ") + c.ToString();
  return out;
}

bool HostEntry::Matches(const Address& a, std::string_view host_name) const {
  if (is_name && host_name.size() == text.size() &&
      std::equal(text.begin(), text.end(), host_name.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
      }))
    return true;
  // A name's ranges are its addresses once the audit resolved it.
  return std::any_of(ranges.begin(), ranges.end(), [&](const TargetRange& r) { return r.Contains(a); });
}

}  // namespace tj
