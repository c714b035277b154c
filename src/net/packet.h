// Building probe frames and parsing reply frames for the raw-packet engine.
//
// A TcpTemplate is an Ethernet + IPv4/IPv6 + TCP frame built once per scan;
// Fill() copies it and patches the per-probe fields (destination address,
// ports, sequence and acknowledgement numbers, and an IPv4 ID derived from
// the sequence number so it is not constant), updating the checksums
// incrementally from sums precomputed over the constant bytes.
//
// ParseFrame() reads a captured Ethernet frame defensively: every length is
// checked before it is used, and a frame that is truncated, malformed or not
// a kind the engine can use is dropped and counted, never trusted.
// Thread-safety: a TcpTemplate is immutable after construction (Fill is
// const and may run on any thread); ParseFrame is a pure function apart from
// the caller's stats.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/address.h"
#include "core/mac.h"

namespace tj {

namespace tcpflag {
constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10, kUrg = 0x20;
}

struct TcpTemplateParams {
  MacAddr src_mac, dst_mac;  // dst: the next hop's MAC (zero on loopback)
  Address src;               // our address; its family decides IPv4 or IPv6
  uint8_t flags = tcpflag::kSyn;
  uint16_t window = 1024;
  uint8_t ttl = 64;          // hop limit for IPv6
  bool mss_option = true;    // a SYN without options stands out; real stacks send MSS
};

class TcpTemplate {
 public:
  static constexpr size_t kMaxFrame = 14 + 40 + 24;
  explicit TcpTemplate(const TcpTemplateParams& p);
  // Writes one probe frame into out and returns its length.
  // REQUIRES: out has kMaxFrame bytes; dst has the family of params.src.
  size_t Fill(uint8_t* out, const Address& dst, uint16_t sport, uint16_t dport, uint32_t seq,
              uint32_t ack) const;

 private:
  std::array<uint8_t, kMaxFrame> bytes_{};
  size_t len_ = 0, ip_off_ = 14, tcp_off_ = 0;
  bool v6_ = false;
  uint32_t tcp_sum_ = 0;  // partial checksum of pseudo-header + TCP with per-probe fields zero
  uint32_t ip_sum_ = 0;   // IPv4 header partial checksum with the ID and destination zero
};

// One UDP probe frame (-sU), built whole: UDP probes are few (ports x
// hosts, resent only as ICMP rate limits allow), and payloads differ in
// length, so a patched template would save nothing.
struct UdpFrameParams {
  MacAddr src_mac, dst_mac;
  Address src, dst;    // same family
  uint16_t sport = 0, dport = 0;
  uint32_t tag = 0;    // IPv4 ID (low 16 bits) or IPv6 flow label (low 20 bits): ICMP errors quote it
  uint8_t ttl = 64;
};
constexpr size_t kMaxUdpFrame = 14 + 40 + 8 + 1400;
// Writes the frame into out and returns its length, 0 when it does not fit.
size_t BuildUdpFrame(uint8_t* out, size_t cap, const UdpFrameParams& p, std::span<const uint8_t> payload);

// What a captured frame says, when it is one the engine can use.
struct Reply {
  enum class Kind : uint8_t { kTcp, kUdp, kIcmpError, kIcmpEchoReply, kIcmpTimestampReply };
  Kind kind = Kind::kTcp;
  Address src, dst;      // of the reply itself
  uint8_t ttl = 0;       // the reply's TTL / hop limit
  // kTcp, kUdp: the reply's own transport header (ports for UDP).
  // kIcmpEchoReply, kIcmpTimestampReply: the identifier in sport, the
  // sequence number in seq.
  uint16_t sport = 0, dport = 0;
  uint32_t seq = 0, ack = 0;
  uint8_t flags = 0;
  uint16_t window = 0;
  size_t payload_len = 0;  // kUdp: bytes after the UDP header
  // kIcmpError: ICMP (v4) or ICMPv6 type and code, and the probe it quotes.
  uint8_t icmp_type = 0, icmp_code = 0;
  struct Quoted {
    Address src, dst;
    uint8_t proto = 0;     // 6 TCP, 17 UDP
    uint16_t sport = 0, dport = 0;
    uint32_t seq = 0;      // TCP only
    uint32_t tag = 0;      // the quoted IPv4 ID or IPv6 flow label (see UdpFrameParams)
  } quoted;
};

// Why frames were dropped; the engine reports these counts under -v.
struct ParseStats {
  uint64_t parsed = 0;
  uint64_t truncated = 0;      // shorter than a header says
  uint64_t malformed = 0;      // bad version, header length, total length
  uint64_t unsupported = 0;    // not IPv4/IPv6 TCP/UDP/ICMP we use (e.g. fragments, ARP)
  uint64_t bad_quote = 0;      // ICMP error whose quoted packet cannot be read
};

// REQUIRES: frame starts with a 14-byte Ethernet header (as on Ethernet,
// veth and loopback interfaces).
std::optional<Reply> ParseFrame(std::span<const uint8_t> frame, ParseStats* stats);

}  // namespace tj
