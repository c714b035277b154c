// The -p syntax as nmap users write it: "22", "1-1000", "-p-", "1000-",
// "-100", "22,80,443", "T:1-1000,U:53,161", service names ("ssh,http") and
// name patterns ("http*"). Items with no T:/U: prefix apply to every
// protocol being scanned.
// Thread-safety: plain values and pure functions.
#pragma once

#include <bitset>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/services.h"
#include "core/status.h"
#include "core/types.h"

namespace tj {

class PortSet {
 public:
  void Add(uint16_t p) { bits_.set(p); }
  void AddRange(uint16_t lo, uint16_t hi);
  void Remove(uint16_t p) { bits_.reset(p); }
  bool Contains(uint16_t p) const { return bits_.test(p); }
  size_t size() const { return bits_.count(); }
  bool empty() const { return bits_.none(); }
  std::vector<uint16_t> ToVector() const;  // ascending
  bool operator==(const PortSet&) const = default;

 private:
  std::bitset<65536> bits_;
};

struct PortSpec {
  PortSet tcp;
  PortSet udp;
};

// Parses a -p argument. Errors quote the whole spec and the bad item, e.g.
//   port spec "22,5-1": range "5-1" is reversed (5 > 1)
Result<PortSpec> ParsePortSpec(std::string_view spec, const ServiceTable& services);

}  // namespace tj
