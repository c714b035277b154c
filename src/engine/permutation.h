// Targets as arithmetic: every (address, port) pair of a scan has a linear
// index in [0, n), and a keyed permutation maps position i of the probe
// order to a pair index. Probes to one host are spread over the whole scan,
// the order is reproducible from a seed, and sharding and resuming are
// ranges of positions, with nothing expanded into memory.
//
// The permutation is a balanced Feistel network over the smallest domain of
// 2^(2k) >= n with cycle walking (values >= n are permuted again until they
// land inside): a bijection on [0, n) for any n and any seed. Any round
// function gives a bijection of the 2k-bit domain; four rounds of a keyed
// mix make it look random. Walking must stop: the orbit of a start point
// x < n under a bijection of a finite set comes back to x, so it meets
// [0, n) again at the latest there. It stops soon: k is minimal, so
// 2^(2k-2) < n and the domain holds fewer than 4n values (4 for n = 1); a
// random-looking permutation lands in [0, n) with chance > 1/4 per pass, so
// at most 4 passes on average, and more than t with chance about (3/4)^t.
// Thread-safety: immutable after construction; share freely.
#pragma once

#include <cstdint>

namespace tj {

class Permutation {
 public:
  // REQUIRES: n >= 1
  Permutation(uint64_t n, uint64_t seed);
  uint64_t size() const { return n_; }
  // REQUIRES: i < size()
  uint64_t operator()(uint64_t i) const;

 private:
  uint64_t Round(uint64_t half, int round) const;
  uint64_t n_;
  int half_bits_;
  uint64_t half_mask_;
  uint64_t keys_[4];
};

// Shard `index` (0-based) of `count`: positions i with i % count == index.
// Every position belongs to exactly one shard.
struct Shard {
  uint64_t index = 0;
  uint64_t count = 1;
  // How many positions of [0, n) this shard holds.
  uint64_t Size(uint64_t n) const { return n / count + (index < n % count ? 1 : 0); }
  // The k-th position of this shard. REQUIRES: k < Size(n)
  uint64_t Position(uint64_t k) const { return k * count + index; }
};

}  // namespace tj
