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
  // Not nmap's: undecided ports of a host that defended itself
  // (engine/host_guard.h). host-went-silent: the host stopped answering
  // altogether (a ban) before these were answered, so they may be open,
  // closed or filtered. rst-ratelimit: the host capped its RSTs, so these
  // silent ports may be closed (closed|filtered).
  kHostWentSilent,
  kRstRateLimit,
  // A SYN-ACK from a host that answers SYN-ACK on implausibly many ports
  // (a SYN proxy?): open until a connection that exchanges data, or -sV,
  // confirms it.
  kSynAckUnverified,
  // -sV: the handshake with a suspected SYN proxy completed and the
  // connection was reset before any data: nothing listens behind it.
  kProxyReset,
};

// A decided port state with the reason for it.
struct Verdict {
  PortState state;
  Reason reason;
  bool operator==(const Verdict&) const = default;
};

// A port whose state the host's defences kept the scan from deciding
// (host-went-silent, rst-ratelimit): not evidence of a locked door, and not
// a change worth an alert.
constexpr bool Undecided(Reason r) { return r == Reason::kHostWentSilent || r == Reason::kRstRateLimit; }
// An open port only a SYN-ACK vouches for, from a host that SYN-ACKs
// implausibly many ports (engine/plausible.h).
constexpr bool Unverified(Reason r) { return r == Reason::kSynAckUnverified; }

std::string_view ProtoName(Proto p);
std::optional<Proto> ProtoFromName(std::string_view s);  // "tcp", "udp"; nullopt otherwise
std::string_view StateName(PortState s);
std::string_view ReasonName(Reason r);
std::optional<PortState> StateFromName(std::string_view s);
std::optional<Reason> ReasonFromName(std::string_view s);

}  // namespace tj
