// Opens a host cannot plausibly have: a SYN proxy (nft synproxy, a DDoS
// scrubber, some firewalls) answers every SYN with a SYN-ACK whether
// anything listens or not, so a SYN scan sees every port open. A host that
// answers SYN-ACK on very many ports, most of those scanned or a long run of
// neighbours, gets a note, and its SYN-ACK ports the reason
// syn-ack-unverified: still open in every output (a door may be behind),
// but not confirmed until a connection exchanges data (-sV does).
// Thread-safety: pure.
#pragma once

#include <optional>

#include "engine/connect_engine.h"

namespace tj {

struct PlausibleOptions {
  size_t min_open = 64;        // fewer opens are never implausible
  double max_share = 0.5;      // more than this share of the scanned ports open...
  size_t max_run = 64;         // ...or this many neighbouring port numbers open in a row
};

// Marks o's SYN-ACK ports unverified and returns the note when the host's
// opens are implausible; `scanned`: how many TCP ports it was probed on.
std::optional<HostNote> MarkImplausibleOpens(HostOutcome* o, size_t scanned,
                                             const PlausibleOptions& opts = PlausibleOptions());

}  // namespace tj
