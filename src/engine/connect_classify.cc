#include "engine/connect_classify.h"

#include <cerrno>

namespace tj {

std::optional<Verdict> ClassifyConnectErrno(int err) {
  switch (err) {
    case 0:
      return Verdict{PortState::kOpen, Reason::kSynAck};
    case ECONNREFUSED:
      return Verdict{PortState::kClosed, Reason::kConnRefused};
    case EHOSTUNREACH:
    case EHOSTDOWN:
      return Verdict{PortState::kFiltered, Reason::kHostUnreach};
    case ENETUNREACH:
    case ENETDOWN:
      return Verdict{PortState::kFiltered, Reason::kNetUnreach};
    case EACCES:
    case EPERM:  // a local firewall rule, or ICMP "communication prohibited"
      return Verdict{PortState::kFiltered, Reason::kAdminProhibited};
    case ENOPROTOOPT:  // ICMP protocol unreachable
      return Verdict{PortState::kFiltered, Reason::kProtoUnreach};
    default:  // ETIMEDOUT and anything unexpected: treat as silence and retry
      return std::nullopt;
  }
}

}  // namespace tj
