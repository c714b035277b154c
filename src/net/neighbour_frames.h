// The frames of neighbour resolution on an Ethernet link: ARP requests
// (RFC 826) and IPv6 neighbour solicitations (RFC 4861 4.3), and the
// defensive parsers of their answers. Shared by ResolveNextHop (route.h),
// which asks for the next hop's MAC, and host discovery, which asks every
// target on the local link (nmap's -PR).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/address.h"
#include "core/mac.h"

namespace tj {

// Who-has target, tell src: broadcast, padded to the 60-byte Ethernet minimum.
// REQUIRES: src and target are IPv4.
std::vector<uint8_t> ArpRequestFrame(const MacAddr& src_mac, const Address& src, const Address& target);

// A neighbour solicitation for target, sent to its solicited-node multicast
// group and carrying our MAC (source link-layer option).
// REQUIRES: src and target are IPv6.
std::vector<uint8_t> NeighbourSolicitFrame(const MacAddr& src_mac, const Address& src, const Address& target);

// Who answered and from which MAC.
struct NeighbourAnswer {
  Address addr;
  MacAddr mac;
  bool operator==(const NeighbourAnswer&) const = default;
};

// Any ARP request or reply (Ethernet/IPv4) tells its sender's address and MAC.
std::optional<NeighbourAnswer> ParseArp(std::span<const uint8_t> frame);

// A neighbour advertisement (ICMPv6 type 136, hop limit 255): its target
// address, and the MAC of its target link-layer option, else the frame's
// source MAC.
std::optional<NeighbourAnswer> ParseNeighbourAdvert(std::span<const uint8_t> frame);

}  // namespace tj
