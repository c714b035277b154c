// libpcap, loaded on first use (core/dynlib.h): only raw scans and raw host
// discovery need it, to compile their capture filters into kernel BPF, and
// linked it brought D-Bus, libsystemd, libgcrypt and lz4 into every run.
// Thread-safety: Pcap() loads once (a function-local static) and the table
// is immutable after.
#pragma once

#include <pcap/pcap.h>

#include "core/dynlib.h"

namespace tj {

// Every libpcap function tojimari calls, listed once.
// clang-format off
#define TJ_PCAP_FUNCTIONS(X)                                                      \
  X(pcap_open_dead) X(pcap_compile) X(pcap_freecode) X(pcap_geterr) X(pcap_close) \
  X(pcap_lib_version)
// clang-format on

struct PcapApi {
  TJ_PCAP_FUNCTIONS(TJ_DYNLIB_FIELD)
};

// libpcap, loaded by the first call; later calls return the same outcome.
// Missing: "a raw scan needs libpcap.so.0.8 (Debian package libpcap0.8),
// which is not installed".
const Result<PcapApi>& Pcap();

}  // namespace tj
