#include "net/route_cache.h"

#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "net/netlink.h"

namespace tj {

bool PrefixContains(const Address& net, int len, const Address& addr) {
  if (net.family() != addr.family()) return false;
  const auto& a = net.bytes();
  const auto& b = addr.bytes();
  int full = len / 8, rest = len % 8;
  if (std::memcmp(a.data(), b.data(), full) != 0) return false;
  if (!rest) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

int CommonPrefixLen(const Address& a, const Address& b) {
  const int bits = a.is_v4() ? 32 : 128;
  for (int i = 0; i < bits; ++i) {
    uint8_t mask = static_cast<uint8_t>(0x80 >> (i % 8));
    if ((a.bytes()[i / 8] & mask) != (b.bytes()[i / 8] & mask)) return i;
  }
  return bits;
}

Result<RouteCache> RouteCache::Load() {
  RouteCache c;
  nl::Request req(RTM_GETROUTE, NLM_F_DUMP);
  rtmsg rtm{};
  rtm.rtm_family = AF_UNSPEC;
  req.Header(rtm);
  int err = nl::Transact(req, [&](const nl::Message& m) {
    auto h = m.Header<rtmsg>();
    if (m.type != RTM_NEWROUTE || !h) return;
    if (h->rtm_family != AF_INET && h->rtm_family != AF_INET6) return;
    const bool v4 = h->rtm_family == AF_INET;
    Prefix p;
    p.net = v4 ? Address::V4(0) : Address::V6({});
    p.len = h->rtm_dst_len;
    nl::ForEachAttr(m.payload, sizeof(rtmsg), [&](uint16_t type, std::span<const uint8_t> d) {
      if (type != RTA_DST) return;
      if (v4 && d.size() == 4) p.net = Address::V4(uint32_t{d[0]} << 24 | uint32_t{d[1]} << 16 | uint32_t{d[2]} << 8 | d[3]);
      if (!v4 && d.size() == 16) {
        std::array<uint8_t, 16> b;
        std::memcpy(b.data(), d.data(), 16);
        p.net = Address::V6(b);
      }
    });
    bool special = h->rtm_type == RTN_LOCAL || h->rtm_type == RTN_BROADCAST || h->rtm_type == RTN_ANYCAST ||
                   h->rtm_type == RTN_MULTICAST;
    (special ? c.special_ : c.unicast_).push_back(p);
  });
  if (err != 0) return MakeError(std::string("cannot read the routing tables: ") + std::strerror(err));
  return c;
}

Result<RouteInfo> RouteCache::Lookup(const Address& dst) {
  if (auto h = by_host_.find(dst); h != by_host_.end()) return h->second;
  for (const auto& [p, info] : by_prefix_)
    if (PrefixContains(p.net, p.len, dst)) return info;
  auto info = LookupRoute(dst);
  if (!info) return info;
  for (const Prefix& s : special_)
    if (PrefixContains(s.net, s.len, dst)) return info;  // ours: never share
  // The longest route prefix holding dst is what the kernel matched (policy
  // routing aside). Its answer holds for the part of that prefix around dst
  // that no more specific route (ordinary or our own) reaches into: the
  // prefix of dst one bit longer than it shares with any of those routes.
  const Prefix* best = nullptr;
  for (const Prefix& p : unicast_)
    if (PrefixContains(p.net, p.len, dst) && (!best || p.len > best->len)) best = &p;
  if (!best) {
    by_host_.emplace(dst, *info);
    return info;
  }
  int len = best->len;
  for (const auto* list : {&unicast_, &special_})
    for (const Prefix& p : *list)
      if (p.len > best->len && PrefixContains(best->net, best->len, p.net))
        len = std::max(len, CommonPrefixLen(dst, p.net) + 1);
  const int bits = dst.is_v4() ? 32 : 128;
  if (len >= bits) by_host_.emplace(dst, *info);
  else by_prefix_.push_back({Prefix{dst, len}, *info});
  return info;
}

}  // namespace tj
