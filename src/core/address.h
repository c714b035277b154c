// An IPv4 or IPv6 address as a value: 16 bytes in network order plus the
// family. IPv4 lives in the first 4 bytes. Ordering is family, then bytes, so
// sorted reports list IPv4 before IPv6 and addresses numerically.
// Thread-safety: plain value.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tj {

enum class Family : uint8_t { kV4 = 4, kV6 = 6 };

class Address {
 public:
  Address() = default;
  static Address V4(uint32_t host_order);
  static Address V6(const std::array<uint8_t, 16>& bytes);
  // Parses a literal ("198.18.0.1", "2001:db8::1"); nullopt if it is not one.
  static std::optional<Address> Parse(std::string_view text);
  static std::optional<Address> FromSockaddr(const sockaddr* sa);

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::kV4; }
  uint32_t v4() const;  // host order; REQUIRES: is_v4()
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  std::string ToString() const;

  // Fills a sockaddr_in/sockaddr_in6 for this address and port; returns its length.
  socklen_t ToSockaddr(uint16_t port, sockaddr_storage* out) const;

  // Addresses that a range or CIDR leaves out unless named on their own.
  bool IsMulticast() const;
  bool IsUnspecified() const;
  bool IsLimitedBroadcast() const;  // 255.255.255.255
  bool IsLoopback() const;

  auto operator<=>(const Address&) const = default;
  bool operator==(const Address&) const = default;

 private:
  Family family_ = Family::kV4;
  std::array<uint8_t, 16> bytes_{};
};

struct AddressHash {
  size_t operator()(const Address& a) const;
};

}  // namespace tj
