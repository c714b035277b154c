#include "support/store_testing.h"

namespace tj {

using std::chrono::system_clock;

namespace {
Address A(const char* s) { return *Address::Parse(s); }
}  // namespace

system_clock::time_point Utc(int64_t unix_seconds) { return system_clock::from_time_t(unix_seconds); }

ScanRecord Sample(system_clock::time_point start, uint16_t extra_open) {
  ScanRecord r;
  r.info.version = "0.1.0";
  r.info.args = "tojimari -sV -p 1-200 198.18.0.2 2001:2::2";
  r.info.start = start;
  r.info.scan_type = "syn";
  r.info.tcp_ports = 200;
  r.info.tcp_services = "1-200";
  r.summary.hosts_total = 3;
  r.summary.hosts_up = 2;
  r.summary.elapsed_seconds = 1.25;
  HostResult h;
  h.addr = A("198.18.0.2");
  h.name = "target.lab";
  h.name_from_ptr = true;
  h.reason = Reason::kArpResponse;
  h.latency = std::chrono::microseconds(321);
  for (uint16_t p = 1; p <= 200; ++p) {
    PortResult pr;
    pr.addr = h.addr;
    pr.port = p;
    pr.state = PortState::kClosed;
    pr.reason = Reason::kReset;
    pr.reason_ttl = 64;
    if (p == 22 || p == 143 || p == extra_open) {
      pr.state = PortState::kOpen;
      pr.reason = Reason::kSynAck;
    }
    if (p == 22) {
      ServiceInfo& s = *pr.service;
      s.method = "probed";
      s.conf = 10;
      s.name = "ssh";
      s.product = "OpenSSH";
      s.version = "9.2p1 Debian 2+deb12u3";
      s.extrainfo = "protocol 2.0";
      s.ostype = "Linux";
    }
    if (p == 143) {
      ServiceInfo& s = *pr.service;
      s.method = "probed";
      s.name = "http";
      s.tunnel = "ssl";
      s.has_cert = true;
      s.cert.subject = "CN=target.lab,O=Lab";
      s.cert.issuer = "CN=target.lab,O=Lab";
      s.cert.alt_names = {"DNS:target.lab", "IP:198.18.0.2"};
      s.cert.not_before = "2026-01-01T00:00:00Z";
      s.cert.not_after = "2026-12-01T00:00:00Z";
      s.cert.sha256 = "ab01";
      s.cert.self_signed = true;
      s.cert.expires_soon = true;
    }
    if (p >= 150 && p < 160) {
      pr.state = PortState::kFiltered;
      pr.reason = p < 155 ? Reason::kNoResponse : Reason::kAdminProhibited;
      pr.reason_ttl = 0;
      if (p == 157) {
        pr.reason_ip = A("198.18.0.1");
        pr.reason_ip_set = true;
      }
    }
    h.ports.push_back(pr);
  }
  for (uint16_t p = 50; p < 70; ++p) {  // -sU: mostly silent, one answer
    PortResult pr;
    pr.addr = h.addr;
    pr.port = p;
    pr.proto = Proto::kUdp;
    pr.state = p == 53 ? PortState::kOpen : PortState::kOpenFiltered;
    pr.reason = p == 53 ? Reason::kUdpResponse : Reason::kNoResponse;
    h.ports.push_back(pr);
  }
  r.info.udp_ports = 20;
  r.info.udp_services = "50-69";
  r.unsupported_ports = 3;  // as from an nmap file with SCTP ports
  r.hosts.push_back(h);
  HostResult v6;
  v6.addr = A("2001:2::2");
  v6.status = HostStatus::kTimedOut;
  PortResult p6;
  p6.addr = v6.addr;
  p6.port = 80;
  p6.state = PortState::kOpen;
  p6.reason = Reason::kSynAck;
  v6.ports.push_back(p6);
  r.hosts.push_back(v6);
  HostResult down;
  down.addr = A("198.18.0.3");
  down.status = HostStatus::kDown;
  r.hosts.push_back(down);
  return r;
}

}  // namespace tj
