// Service detection (-sV): what runs on each open TCP port, from what the
// service says rather than its port number. Per port: connect and wait for a
// banner (the NULL probe), then send probes in order of likelihood for that
// port (those listing it first, then by rarity up to the intensity), each
// on a new connection with its own wait, until a signature matches. A probe
// marked tls tries a handshake; when it succeeds the same sequence runs
// again inside TLS and the certificate is kept. A plain-text service that
// can be upgraded (SMTP, IMAP, POP3, FTP, PostgreSQL, LDAP, RDP; see
// starttls.h) is upgraded once identified, for its certificate.
//
// Every port has a time budget and a reply-size cap, and ports run in
// parallel, so a tarpit, an endless banner, garbage or a stalled handshake
// costs that port its budget and nothing more.
// Thread-safety: DetectServices runs its own worker threads; the ProbeDb is shared read-only.
// REQUIRES: SIGPIPE ignored (OpenSSL writes to the socket with write(2)); main does it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string_view>

#include "core/scan_result.h"
#include "core/services.h"
#include "service/probe_db.h"

namespace tj {

struct DetectOptions {
  int intensity = 7;                              // 0-9: probes of rarity above it are skipped
                                                  // unless they list the port
  std::chrono::milliseconds null_wait{2500};      // how long to wait for a banner
  std::chrono::milliseconds max_probe_wait{5000}; // cap on a probe's own wait
  std::chrono::milliseconds quiet{400};           // a reply has ended after this pause
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds tls_handshake{5000};  // a TLS handshake's own time, not taken from a probe's
                                                  // wait (a loaded server's RSA signature can take seconds)
  std::chrono::milliseconds tls_null_wait{1000};  // the banner wait inside TLS when a probe lists the
                                                  // port (a TLS service greets right after the handshake)
  std::chrono::milliseconds port_budget{15000};   // all probing of one port, TLS included
  std::chrono::milliseconds udp_port_budget{6000};  // all probing of one UDP port: a silent
                                                  // (open|filtered) port waits out every probe
  size_t max_reply = 32 * 1024;                   // bytes kept of one reply
  int parallelism = 32;                           // ports probed at once
  // Connections one host gets at once, ports and probes together: a port
  // nothing identified yet sends its next probes side by side when few
  // other ports of the host are still being probed (at most max_batch).
  int host_connections = 24;
  int max_batch = 6;
  // A probe's wait follows the path: at most probe_rtts round trips of the
  // port's first connect, never under probe_floor (a service thinks before
  // it answers) nor over the probe's own wait. --version-all waits in full.
  int probe_rtts = 50;
  std::chrono::milliseconds probe_floor{1000};
  std::atomic<int>* in_progress = nullptr;        // ports of the host being probed now (DetectServices)
  const std::atomic<bool>* stop = nullptr;        // set on SIGINT: remaining ports are skipped
};

// nmap's --version-intensity levels turned into waits and budgets
// (--version-light is 2, --version-all 9).
DetectOptions DetectOptionsFor(int intensity);

// Probes one port. table_name is the services-table name, reported when
// nothing matched (method "table").
ServiceInfo DetectPort(const ProbeDb& db, const DetectOptions& o, const Address& addr, uint16_t port,
                       std::string_view table_name);

// Probes one UDP port (udp_detect.cc): one datagram per probe over a
// connected socket. refused: an ICMP port unreachable came back (the port is
// closed; info is then meaningless). answered: some datagram came back.
struct UdpDetect {
  ServiceInfo info;
  bool answered = false;
  bool refused = false;
};
UdpDetect DetectUdpPort(const ProbeDb& db, const DetectOptions& o, const Address& addr, uint16_t port,
                        std::string_view table_name);

// Fills PortResult::service for every open TCP port and every open or
// open|filtered UDP port of host. A UDP port that answers a probe is open
// (reason udp-response); one that is refused keeps its state and gets no
// service.
void DetectServices(const ProbeDb& db, const ServiceTable& services, const DetectOptions& o, HostResult* host);

// Databases tried in turn on a port: the first (ours), then, for what it
// did not identify, the fallback (nmap's, loaded on first use; null: none).
// Thread-safety: fallback may be called from several threads at once.
struct ProbeDbs {
  const ProbeDb* first = nullptr;
  std::function<const ProbeDb*()> fallback;
};
void DetectServices(const ProbeDbs& dbs, const ServiceTable& services, const DetectOptions& o, HostResult* host);
// After -sV: a port open only by an unverified SYN-ACK (syn-ack-unverified)
// whose service answered is confirmed (syn-ack); one whose every connection
// was reset before a byte is closed (syn-proxy-reset). DetectServices calls it.
void SettleUnverified(HostResult* host);

}  // namespace tj
