#include "core/address.h"

#include <arpa/inet.h>

#include <cstring>
#include <functional>

namespace tj {

Address Address::V4(uint32_t host_order) {
  Address a;
  a.family_ = Family::kV4;
  a.bytes_[0] = host_order >> 24;
  a.bytes_[1] = host_order >> 16;
  a.bytes_[2] = host_order >> 8;
  a.bytes_[3] = host_order;
  return a;
}

Address Address::V6(const std::array<uint8_t, 16>& bytes) {
  Address a;
  a.family_ = Family::kV6;
  a.bytes_ = bytes;
  return a;
}

std::optional<Address> Address::Parse(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  std::string s(text);
  in_addr v4{};
  // inet_pton accepts only the dotted quad (no "1.2.3" or octal forms),
  // which is what a user means by an IPv4 literal.
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) return V4(ntohl(v4.s_addr));
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::array<uint8_t, 16> b;
    std::memcpy(b.data(), &v6, 16);
    return V6(b);
  }
  return std::nullopt;
}

std::optional<Address> Address::FromSockaddr(const sockaddr* sa) {
  if (sa->sa_family == AF_INET) {
    return V4(ntohl(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr));
  }
  if (sa->sa_family == AF_INET6) {
    std::array<uint8_t, 16> b;
    std::memcpy(b.data(), &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, 16);
    return V6(b);
  }
  return std::nullopt;
}

uint32_t Address::v4() const {
  return (uint32_t{bytes_[0]} << 24) | (uint32_t{bytes_[1]} << 16) |
         (uint32_t{bytes_[2]} << 8) | bytes_[3];
}

std::string Address::ToString() const {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf);
  return buf;
}

socklen_t Address::ToSockaddr(uint16_t port, sockaddr_storage* out) const {
  std::memset(out, 0, sizeof *out);
  if (is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(out);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    std::memcpy(&sin->sin_addr, bytes_.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(out);
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(port);
  std::memcpy(&sin6->sin6_addr, bytes_.data(), 16);
  return sizeof(sockaddr_in6);
}

bool Address::IsMulticast() const {
  return is_v4() ? (bytes_[0] & 0xf0) == 0xe0 : bytes_[0] == 0xff;
}

bool Address::IsUnspecified() const {
  if (is_v4()) return v4() == 0;
  for (uint8_t b : bytes_)
    if (b) return false;
  return true;
}

bool Address::IsLimitedBroadcast() const { return is_v4() && v4() == 0xffffffffu; }

bool Address::IsLoopback() const {
  if (is_v4()) return bytes_[0] == 127;
  for (int i = 0; i < 15; ++i)
    if (bytes_[i]) return false;
  return bytes_[15] == 1;
}

size_t AddressHash::operator()(const Address& a) const {
  uint64_t h = static_cast<uint64_t>(a.family()) * 0x9e3779b97f4a7c15ull;
  for (uint8_t b : a.bytes()) h = (h ^ b) * 0x100000001b3ull;
  return std::hash<uint64_t>{}(h);
}

}  // namespace tj
