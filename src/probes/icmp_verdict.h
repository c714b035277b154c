// What an ICMP (or ICMPv6) error about a TCP probe means: filtered, with
// the reason named after the ICMP type and code, as nmap names them. The
// connect engine (reading the socket's error queue) and the raw engine
// (reading the ICMP packet) share it.
// Thread-safety: pure function.
#pragma once

#include <cstdint>

#include "core/types.h"

namespace tj {

Verdict ClassifyIcmp(bool v6, uint8_t type, uint8_t code);

}  // namespace tj
