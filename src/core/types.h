// The small vocabulary every layer shares: transport protocol, port state and
// the reason a state was decided, named exactly as nmap users know them.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tj {

enum class Proto : uint8_t { kTcp, kUdp };

enum class PortState : uint8_t {
  kOpen,
  kClosed,
  kFiltered,
  kUnfiltered,
  kOpenFiltered,
  kClosedFiltered,
};

// Why a state was decided; the names are nmap's reason strings.
enum class Reason : uint8_t {
  kNoResponse,
  kSynAck,
  kConnRefused,   // connect(): ECONNREFUSED (the kernel saw a RST)
  kReset,         // raw scans: a RST
  kHostUnreach,   // ICMP host unreachable (connect: EHOSTUNREACH)
  kNetUnreach,    // ICMP net unreachable (connect: ENETUNREACH)
  kAdminProhibited,  // ICMP type 3 code 13 (ICMPv6 type 1 code 1)
  kNetProhibited,    // ICMP type 3 code 9
  kHostProhibited,   // ICMP type 3 code 10
  kPortUnreach,
  kProtoUnreach,
  kUdpResponse,
  kTimeExceeded,
  kLocalhostResponse,
  kUserSet,       // "user-set": -Pn made the host up without evidence
  kEchoReply,
  kArpResponse,
  // -sU fast mode: no reply while the host was rate-limiting its ICMP
  // errors, so closed (its port-unreachable suppressed) cannot be told from
  // filtered. Not one of nmap's reasons: nmap has no such mode.
  kIcmpRateLimit,
  // nmap's name for a reply it could not classify. Reading another scanner's
  // report (report/read_scan.h), a reason tojimari has no name for becomes this.
  kUnknownResponse,
  kTimestampReply,  // ICMP timestamp reply (host discovery, -PP)
  kNdResponse,      // IPv6 neighbour advertisement (host discovery on the local link)
};

// A decided port state with the reason for it.
struct Verdict {
  PortState state;
  Reason reason;
  bool operator==(const Verdict&) const = default;
};

std::string_view ProtoName(Proto p);
std::optional<Proto> ProtoFromName(std::string_view s);  // "tcp", "udp"; nullopt otherwise
std::string_view StateName(PortState s);
std::string_view ReasonName(Reason r);
std::optional<PortState> StateFromName(std::string_view s);
std::optional<Reason> ReasonFromName(std::string_view s);

}  // namespace tj
