#include "engine/permutation.h"

namespace tj {
namespace {

// The splitmix64 output function: every input bit reaches every output bit,
// so masking the result to k bits still leaves a well-mixed round value.
uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Fewest half-width bits k >= 1 with 2^(2k) >= n. k = 1 even for n = 1, so
// both halves always have a bit to work with; capped at 32 (the whole uint64).
int HalfBits(uint64_t n) {
  int k = 1;
  while (k < 32 && (uint64_t{1} << (2 * k)) < n) ++k;
  return k;
}

}  // namespace

Permutation::Permutation(uint64_t n, uint64_t seed)
    : n_(n), half_bits_(HalfBits(n)), half_mask_((uint64_t{1} << half_bits_) - 1) {
  // splitmix64 as a generator: a Weyl sequence through Mix, so even seeds
  // 0, 1, 2 give unrelated round keys.
  uint64_t state = seed;
  for (uint64_t& key : keys_) {
    state += 0x9e3779b97f4a7c15ull;
    key = Mix(state);
  }
}

uint64_t Permutation::Round(uint64_t half, int round) const { return Mix(half ^ keys_[round]) & half_mask_; }

uint64_t Permutation::operator()(uint64_t i) const {
  uint64_t x = i;
  // Each pass is one Feistel encryption of the whole 2k-bit domain; repeating
  // it on results >= n walks the cycle of x until it re-enters [0, n).
  do {
    uint64_t left = x >> half_bits_;
    uint64_t right = x & half_mask_;
    for (int r = 0; r < 4; ++r) {
      uint64_t next = left ^ Round(right, r);
      left = right;
      right = next;
    }
    x = (left << half_bits_) | right;
  } while (x >= n_);
  return x;
}

}  // namespace tj
