// Which probe of a UDP scan a captured reply answers, and what it says: a
// UDP datagram back from the probed host (open), or an ICMP error quoting
// our probe (closed when the host's own port unreachable, else filtered).
// Pure, so it is fuzzed (tests/fuzz/udp_reply_fuzzer.cc) apart from the
// engine that calls it from its receive thread.
// Thread-safety: pure function over an immutable context.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/address.h"
#include "core/types.h"
#include "net/packet.h"

namespace tj {

struct UdpMatchContext {
  const std::unordered_map<Address, uint32_t, AddressHash>* hosts = nullptr;  // probed host -> index
  const std::unordered_map<Address, uint16_t, AddressHash>* lanes = nullptr;  // our address -> lane
  const std::vector<uint16_t>* ports = nullptr;  // probed ports; our source port is sport_base + index
  uint16_t sport_base = 0;
  bool v6 = false;
  // The IPv4 ID / IPv6 flow label our probe of (host, port index, lane)
  // carried: an ICMP error must quote it.
  std::function<uint32_t(uint32_t host, uint32_t port, uint16_t lane)> tag;
};

struct UdpMatch {
  uint32_t host = 0, port = 0;  // indices into the context's maps
  uint16_t lane = 0;
  bool icmp = false;
  Verdict verdict{PortState::kOpen, Reason::kUdpResponse};
  bool from_host = false;       // the host itself answered (not a router)
};

enum class UdpMiss : uint8_t { kNone, kNotUdp, kForeign };

// nullopt with *miss = kNotUdp for replies that are not about UDP at all
// (the capture filter lets TCP and ICMP about TCP through), kForeign for
// UDP replies and errors that match no probe of ours.
std::optional<UdpMatch> MatchUdpReply(const Reply& r, const UdpMatchContext& c, UdpMiss* miss);

}  // namespace tj
