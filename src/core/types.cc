#include "core/types.h"

#include <array>

namespace tj {
namespace {
constexpr std::array<std::string_view, 6> kStates = {
    "open", "closed", "filtered", "unfiltered", "open|filtered", "closed|filtered"};
constexpr std::array<std::string_view, 25> kReasons = {
    "no-response", "syn-ack",      "conn-refused", "reset",
    "host-unreach", "net-unreach", "admin-prohibited", "net-prohibited", "host-prohibited", "port-unreach",
    "proto-unreach", "udp-response", "time-exceeded", "localhost-response",
    "user-set",     "echo-reply",  "arp-response", "icmp-ratelimit", "unknown-response",
    "timestamp-reply", "nd-response", "host-went-silent", "rst-ratelimit", "syn-ack-unverified",
    "syn-proxy-reset"};
static_assert(kReasons.size() == static_cast<size_t>(Reason::kProxyReset) + 1, "a name per reason");
}  // namespace

std::string_view ProtoName(Proto p) { return p == Proto::kTcp ? "tcp" : "udp"; }
std::optional<Proto> ProtoFromName(std::string_view s) {
  if (s == "tcp") return Proto::kTcp;
  if (s == "udp") return Proto::kUdp;
  return std::nullopt;
}
std::string_view StateName(PortState s) { return kStates[static_cast<size_t>(s)]; }
std::string_view ReasonName(Reason r) { return kReasons[static_cast<size_t>(r)]; }

std::optional<PortState> StateFromName(std::string_view s) {
  for (size_t i = 0; i < kStates.size(); ++i)
    if (kStates[i] == s) return static_cast<PortState>(i);
  return std::nullopt;
}
std::optional<Reason> ReasonFromName(std::string_view s) {
  for (size_t i = 0; i < kReasons.size(); ++i)
    if (kReasons[i] == s) return static_cast<Reason>(i);
  return std::nullopt;
}

}  // namespace tj
