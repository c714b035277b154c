// An Ethernet MAC address as a value.
// Thread-safety: plain value.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>

namespace tj {

struct MacAddr {
  std::array<uint8_t, 6> b{};
  bool operator==(const MacAddr&) const = default;
  bool is_zero() const { return b == std::array<uint8_t, 6>{}; }
  std::string ToString() const {
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
    return buf;
  }
};

}  // namespace tj
