// A tiny rtnetlink client for the route and neighbour lookups: build one
// request (a fixed family header plus attributes), send it on a fresh
// NETLINK_ROUTE socket, and walk the kernel's reply messages and their
// attributes. Only what route.cc and neighbour.cc need; not a general library.
//
// Every length read from the kernel is checked before use, so a short or odd
// message is skipped rather than read past its end.
// Thread-safety: functions and per-call values; no shared state.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <span>
#include <vector>

namespace tj::nl {

// One request message: nlmsghdr, then the family header, then attributes.
class Request {
 public:
  // type: RTM_GETROUTE etc.; flags: NLM_F_REQUEST is always added.
  Request(uint16_t type, uint16_t flags);
  // The fixed family header (rtmsg, ifinfomsg, ndmsg). Call once, first.
  template <typename T>
  void Header(const T& h) {
    Append(&h, sizeof h);
  }
  void Attr(uint16_t type, const void* data, size_t len);
  // Finishes the length and sequence fields and returns the bytes to send.
  std::span<const uint8_t> Finish(uint32_t seq);

 private:
  void Append(const void* p, size_t len);
  std::vector<uint8_t> buf_;
};

// One reply message: its type and payload (family header + attributes).
struct Message {
  uint16_t type = 0;
  std::span<const uint8_t> payload;

  // The family header, copied out (payloads need not be aligned for T).
  template <typename T>
  std::optional<T> Header() const {
    if (payload.size() < sizeof(T)) return std::nullopt;
    T h;
    std::memcpy(&h, payload.data(), sizeof h);
    return h;
  }
};

// Sends req and calls fn for each reply message of the kernel, until the
// dump ends or the request is acknowledged. Returns 0, or the errno the
// kernel (or a socket call) reported: the caller knows what ENETUNREACH
// means for its request, so it words the message.
int Transact(Request& req, const std::function<void(const Message&)>& fn);

// Calls fn(type, data) for each attribute after the first `header_len`
// bytes of payload (NLA_TYPE_MASK applied to type).
void ForEachAttr(std::span<const uint8_t> payload, size_t header_len,
                 const std::function<void(uint16_t, std::span<const uint8_t>)>& fn);

// Reads an attribute of exactly sizeof(T) bytes, else nullopt.
template <typename T>
std::optional<T> AttrAs(std::span<const uint8_t> data) {
  if (data.size() != sizeof(T)) return std::nullopt;
  T v;
  std::memcpy(&v, data.data(), sizeof v);
  return v;
}

}  // namespace tj::nl
