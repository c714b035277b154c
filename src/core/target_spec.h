// Target specifications as nmap users write them, kept as ranges and never
// expanded into memory: a /8 costs a few hundred bytes, not 16 million
// addresses. Every address has a linear index, so later layers can walk,
// shuffle, shard and resume the target space with arithmetic.
//
//   198.18.0.1  2001:db8::1       literals
//   198.18.0.0/24  2001:db8::/120 CIDR (IPv6 prefixes of /96 or longer)
//   198.18.0.1-20  198.18.0-3.*  198.18.0.1,5,9   nmap octet ranges
//   db.example.test  host.test/28 names (every address of the chosen family)
//
// Multicast, limited broadcast and unspecified addresses inside a range are
// skipped; named on their own they are kept (the user meant them).
// Thread-safety: immutable after parsing; safe to share read-only.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "core/status.h"

namespace tj {

enum class FamilyChoice : uint8_t { kV4, kV6 };

// Resolves a host name to its addresses of one family. The seam lets unit
// tests run without DNS; net/resolve.h has the real one.
using Resolver = std::function<Result<std::vector<Address>>(std::string_view name, FamilyChoice)>;

// One parsed target expression.
class TargetRange {
 public:
  // A range of IPv6 hosts larger than 2^kMaxV6HostBits cannot be swept.
  static constexpr int kMaxV6HostBits = 32;

  static TargetRange Single(Address a, std::string name = "");
  static TargetRange V4Octets(const std::array<std::bitset<256>, 4>& octets);
  static TargetRange V6Prefix(Address base, int prefix);

  uint64_t size() const { return size_; }
  Address At(uint64_t index) const;  // REQUIRES: index < size()
  bool Contains(const Address& a) const;
  // True when this range was one address named on its own.
  bool single() const { return kind_ == Kind::kSingle; }
  const std::string& name() const { return name_; }  // host name it came from, if any

 private:
  enum class Kind : uint8_t { kSingle, kV4Octets, kV6Prefix };
  Kind kind_ = Kind::kSingle;
  uint64_t size_ = 1;
  Address single_;
  std::array<std::bitset<256>, 4> octets_{};
  std::array<std::array<uint8_t, 256>, 4> octet_values_{};  // kV4Octets: the set bits, in order
  std::array<uint16_t, 4> octet_counts_{};
  Address v6_base_;
  int v6_prefix_ = 128;
  std::string name_;
};

// Parses one target expression. Errors quote it and name the bad part.
Result<std::vector<TargetRange>> ParseTarget(std::string_view text, FamilyChoice family,
                                             const Resolver& resolve);

// All targets of a scan, minus exclusions, as one linear index space.
class TargetList {
 public:
  Status Add(std::string_view text, FamilyChoice family, const Resolver& resolve);
  Status AddExclude(std::string_view text, FamilyChoice family, const Resolver& resolve);
  // Reads whitespace-separated targets from a file ("-" is stdin); '#' starts a comment.
  Status AddFile(const std::string& path, FamilyChoice family, const Resolver& resolve, bool exclude);

  // Number of indices; some may be skipped (see Get).
  uint64_t size() const { return total_; }
  // The address at an index, or nullopt when it is excluded or is a reserved
  // address inside a range. REQUIRES: index < size()
  std::optional<Address> Get(uint64_t index) const;
  // The host name a target was given as, if any.
  std::string NameOf(uint64_t index) const;
  bool empty() const { return total_ == 0; }
  // Whether a is one of the targets (in some range, not excluded): what a
  // resumed scan checks its saved hosts against.
  bool Contains(const Address& a) const;
  // The first and last address of every range: enough route lookups to find
  // every interface a scan will use when ranges are contiguous networks.
  std::vector<Address> RouteSamples() const;

  // Why Get() returned nullopt, for the report.
  enum class Skip : uint8_t { kNone, kExcluded, kReserved };
  Skip WhySkipped(uint64_t index) const;

 private:
  size_t RangeOf(uint64_t index, uint64_t* offset) const;
  std::vector<TargetRange> ranges_;
  std::vector<uint64_t> starts_;  // starts_[i] = first index of ranges_[i]
  std::vector<TargetRange> excludes_;
  uint64_t total_ = 0;
};

}  // namespace tj
