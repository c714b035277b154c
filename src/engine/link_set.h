// The interfaces a raw scan sends and listens on, and the next hop of each
// target: what the TCP and UDP raw engines and host discovery share, so a
// link is opened one way for all of them. Opened while privileged (capture
// rings and senders need CAP_NET_RAW); used after the drop.
// Thread-safety: PathTo() and RouteTo() from one thread; links may be used
// by the run that was given them.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/mac.h"
#include "engine/raw_link.h"
#include "net/route_cache.h"

namespace tj {

// Capture ring bytes for a scan that can get at most `answers` replies (0:
// not known): 16 MiB, or less for a small scan, 1 MiB at least.
size_t RingBytesFor(uint64_t answers);

class LinkSet {
 public:
  // The capture filter of a link, given its route (source already chosen).
  using FilterFor = std::function<std::string(const RouteInfo&)>;
  // How each link is opened.
  struct LinkOptions {
    size_t ring_bytes = 16u << 20;  // each link's capture ring
    size_t senders = 1;             // packet senders per link: one per sending thread
    bool skip_loopback = false;     // open nothing for routes through loopback
  };
  // REQUIRES: CAP_NET_RAW. `samples`: addresses whose routes name every
  // interface the scan will use. `sources` (-S): our address on each link
  // is the first of these with the link's family, else the route's own.
  static Result<LinkSet> Open(const std::vector<Address>& samples, const std::vector<Address>& sources,
                              const FilterFor& filter, const LinkOptions& options);
  // The raw engines' links: `answers`, how many replies the whole scan can
  // get at most (0: not known), sizes each link's capture ring
  // (RingBytesFor); one sender per core, up to two.
  static Result<LinkSet> Open(const std::vector<Address>& samples, const std::vector<Address>& sources,
                              const FilterFor& filter, uint64_t answers = 0);
  LinkSet(LinkSet&&) = default;
  LinkSet& operator=(LinkSet&&) = default;
  ~LinkSet();  // closes every link's packet sockets side by side (see there)

  struct Path {
    size_t link;       // index into links()
    MacAddr next_hop;  // where frames to the host go
  };
  // The link and next hop for a host; nullopt when the next hop does not
  // answer ARP/NDP (the host cannot be probed at all).
  Result<std::optional<Path>> PathTo(const Address& host);
  // The route to a host, from the routes read at Open.
  Result<RouteInfo> RouteTo(const Address& host) { return routes_.Lookup(host); }
  // The link a route goes through, if it was opened.
  std::optional<size_t> Find(const RouteInfo& r) const;
  std::vector<RawLink>& links() { return links_; }

 private:
  LinkSet() = default;
  Status Add(const Address& sample, const std::vector<Address>& sources, const FilterFor& filter,
             const LinkOptions& options);

  std::vector<RawLink> links_;
  RouteCache routes_;
  std::unordered_map<Address, MacAddr, AddressHash> next_hop_macs_;
  std::unordered_set<Address, AddressHash> unreachable_hops_;
};

}  // namespace tj
