#include "probes/icmp_verdict.h"

namespace tj {

Verdict ClassifyIcmp(bool v6, uint8_t type, uint8_t code) {
  constexpr auto F = PortState::kFiltered;
  if (!v6) {
    if (type == 11) return {F, Reason::kTimeExceeded};
    if (type != 3) return {F, Reason::kHostUnreach};
    switch (code) {
      case 0: return {F, Reason::kNetUnreach};
      case 1: return {F, Reason::kHostUnreach};
      case 2: return {F, Reason::kProtoUnreach};
      case 3: return {F, Reason::kPortUnreach};
      case 9: return {F, Reason::kNetProhibited};
      case 10: return {F, Reason::kHostProhibited};
      case 13: return {F, Reason::kAdminProhibited};
      default: return {F, Reason::kHostUnreach};
    }
  }
  if (type == 3) return {F, Reason::kTimeExceeded};
  if (type != 1) return {F, Reason::kHostUnreach};
  switch (code) {
    case 0: return {F, Reason::kNetUnreach};       // no route to destination
    case 1: return {F, Reason::kAdminProhibited};  // administratively prohibited
    case 4: return {F, Reason::kPortUnreach};
    default: return {F, Reason::kHostUnreach};     // address unreachable and the rest
  }
}

}  // namespace tj
