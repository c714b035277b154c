#include "engine/plausible.h"

#include <fmt/format.h>

namespace tj {

std::optional<HostNote> MarkImplausibleOpens(HostOutcome* o, size_t scanned, const PlausibleOptions& opts) {
  size_t open = 0, run = 0, best = 0;
  uint16_t best_end = 0;
  int prev = -2;
  for (const PortResult& r : o->ports) {  // sorted by port
    if (r.proto != Proto::kTcp || r.state != PortState::kOpen || r.reason != Reason::kSynAck) continue;
    ++open;
    run = r.port == prev + 1 ? run + 1 : 1;
    prev = r.port;
    if (run > best) best = run, best_end = r.port;
  }
  if (open < opts.min_open) return std::nullopt;
  const bool share = static_cast<double>(open) > opts.max_share * static_cast<double>(scanned);
  if (!share && best < opts.max_run) return std::nullopt;
  for (PortResult& r : o->ports)
    if (r.proto == Proto::kTcp && r.state == PortState::kOpen && r.reason == Reason::kSynAck)
      r.reason = Reason::kSynAckUnverified;
  std::string why = share ? fmt::format("{} of {} ports", open, scanned)
                          : fmt::format("{} ports, {} of them in a row ({}-{})", open, best, best_end + 1 - best,
                                        best_end);
  return HostNote{"syn-proxy",
                  fmt::format("answered SYN-ACK on {}: a SYN proxy? Those ports are open but unverified "
                              "(syn-ack-unverified) until a connection exchanges data (-sV)",
                              why)};
}

}  // namespace tj
