// What engines produce and writers consume: one result per probed port and
// one summary per host. Plain values; writers never see engine internals.
// Thread-safety: plain values.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/address.h"
#include "core/lazy.h"
#include "core/mac.h"
#include "core/types.h"

namespace tj {

// The certificate a TLS service presented (-sV). Times are ISO 8601 UTC.
struct CertInfo {
  std::string subject, issuer;         // RFC 2253 ("CN=example.org,O=Example")
  std::vector<std::string> alt_names;  // "DNS:example.org", "IP:198.18.0.2"
  std::string not_before, not_after;   // "2026-01-31T12:00:00Z"
  std::string sha256;                  // fingerprint, lowercase hex
  bool self_signed = false;            // issued by and signed with its own key
  bool expired = false;                // not_after has passed
  bool expires_soon = false;           // within 30 days
  bool not_yet_valid = false;          // not_before is in the future
  bool starttls = false;               // reached by upgrading the plain-text protocol (STARTTLS,
                                       // STLS, AUTH TLS, SSLRequest...), not TLS from the first byte
};

// What service detection (-sV) found on a port. Empty method: -sV did not run.
struct ServiceInfo {
  std::string name;        // "ssh", "http"; the service inside TLS when tunnel is "ssl"
  std::string product;     // "OpenSSH"
  std::string version;     // "9.2p1"
  std::string extrainfo;   // "Debian 2+deb12u3; protocol 2.0"
  std::string hostname, ostype, devicetype;
  std::string tunnel;      // "ssl" when the service spoke through TLS
  std::string method;      // "probed" (a signature matched) or "table" (port number only)
  int conf = 0;            // 0-10: 10 a signature matched, 3 the port number alone
  bool has_cert = false;
  CertInfo cert;           // when has_cert
  // What -sV saw of the connection itself, which settles a port a SYN proxy
  // may be faking (service/detector.h SettleUnverified); not written
  // anywhere: every connection was reset before a byte, or some reply (or a
  // TLS handshake) carried data.
  bool reset_before_data = false;
  bool data_exchanged = false;
};

struct PortResult {
  Address addr;
  uint16_t port = 0;
  Proto proto = Proto::kTcp;
  PortState state = PortState::kFiltered;
  Reason reason = Reason::kNoResponse;
  uint8_t reason_ttl = 0;  // TTL of the reply that decided it; 0 when unknown (connect scans)
  Address reason_ip;       // who sent an ICMP error, when it was not the target itself
  bool reason_ip_set = false;
  std::chrono::microseconds rtt{0};  // probe to reply, 0 when there was none
  uint8_t tries = 1;                 // probes sent for this port
  Lazy<ServiceInfo> service;         // -sV, filled after the port scan (absent otherwise)
};

enum class HostStatus : uint8_t { kUp, kDown, kTimedOut };

// Something the scan learned about how a host answered, which the reader of
// its ports must know: it banned the scanner for a while (host-went-silent),
// capped its RSTs (rst-ratelimit), answered SYN-ACK on implausibly many
// ports (syn-proxy). Written in every output (nmap XML: a hostscript).
struct HostNote {
  std::string id;    // "host-went-silent", "rst-ratelimit", "syn-proxy"
  std::string text;  // one line for people
  bool operator==(const HostNote&) const = default;
};
inline bool IsHostNoteId(std::string_view id) {
  return id == "host-went-silent" || id == "rst-ratelimit" || id == "syn-proxy";
}

struct HostResult {
  Address addr;
  std::string name;        // host name given by the user or found by reverse lookup
  bool name_from_ptr = false;  // name came from a reverse lookup (nmap's hostname type "PTR")
  HostStatus status = HostStatus::kUp;
  Reason reason = Reason::kUserSet;  // why it is considered up
  uint8_t reason_ttl = 0;  // TTL of the discovery reply that said so; 0 when unknown (ARP, connects)
  std::chrono::microseconds latency{0};  // smoothed round-trip time
  MacAddr mac;             // on the local link, from its ARP/NDP answer; zero when unknown
  std::vector<PortResult> ports;         // sorted by (proto, port)
  std::vector<HostNote> notes;           // how the host defended itself, if it did
};

}  // namespace tj
