// Records for the watch unit tests: a host and its ports in a few words.
#pragma once

#include <initializer_list>
#include <utility>

#include "core/scan_record.h"

namespace tj::testing {

inline HostResult Host(const char* addr, std::initializer_list<std::pair<uint16_t, PortState>> ports,
                       Proto proto = Proto::kTcp) {
  HostResult h;
  h.addr = *Address::Parse(addr);
  for (auto [port, state] : ports) {
    PortResult p;
    p.addr = h.addr;
    p.port = port;
    p.proto = proto;
    p.state = state;
    h.ports.push_back(p);
  }
  return h;
}

inline ScanRecord Record(std::initializer_list<HostResult> hosts) {
  ScanRecord r;
  r.hosts = hosts;
  return r;
}

}  // namespace tj::testing
