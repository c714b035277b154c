// Route lookups for many destinations. Asking the kernel once per address
// (LookupRoute) costs tens of microseconds: seconds for a /16. The routing
// tables are dumped once; after a lookup, the addresses around the one asked
// share its answer: those of the matched route's prefix that no more
// specific route reaches into.
// Addresses of our own (local, broadcast routes) are always asked afresh.
// Thread-safety: one thread.
#pragma once

#include <unordered_map>
#include <vector>

#include "net/route.h"

namespace tj {

class RouteCache {
 public:
  // Dumps the kernel's routing tables (every table, both families).
  static Result<RouteCache> Load();
  Result<RouteInfo> Lookup(const Address& dst);

  struct Prefix {
    Address net;
    int len = 0;
  };

 private:
  std::vector<Prefix> unicast_;   // destinations of ordinary routes
  std::vector<Prefix> special_;   // local, broadcast, anycast, multicast routes
  std::vector<std::pair<Prefix, RouteInfo>> by_prefix_;
  std::unordered_map<Address, RouteInfo, AddressHash> by_host_;
};

// Whether addr lies in net/len (same family).
bool PrefixContains(const Address& net, int len, const Address& addr);
// How many leading bits a and b share (same family).
int CommonPrefixLen(const Address& a, const Address& b);

}  // namespace tj
