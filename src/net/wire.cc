#include "net/wire.h"

namespace tj::wire {
namespace {

// Folds the carries back into the low 16 bits (the end-around carry of
// one's-complement addition). Two rounds always suffice for a 64-bit sum
// of bytes shorter than 2^48, but a loop costs nothing and needs no proof.
uint32_t Fold(uint64_t sum) {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint32_t>(sum);
}

}  // namespace

uint32_t ChecksumAdd(const uint8_t* data, size_t len, uint32_t sum) {
  // A 64-bit accumulator cannot overflow for any buffer that fits in memory,
  // and returning the folded value keeps chained calls safe as well.
  uint64_t acc = sum;
  size_t i = 0;
  for (; i + 1 < len; i += 2) acc += Load16(data + i);
  if (i < len) acc += uint32_t{data[i]} << 8;  // the odd byte is the high half of a zero-padded word
  return Fold(acc);
}

uint16_t ChecksumFinish(uint32_t sum) { return static_cast<uint16_t>(~Fold(sum)); }

// Eqn. 3 (HC' = ~(~HC + ~m + m')) rather than eqn. 2 because it never turns
// a checksum into 0xffff/0x0000 the wrong way round (RFC 1624 section 3).
uint16_t ChecksumUpdate16(uint16_t csum, uint16_t old_word, uint16_t new_word) {
  uint64_t acc = static_cast<uint16_t>(~csum);
  acc += static_cast<uint16_t>(~old_word);
  acc += new_word;
  return static_cast<uint16_t>(~Fold(acc));
}

uint16_t ChecksumUpdate32(uint16_t csum, uint32_t old_value, uint32_t new_value) {
  uint64_t acc = static_cast<uint16_t>(~csum);
  acc += static_cast<uint16_t>(~(old_value >> 16));
  acc += static_cast<uint16_t>(~old_value);
  acc += new_value >> 16;
  acc += new_value & 0xffff;
  return static_cast<uint16_t>(~Fold(acc));
}

}  // namespace tj::wire
