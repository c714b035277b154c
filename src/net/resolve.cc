#include "net/resolve.h"

#include <netdb.h>

#include <algorithm>
#include <fmt/format.h>
#include <string>

namespace tj {

Result<std::vector<Address>> ResolveHost(std::string_view name, FamilyChoice family) {
  addrinfo hints{};
  hints.ai_family = family == FamilyChoice::kV6 ? AF_INET6 : AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string host(name);
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0) {
    return MakeError(fmt::format("target \"{}\": cannot resolve host name ({}{})", name, gai_strerror(rc),
                                 family == FamilyChoice::kV6 ? ", IPv6 asked with -6" : ""));
  }
  std::vector<Address> out;
  for (addrinfo* p = res; p; p = p->ai_next) {
    auto a = Address::FromSockaddr(p->ai_addr);
    if (a && std::find(out.begin(), out.end(), *a) == out.end()) out.push_back(*a);
  }
  freeaddrinfo(res);
  if (out.empty()) return MakeError(fmt::format("target \"{}\": host name has no usable address", name));
  return out;
}

std::string ReverseLookup(const Address& a) {
  sockaddr_storage ss;
  socklen_t len = a.ToSockaddr(0, &ss);
  char host[NI_MAXHOST];
  if (getnameinfo(reinterpret_cast<sockaddr*>(&ss), len, host, sizeof host, nullptr, 0, NI_NAMEREQD) != 0)
    return "";
  return host;
}

}  // namespace tj
