// The IP probes of host discovery that the TCP template (net/packet.h) does
// not build: ICMP echo (IPv4 and ICMPv6), ICMP timestamp (IPv4 only; ICMPv6
// has none) and an empty UDP datagram. Discovery sends a few probes per
// host, so each frame is built whole rather than patched from a template.
// Replies are read by ParseFrame (net/packet.h) and, for ARP and neighbour
// advertisements, by net/neighbour_frames.h.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "core/address.h"
#include "core/mac.h"

namespace tj {

// The Ethernet and IP header fields every probe frame shares.
struct FrameHead {
  MacAddr src_mac, dst_mac;
  Address src, dst;   // same family
  uint8_t ttl = 64;   // hop limit for IPv6
};

// ICMP echo request (type 8; ICMPv6 type 128) with identifier and sequence.
std::vector<uint8_t> IcmpEchoFrame(const FrameHead& h, uint16_t id, uint16_t seq);
// ICMP timestamp request (type 13, RFC 792), the originate time zero.
// REQUIRES: IPv4.
std::vector<uint8_t> IcmpTimestampFrame(const FrameHead& h, uint16_t id, uint16_t seq);
// A UDP datagram with no payload.
std::vector<uint8_t> UdpFrame(const FrameHead& h, uint16_t sport, uint16_t dport);

}  // namespace tj
