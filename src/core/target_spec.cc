#include "core/target_spec.h"

#include "core/input_file.h"
#include "core/utf8.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

namespace tj {

TargetRange TargetRange::Single(Address a, std::string name) {
  TargetRange r;
  r.kind_ = Kind::kSingle;
  r.single_ = a;
  r.size_ = 1;
  r.name_ = std::move(name);
  return r;
}

TargetRange TargetRange::V4Octets(const std::array<std::bitset<256>, 4>& octets) {
  TargetRange r;
  r.kind_ = Kind::kV4Octets;
  r.octets_ = octets;
  r.size_ = 1;
  for (int i = 0; i < 4; ++i) {
    uint16_t n = 0;
    for (int v = 0; v < 256; ++v)
      if (octets[i].test(v)) r.octet_values_[i][n++] = static_cast<uint8_t>(v);
    r.octet_counts_[i] = n;
    r.size_ *= n;
  }
  return r;
}

TargetRange TargetRange::V6Prefix(Address base, int prefix) {
  TargetRange r;
  r.kind_ = Kind::kV6Prefix;
  auto b = base.bytes();
  for (int bit = prefix; bit < 128; ++bit) b[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
  r.v6_base_ = Address::V6(b);
  r.v6_prefix_ = prefix;
  r.size_ = uint64_t{1} << (128 - prefix);
  return r;
}

Address TargetRange::At(uint64_t index) const {
  switch (kind_) {
    case Kind::kSingle:
      return single_;
    case Kind::kV4Octets: {
      // Mixed radix, last octet fastest: index order is numeric order.
      uint32_t v = 0;
      for (int i = 3, shift = 0; i >= 0; --i, shift += 8) {
        uint64_t n = octet_counts_[i];
        v |= uint32_t{octet_values_[i][index % n]} << shift;
        index /= n;
      }
      return Address::V4(v);
    }
    case Kind::kV6Prefix: {
      auto b = v6_base_.bytes();
      for (int i = 15; i >= 0 && index; --i, index >>= 8) b[i] |= static_cast<uint8_t>(index & 0xff);
      return Address::V6(b);
    }
  }
  return single_;
}

bool TargetRange::Contains(const Address& a) const {
  switch (kind_) {
    case Kind::kSingle:
      return a == single_;
    case Kind::kV4Octets:
      if (!a.is_v4()) return false;
      for (int i = 0; i < 4; ++i)
        if (!octets_[i].test(a.bytes()[i])) return false;
      return true;
    case Kind::kV6Prefix: {
      if (a.is_v4()) return false;
      for (int bit = 0; bit < v6_prefix_; ++bit) {
        uint8_t mask = 0x80 >> (bit % 8);
        if ((a.bytes()[bit / 8] & mask) != (v6_base_.bytes()[bit / 8] & mask)) return false;
      }
      return true;
    }
  }
  return false;
}

namespace {

Result<int> ParseNumber(std::string_view target, std::string_view text, int max, std::string_view what) {
  // Digits only: from_chars alone would take "-0", turning "1.2.3.4/-0"
  // into a sweep of the whole IPv4 space.
  int v = -1;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || text[0] < '0' || text[0] > '9' || ec != std::errc() ||
      ptr != text.data() + text.size())
    return MakeError(fmt::format("target \"{}\": \"{}\" is not a valid {}", target, text, what));
  if (v < 0 || v > max)
    return MakeError(fmt::format("target \"{}\": {} {} is out of range (0-{})", target, what, text, max));
  return v;
}

// One octet of an nmap range: "*", "5", "1-20", "-20", "200-", "1,5,9-10".
Result<std::bitset<256>> ParseOctet(std::string_view target, std::string_view text) {
  std::bitset<256> set;
  if (text == "*") return set.set();
  if (text.empty()) return MakeError(fmt::format("target \"{}\": empty octet", target));
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t comma = std::min(text.find(',', pos), text.size());
    std::string_view item = text.substr(pos, comma - pos);
    size_t dash = item.find('-');
    int lo, hi;
    if (dash == std::string_view::npos) {
      auto v = ParseNumber(target, item, 255, "octet");
      if (!v) return v.error();
      lo = hi = *v;
    } else {
      auto a = dash == 0 ? Result<int>(0) : ParseNumber(target, item.substr(0, dash), 255, "octet");
      if (!a) return a.error();
      std::string_view rest = item.substr(dash + 1);
      auto b = rest.empty() ? Result<int>(255) : ParseNumber(target, rest, 255, "octet");
      if (!b) return b.error();
      lo = *a;
      hi = *b;
      if (lo > hi)
        return MakeError(fmt::format("target \"{}\": octet range \"{}\" is reversed", target, item));
    }
    for (int v = lo; v <= hi; ++v) set.set(v);
    pos = comma + 1;
  }
  return set;
}

bool LooksLikeV4(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ',' || c == '*';
  });
}

