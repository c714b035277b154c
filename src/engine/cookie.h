// The key sender and receiver share instead of per-probe state: a keyed
// hash (SipHash-2-4) of a flow, carried in the probe's sequence number (and
// echoed back in the reply's acknowledgement or sequence number), so a
// reply is recognised as ours by recomputing it, and forged or stray replies
// are rejected without a table of probes sent.
// Thread-safety: immutable after construction; share freely.
#pragma once

#include <array>
#include <cstdint>

#include "core/address.h"

namespace tj {

class CookieKey {
 public:
  // A fresh 128-bit key from getrandom().
  static CookieKey Random();
  explicit CookieKey(const std::array<uint8_t, 16>& key);

  // SipHash-2-4 of (them, their port, us, our port).
  uint64_t Hash(const Address& them, uint16_t their_port, const Address& us, uint16_t our_port) const;
  // The 32 bits that go in a probe's sequence (or acknowledgement) number.
  uint32_t Cookie(const Address& them, uint16_t their_port, const Address& us, uint16_t our_port) const {
    return static_cast<uint32_t>(Hash(them, their_port, us, our_port));
  }

 private:
  uint64_t k0_, k1_;
};

// SipHash-2-4 over a byte string, exposed for its test vectors.
uint64_t SipHash24(uint64_t k0, uint64_t k1, const uint8_t* data, size_t len);

}  // namespace tj
