// What changed between two scans: hosts that appeared or vanished, ports
// that opened or closed, other state changes (closed -> filtered ...), and
// for ports open in both, a different service, product or version, or a
// different certificate. A pure function over two ScanRecords, so scans
// from the history and from report files (ours or nmap's) compare alike.
//
// Ports one scan does not report are compared only when the other has them
// open: a narrower port range is not a change, an open port gone from the
// report is. Service and certificate changes count only when both scans ran
// -sV on that port.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/scan_record.h"

namespace tj {

enum class PortChangeKind {
  kOpened,   // open now, not before (or not reported before)
  kClosed,   // open before, not now (closed, filtered, or no longer reported)
  kState,    // another state change: closed -> filtered ...
  kService,  // open in both; name, product, version, extra info or tunnel differ
  kCert,     // open in both; the certificate differs
};

struct PortChange {
  Proto proto = Proto::kTcp;
  uint16_t port = 0;
  std::optional<PortResult> before, after;  // nullopt: that scan does not report the port
  PortChangeKind kind = PortChangeKind::kState;
  bool service_changed = false;  // open in both, -sV in both, and the service differs
  bool cert_changed = false;
};

enum class HostChangeKind {
  kAppeared,  // up now; down or absent before. ports: its open ports
  kVanished,  // up before; down or absent now. ports: what was open
  kChanged,   // up in both; ports: what changed
};

struct HostChange {
  Address addr;
  std::string name;  // the newer scan's name for it, else the older's
  HostChangeKind kind = HostChangeKind::kChanged;
  std::vector<PortChange> ports;  // by (proto, port)
};

struct DiffCounts {
  size_t hosts_appeared = 0, hosts_vanished = 0;
  size_t ports_opened = 0, ports_closed = 0, state_changes = 0;
  size_t service_changes = 0, cert_changes = 0;
};

struct ScanDiff {
  std::vector<HostChange> hosts;  // by address
  DiffCounts counts;
  bool empty() const { return hosts.empty(); }
};

ScanDiff DiffScans(const ScanRecord& before, const ScanRecord& after);

std::string_view PortChangeName(PortChangeKind k);  // "opened", "closed", "state", "service", "cert"
std::string_view HostChangeName(HostChangeKind k);  // "appeared", "vanished", "changed"

}  // namespace tj
