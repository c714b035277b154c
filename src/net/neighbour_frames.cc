#include "net/neighbour_frames.h"

#include <linux/if_ether.h>
#include <netinet/in.h>

#include <array>
#include <cstring>

#include "net/wire.h"

namespace tj {
namespace {

constexpr size_t kEth = 14, kIp6 = 40, kArp = 28;
constexpr uint8_t kSolicit = 135, kAdvert = 136;

void PutEthernet(uint8_t* p, const MacAddr& dst, const MacAddr& src, uint16_t type) {
  std::memcpy(p, dst.b.data(), 6);
  std::memcpy(p + 6, src.b.data(), 6);
  wire::Store16(p + 12, type);
}

MacAddr MacAt(const uint8_t* p) {
  MacAddr m;
  std::memcpy(m.b.data(), p, 6);
  return m;
}

}  // namespace

std::vector<uint8_t> ArpRequestFrame(const MacAddr& src_mac, const Address& src, const Address& target) {
  std::vector<uint8_t> f(60, 0);
  PutEthernet(f.data(), MacAddr{{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}, src_mac, ETH_P_ARP);
  uint8_t* a = f.data() + kEth;
  wire::Store16(a, 1);  // hardware: Ethernet
  wire::Store16(a + 2, ETH_P_IP);
  a[4] = 6;
  a[5] = 4;
  wire::Store16(a + 6, 1);  // request
  std::memcpy(a + 8, src_mac.b.data(), 6);
  std::memcpy(a + 14, src.bytes().data(), 4);
  std::memcpy(a + 24, target.bytes().data(), 4);  // target MAC (a + 18) stays zero
  return f;
}

std::vector<uint8_t> NeighbourSolicitFrame(const MacAddr& src_mac, const Address& src, const Address& target) {
  constexpr size_t kIcmpLen = 24 + 8;  // header + target, then the source link-layer option
  std::vector<uint8_t> f(kEth + kIp6 + kIcmpLen, 0);
  const auto& t = target.bytes();
  std::array<uint8_t, 16> group = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, t[13], t[14], t[15]};
  PutEthernet(f.data(), MacAddr{{0x33, 0x33, 0xff, t[13], t[14], t[15]}}, src_mac, ETH_P_IPV6);
  uint8_t* ip = f.data() + kEth;
  wire::Store32(ip, 6u << 28);
  wire::Store16(ip + 4, kIcmpLen);
  ip[6] = IPPROTO_ICMPV6;
  ip[7] = 255;  // receivers drop neighbour discovery that crossed a router
  std::memcpy(ip + 8, src.bytes().data(), 16);
  std::memcpy(ip + 24, group.data(), 16);
  uint8_t* icmp = ip + kIp6;
  icmp[0] = kSolicit;
  std::memcpy(icmp + 8, t.data(), 16);
  icmp[24] = 1;  // option: source link-layer address, 1 unit of 8 bytes
  icmp[25] = 1;
  std::memcpy(icmp + 26, src_mac.b.data(), 6);
  // Pseudo-header: addresses, upper-layer length, next header.
  uint32_t sum = wire::ChecksumAdd(ip + 8, 32);
  std::array<uint8_t, 8> tail = {0, 0, 0, kIcmpLen, 0, 0, 0, IPPROTO_ICMPV6};
  sum = wire::ChecksumAdd(tail.data(), tail.size(), sum);
  sum = wire::ChecksumAdd(icmp, kIcmpLen, sum);
  wire::Store16(icmp + 2, wire::ChecksumFinish(sum));
  return f;
}

std::optional<NeighbourAnswer> ParseArp(std::span<const uint8_t> f) {
  if (f.size() < kEth + kArp || wire::Load16(f.data() + 12) != ETH_P_ARP) return std::nullopt;
  const uint8_t* a = f.data() + kEth;
  if (wire::Load16(a) != 1 || wire::Load16(a + 2) != ETH_P_IP || a[4] != 6 || a[5] != 4) return std::nullopt;
  const uint16_t op = wire::Load16(a + 6);
  if (op != 1 && op != 2) return std::nullopt;
  NeighbourAnswer n;
  n.addr = Address::V4(wire::Load32(a + 14));
  n.mac = MacAt(a + 8);
  if (n.mac.is_zero()) return std::nullopt;
  return n;
}

std::optional<NeighbourAnswer> ParseNeighbourAdvert(std::span<const uint8_t> f) {
  if (f.size() < kEth + kIp6 + 24 || wire::Load16(f.data() + 12) != ETH_P_IPV6) return std::nullopt;
  const uint8_t* ip = f.data() + kEth;
  if ((ip[0] >> 4) != 6 || ip[6] != IPPROTO_ICMPV6 || ip[7] != 255) return std::nullopt;
  const size_t icmp_len = std::min<size_t>(wire::Load16(ip + 4), f.size() - kEth - kIp6);
  const uint8_t* icmp = ip + kIp6;
  if (icmp_len < 24 || icmp[0] != kAdvert || icmp[1] != 0) return std::nullopt;
  NeighbourAnswer n;
  std::array<uint8_t, 16> target;
  std::memcpy(target.data(), icmp + 8, 16);
  n.addr = Address::V6(target);
  n.mac = MacAt(f.data() + 6);
  // Options are length-prefixed in units of 8 bytes; a zero length is invalid
  // and ends the walk (it would loop forever).
  for (size_t off = 24; off + 8 <= icmp_len && icmp[off + 1] != 0; off += icmp[off + 1] * size_t{8}) {
    if (icmp[off] == 2 && icmp[off + 1] == 1) {
      n.mac = MacAt(icmp + off + 2);
      break;
    }
  }
  if (n.mac.is_zero()) return std::nullopt;
  return n;
}

}  // namespace tj
