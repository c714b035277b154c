#include "discovery/ping_frames.h"

#include <linux/if_ether.h>
#include <netinet/in.h>

#include <array>
#include <cstring>

#include "net/wire.h"

namespace tj {
namespace {

constexpr size_t kEth = 14, kIp4 = 20, kIp6 = 40;

// Ethernet + IP header for a payload of `len` bytes of protocol `proto`;
// returns the frame with the payload zeroed, to be filled at ip_len(h).
std::vector<uint8_t> Head(const FrameHead& h, uint8_t proto, size_t len) {
  const bool v6 = !h.src.is_v4();
  const size_t ip = v6 ? kIp6 : kIp4;
  // Ethernet frames are at least 60 bytes (without the FCS); padding after
  // the IP packet is ignored by receivers, and some drivers do not add it.
  std::vector<uint8_t> f(std::max<size_t>(60, kEth + ip + len), 0);
  std::memcpy(f.data(), h.dst_mac.b.data(), 6);
  std::memcpy(f.data() + 6, h.src_mac.b.data(), 6);
  wire::Store16(f.data() + 12, v6 ? ETH_P_IPV6 : ETH_P_IP);
  uint8_t* p = f.data() + kEth;
  if (v6) {
    wire::Store32(p, 6u << 28);
    wire::Store16(p + 4, static_cast<uint16_t>(len));
    p[6] = proto;
    p[7] = h.ttl;
    std::memcpy(p + 8, h.src.bytes().data(), 16);
    std::memcpy(p + 24, h.dst.bytes().data(), 16);
  } else {
    p[0] = 0x45;
    wire::Store16(p + 2, static_cast<uint16_t>(kIp4 + len));
    // An ID that differs per destination, as a real stack's would.
    wire::Store16(p + 4, static_cast<uint16_t>(h.dst.v4() * 2654435761u >> 16));
    p[8] = h.ttl;
    p[9] = proto;
    std::memcpy(p + 12, h.src.bytes().data(), 4);
    std::memcpy(p + 16, h.dst.bytes().data(), 4);
    wire::Store16(p + 10, wire::ChecksumFinish(wire::ChecksumAdd(p, kIp4)));
  }
  return f;
}

size_t L4(const FrameHead& h) { return kEth + (h.src.is_v4() ? kIp4 : kIp6); }

// The checksum of an upper-layer packet over IPv6 (RFC 8200 8.1) or, for
// UDP over IPv4, with the IPv4 pseudo-header; plain ICMP over IPv4 has none.
uint16_t Checksum(const FrameHead& h, uint8_t proto, const uint8_t* l4, size_t len, bool pseudo) {
  uint32_t sum = 0;
  if (pseudo) {
    const size_t alen = h.src.is_v4() ? 4 : 16;
    sum = wire::ChecksumAdd(h.src.bytes().data(), alen, sum);
    sum = wire::ChecksumAdd(h.dst.bytes().data(), alen, sum);
    std::array<uint8_t, 4> tail = {0, 0, static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
    sum = wire::ChecksumAdd(tail.data(), tail.size(), sum);
    std::array<uint8_t, 2> p = {0, proto};
    sum = wire::ChecksumAdd(p.data(), p.size(), sum);
  }
  return wire::ChecksumFinish(wire::ChecksumAdd(l4, len, sum));
}

std::vector<uint8_t> Icmp(const FrameHead& h, uint8_t type, uint16_t id, uint16_t seq, size_t len) {
  const bool v6 = !h.src.is_v4();
  const uint8_t proto = v6 ? uint8_t{IPPROTO_ICMPV6} : uint8_t{IPPROTO_ICMP};
  auto f = Head(h, proto, len);
  uint8_t* p = f.data() + L4(h);
  p[0] = type;
  wire::Store16(p + 4, id);
  wire::Store16(p + 6, seq);
  wire::Store16(p + 2, Checksum(h, proto, p, len, v6));
  return f;
}

}  // namespace

std::vector<uint8_t> IcmpEchoFrame(const FrameHead& h, uint16_t id, uint16_t seq) {
  return Icmp(h, h.src.is_v4() ? 8 : 128, id, seq, 8);
}

std::vector<uint8_t> IcmpTimestampFrame(const FrameHead& h, uint16_t id, uint16_t seq) {
  return Icmp(h, 13, id, seq, 8 + 12);  // originate, receive and transmit times
}

std::vector<uint8_t> UdpFrame(const FrameHead& h, uint16_t sport, uint16_t dport) {
  constexpr size_t kLen = 8;
  auto f = Head(h, IPPROTO_UDP, kLen);
  uint8_t* p = f.data() + L4(h);
  wire::Store16(p, sport);
  wire::Store16(p + 2, dport);
  wire::Store16(p + 4, kLen);
  uint16_t sum = Checksum(h, IPPROTO_UDP, p, kLen, true);
  wire::Store16(p + 6, sum == 0 ? 0xffff : sum);  // zero means "no checksum" in UDP
  return f;
}

}  // namespace tj