bool IsHostName(std::string_view s) {
  return !s.empty() && s.size() <= 253 && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
  });
}

Result<TargetRange> ParseV4(std::string_view target, std::string_view body, int prefix) {
  std::array<std::bitset<256>, 4> oct;
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    size_t dot = body.find('.', pos);
    if ((i < 3) == (dot == std::string_view::npos))
      return MakeError(fmt::format("target \"{}\": an IPv4 address needs exactly 4 octets", target));
    std::string_view part = body.substr(pos, (i < 3 ? dot : body.size()) - pos);
    auto o = ParseOctet(target, part);
    if (!o) return o.error();
    oct[i] = *o;
    pos = dot + 1;
  }
  if (prefix >= 0) {
    for (int i = 0; i < 4; ++i)
      if (oct[i].count() != 1)
        return MakeError(fmt::format("target \"{}\": CIDR needs a plain address before '/'", target));
    // A prefix is a product of octet ranges: fixed, one partial, then full.
    for (int i = 0; i < 4; ++i) {
      int bits = std::clamp(prefix - 8 * i, 0, 8);
      int v = 0;
      while (!oct[i].test(v)) ++v;
      int lo = v & (0xff << (8 - bits)) & 0xff, hi = lo | (0xff >> bits);
      oct[i].reset();
      for (int x = lo; x <= hi; ++x) oct[i].set(x);
    }
  }
  return TargetRange::V4Octets(oct);
}

}  // namespace

Result<std::vector<TargetRange>> ParseTarget(std::string_view text, FamilyChoice family,
                                             const Resolver& resolve) {
  std::vector<TargetRange> out;
  if (text.empty()) return MakeError("empty target");
  std::string_view body = text;
  int prefix = -1;
  if (size_t slash = text.rfind('/'); slash != std::string_view::npos) {
    body = text.substr(0, slash);
    // A host name's prefix applies to the family it is resolved in (-6).
    bool v6 = body.find(':') != std::string_view::npos ||
              (family == FamilyChoice::kV6 && !LooksLikeV4(body));
    auto p = ParseNumber(text, text.substr(slash + 1), v6 ? 128 : 32, v6 ? "IPv6 prefix" : "IPv4 prefix");
    if (!p) return p.error();
    prefix = *p;
  }
  if (body.find(':') != std::string_view::npos) {
    auto a = Address::Parse(body);
    if (!a || a->is_v4())
      return MakeError(fmt::format("target \"{}\": \"{}\" is not a valid IPv6 address", text, body));
    if (prefix < 0 || prefix == 128) {
      out.push_back(TargetRange::Single(*a));
    } else {
      if (128 - prefix > TargetRange::kMaxV6HostBits)
        return MakeError(fmt::format("target \"{}\": an IPv6 prefix shorter than /{} is too large to sweep",
                                     text, 128 - TargetRange::kMaxV6HostBits));
      out.push_back(TargetRange::V6Prefix(*a, prefix));
    }
    return out;
  }
  if (LooksLikeV4(body)) {
    if (auto a = Address::Parse(body); a && prefix < 0) {
      out.push_back(TargetRange::Single(*a));
      return out;
    }
    auto r = ParseV4(text, body, prefix);
    if (!r) return r.error();
    out.push_back(std::move(*r));
    return out;
  }
  if (!IsHostName(body))
    return MakeError(fmt::format("target \"{}\": not an address, range, CIDR or host name", text));
  auto addrs = resolve(body, family);
  if (!addrs) return addrs.error();
  for (const Address& a : *addrs) {
    if (prefix < 0) {
      out.push_back(TargetRange::Single(a, std::string(body)));
    } else if (a.is_v4()) {
      auto r = ParseV4(text, a.ToString(), prefix);
      if (!r) return r.error();
      out.push_back(std::move(*r));
    } else {
      if (128 - prefix > TargetRange::kMaxV6HostBits)
        return MakeError(fmt::format("target \"{}\": IPv6 prefix too large to sweep", text));
      out.push_back(TargetRange::V6Prefix(a, prefix));
    }
  }
  return out;
}

