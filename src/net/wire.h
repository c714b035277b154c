// Wire formats: explicit big-endian loads and stores (no struct casts, so no
// alignment or padding surprises) and the Internet checksum, including the
// incremental update of RFC 1624 that lets a packet template be patched per
// target without summing the whole packet again.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tj::wire {

inline uint16_t Load16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
inline uint32_t Load32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
inline void Store16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void Store32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

// One's-complement sum of 16-bit big-endian words (odd length padded with 0),
// added to `sum`; fold and invert with ChecksumFinish.
uint32_t ChecksumAdd(const uint8_t* data, size_t len, uint32_t sum = 0);
uint16_t ChecksumFinish(uint32_t sum);
// RFC 1624 eqn. 3: the new checksum after a 16-bit word changes from old to new.
uint16_t ChecksumUpdate16(uint16_t csum, uint16_t old_word, uint16_t new_word);
// The same for a 32-bit field (two words).
uint16_t ChecksumUpdate32(uint16_t csum, uint32_t old_value, uint32_t new_value);

}  // namespace tj::wire
