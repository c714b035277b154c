// Host name resolution through the system resolver (getaddrinfo), so
// /etc/hosts, nsswitch and search domains behave as users expect.
// Thread-safety: safe from any thread (getaddrinfo is reentrant).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "core/status.h"
#include "core/target_spec.h"

namespace tj {

// Every distinct address of the chosen family, in resolver order.
Result<std::vector<Address>> ResolveHost(std::string_view name, FamilyChoice family);

// Reverse lookup; "" when the address has no name.
std::string ReverseLookup(const Address& a);

}  // namespace tj
