// Test helpers for the report writers: sample results and a way to run a
// writer into memory. Used only by src/report/*_test.cc.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "report/writer.h"

namespace tj::report_testing {

inline PortResult MakePort(const char* ip, uint16_t p, PortState s, Reason r) {
  PortResult x;
  x.addr = *Address::Parse(ip);
  x.port = p;
  x.state = s;
  x.reason = r;
  return x;
}

// 198.18.0.2 with 22 and 80 open, 33080 open (no service name), 900-929
// filtered (no-response), 950 filtered (admin-prohibited), the rest of
// 1-1000 closed.
inline HostResult SampleHost() {
  HostResult h;
  h.addr = *Address::Parse("198.18.0.2");
  h.latency = std::chrono::microseconds(120);
  for (uint16_t p = 1; p <= 1000; ++p) {
    if (p == 22 || p == 80) h.ports.push_back(MakePort("198.18.0.2", p, PortState::kOpen, Reason::kSynAck));
    else if (p >= 900 && p < 930) h.ports.push_back(MakePort("198.18.0.2", p, PortState::kFiltered, Reason::kNoResponse));
    else if (p == 950) h.ports.push_back(MakePort("198.18.0.2", p, PortState::kFiltered, Reason::kAdminProhibited));
    else h.ports.push_back(MakePort("198.18.0.2", p, PortState::kClosed, Reason::kConnRefused));
  }
  h.ports.push_back(MakePort("198.18.0.2", 33080, PortState::kOpen, Reason::kSynAck));
  return h;
}

// 443 open, with what -sV would find: HTTP inside TLS, with a certificate.
inline PortResult ProbedPort() {
  PortResult p = MakePort("198.18.0.2", 443, PortState::kOpen, Reason::kSynAck);
  p.service->name = "http";
  p.service->product = "nginx";
  p.service->version = "1.22.1";
  p.service->extrainfo = "Debian";
  p.service->tunnel = "ssl";
  p.service->method = "probed";
  p.service->conf = 10;
  p.service->has_cert = true;
  p.service->cert.subject = "CN=lab.example";
  p.service->cert.issuer = "CN=lab.example";
  p.service->cert.alt_names = {"DNS:lab.example"};
  p.service->cert.not_before = "2026-01-01T00:00:00Z";
  p.service->cert.not_after = "2027-01-01T00:00:00Z";
  p.service->cert.sha256 = "00ff";
  p.service->cert.self_signed = true;
  return p;
}

inline ScanInfo SampleInfo() {
  ScanInfo i;
  i.version = "0.1.0";
  i.args = "tojimari scan -sT -p 1-1000,33080 198.18.0.2";
  i.start = std::chrono::system_clock::from_time_t(1700000000);
  i.scan_type = "connect";
  i.tcp_ports = 1001;
  i.tcp_services = "1-1000,33080";
  return i;
}

inline RunSummary SampleSummary(uint64_t total = 1, uint64_t up = 1, bool interrupted = false) {
  RunSummary s;
  s.hosts_total = total;
  s.hosts_up = up;
  s.elapsed_seconds = 1.5;
  s.interrupted = interrupted;
  return s;
}

using WriterFactory = std::unique_ptr<Writer> (*)(FilePtr, const ServiceTable&);

// Runs Begin, Host for each host, End into memory; *end_status gets End's status.
inline std::string Render(WriterFactory make, const ScanInfo& info, const std::vector<HostResult>& hosts,
                          const RunSummary& sum, Status* end_status = nullptr) {
  char* buf = nullptr;
  size_t len = 0;
  FILE* mem = open_memstream(&buf, &len);
  {
    auto w = make(FilePtr(mem), ServiceTable::Builtin());
    (void)w->Begin(info);
    for (const auto& h : hosts) (void)w->Host(h);
    Status s = w->End(sum);
    if (end_status) *end_status = s;
  }
  std::string out(buf, len);
  free(buf);
  return out;
}

// Runs a shell command; its exit status, or -1 when it could not run.
inline int Shell(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  return rc == -1 ? -1 : WEXITSTATUS(rc);
}

inline bool HaveCommand(const std::string& name) { return Shell("command -v " + name + " >/dev/null 2>&1") == 0; }

}  // namespace tj::report_testing