Status TargetList::Add(std::string_view text, FamilyChoice family, const Resolver& resolve) {
  auto r = ParseTarget(text, family, resolve);
  if (!r) return r.error();
  for (auto& range : *r) {
    starts_.push_back(total_);
    total_ += range.size();
    ranges_.push_back(std::move(range));
  }
  return Status::Ok();
}

Status TargetList::AddExclude(std::string_view text, FamilyChoice family, const Resolver& resolve) {
  auto r = ParseTarget(text, family, resolve);
  if (!r) return r.error();
  for (auto& range : *r) excludes_.push_back(std::move(range));
  return Status::Ok();
}

Status TargetList::AddFile(const std::string& path, FamilyChoice family, const Resolver& resolve,
                           bool exclude) {
  // Bounded (core/input_file.h): -iL /dev/zero or a 1 GB line fails in
  // one line; a target entry is a word, so 4 KB lines are plenty.
  auto in = LineReader::Open(path);
  if (!in) return MakeError(fmt::format("{} file: {}", exclude ? "exclude" : "target", in.error().message));
  std::string line;
  while (in->Next(&line)) {
    if (size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::string word;
    while (words >> word) {
      Status s = exclude ? AddExclude(word, family, resolve) : Add(word, family, resolve);
      if (!s.ok()) return MakeError(fmt::format("{}:{}: {}", Printable(path), in->line_no(), s.message()));
    }
  }
  return in->status();
}

size_t TargetList::RangeOf(uint64_t index, uint64_t* offset) const {
  size_t i = std::upper_bound(starts_.begin(), starts_.end(), index) - starts_.begin() - 1;
  *offset = index - starts_[i];
  return i;
}

TargetList::Skip TargetList::WhySkipped(uint64_t index) const {
  uint64_t off;
  const TargetRange& r = ranges_[RangeOf(index, &off)];
  Address a = r.At(off);
  if (!r.single() && (a.IsMulticast() || a.IsUnspecified() || a.IsLimitedBroadcast()))
    return Skip::kReserved;
  for (const auto& ex : excludes_)
    if (ex.Contains(a)) return Skip::kExcluded;
  return Skip::kNone;
}

std::optional<Address> TargetList::Get(uint64_t index) const {
  if (WhySkipped(index) != Skip::kNone) return std::nullopt;
  uint64_t off;
  return ranges_[RangeOf(index, &off)].At(off);
}

bool TargetList::Contains(const Address& a) const {
  for (const auto& ex : excludes_)
    if (ex.Contains(a)) return false;
  for (const TargetRange& r : ranges_)
    if (r.Contains(a)) return true;
  return false;
}

std::vector<Address> TargetList::RouteSamples() const {
  std::vector<Address> out;
  for (const TargetRange& r : ranges_) {
    out.push_back(r.At(0));
    if (r.size() > 1) out.push_back(r.At(r.size() - 1));
  }
  return out;
}

std::string TargetList::NameOf(uint64_t index) const {
  uint64_t off;
  return ranges_[RangeOf(index, &off)].name();
}

}  // namespace tj
