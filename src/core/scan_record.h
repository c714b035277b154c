// A whole scan as one value: what audit, history, diff and watch work on. It
// is filled by the record writer during a scan (report/record_writer.h), read
// back from a report file (tojimari's JSON or XML, or nmap's XML:
// report/read_scan.h), or loaded from the history store.
// Thread-safety: plain values.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "core/scan_result.h"

namespace tj {

// What the report says about the scan as a whole.
struct ScanInfo {
  std::string version;        // tojimari's version
  std::string args;           // the command line, as typed
  std::chrono::system_clock::time_point start;
  std::string scan_type;      // "connect", "syn", "fin", "null", "xmas", "ack", "window" (nmap's names)
  size_t tcp_ports = 0;       // ports per host
  std::string tcp_services;   // the TCP ports as ranges, "1-1000,8080" (see PortRanges)
  size_t udp_ports = 0;       // -sU: UDP ports per host
  std::string udp_services;
  int debugging = 0;          // nmap's -d level; tojimari has none yet, reports say 0
  bool show_reason = false;   // --reason
  bool open_only = false;     // --open
  int verbose = 0;            // -v count
  bool color = false;         // ANSI colour (normal output on a terminal only)
};

struct RunSummary {
  uint64_t hosts_total = 0;       // addresses considered
  uint64_t hosts_up = 0;
  uint64_t skipped_reserved = 0;  // multicast/broadcast/unspecified inside ranges
  uint64_t excluded = 0;
  double elapsed_seconds = 0;
  bool interrupted = false;
};

struct ScanRecord {
  std::string scanner = "tojimari";  // who made it: "tojimari" or "nmap"
  ScanInfo info;                     // arguments, start time, scan type
  RunSummary summary;                // hosts up/total, elapsed, interrupted
  std::vector<HostResult> hosts;     // every host reported, ports sorted by (proto, port)
  // Ports a report read from a file listed in protocols tojimari has no Proto
  // for (nmap's sctp, and ip for -sO): counted here, not kept in hosts.
  uint64_t unsupported_ports = 0;
};

}  // namespace tj
