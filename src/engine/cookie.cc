#include "engine/cookie.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace tj {
namespace {

// Little-endian load of n <= 8 bytes. memcpy rather than a pointer cast (no
// alignment or aliasing traps) and rather than a byte loop, which g++ does
// not fold into one load.
uint64_t LoadLe(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  if (n != 0) std::memcpy(&v, p, n);  // p may be null when n is 0
  if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
  return v;
}

// One SipRound: the add-rotate-xor network of the SipHash paper, section 2.
struct SipState {
  uint64_t v0, v1, v2, v3;
  void Round() {
    v0 += v1;
    v1 = std::rotl(v1, 13);
    v1 ^= v0;
    v0 = std::rotl(v0, 32);
    v2 += v3;
    v3 = std::rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = std::rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = std::rotl(v1, 17);
    v1 ^= v2;
    v2 = std::rotl(v2, 32);
  }
  // "2" of SipHash-2-4: two rounds per message word.
  void Compress(uint64_t m) {
    v3 ^= m;
    Round();
    Round();
    v0 ^= m;
  }
};

// Fills `out` from the kernel. getrandom() may be interrupted by a signal or,
// in principle, return fewer bytes than asked; both just mean "ask again".
// Returns false only if the kernel will not give entropy at all.
bool KernelRandom(uint8_t* out, size_t len) {
  size_t got = 0;
  while (got < len) {
    ssize_t r = getrandom(out + got, len - got, 0);
    if (r > 0) {
      got += static_cast<size_t>(r);
    } else if (r == 0 || errno != EINTR) {
      break;
    }
  }
  if (got == len) return true;
  // getrandom() missing (ENOSYS: pre-3.17 kernel, or a seccomp filter): the
  // same kernel pool is still reachable through /dev/urandom.
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  while (got < len) {
    ssize_t r = read(fd, out + got, len - got);
    if (r > 0) {
      got += static_cast<size_t>(r);
    } else if (r == 0 || errno != EINTR) {
      break;
    }
  }
  close(fd);
  return got == len;
}

// Serialised end point: family byte, 16 address bytes, big-endian port.
constexpr size_t kEndLen = 1 + 16 + 2;

uint8_t* PutEnd(uint8_t* p, const Address& a, uint16_t port) {
  *p++ = static_cast<uint8_t>(a.family());
  std::memcpy(p, a.bytes().data(), 16);
  p += 16;
  *p++ = static_cast<uint8_t>(port >> 8);
  *p++ = static_cast<uint8_t>(port);
  return p;
}

}  // namespace

uint64_t SipHash24(uint64_t k0, uint64_t k1, const uint8_t* data, size_t len) {
  // The initial constants spell "somepseudorandomlygeneratedbytes".
  SipState s{k0 ^ 0x736f6d6570736575ull, k1 ^ 0x646f72616e646f6dull, k0 ^ 0x6c7967656e657261ull,
             k1 ^ 0x7465646279746573ull};
  size_t whole = len & ~size_t{7};
  for (size_t i = 0; i < whole; i += 8) s.Compress(LoadLe(data + i, 8));
  // The last word carries the 0..7 leftover bytes and, in its top byte, the
  // length mod 256, so messages that differ only by trailing zeros differ.
  s.Compress(LoadLe(data + whole, len - whole) | (uint64_t{static_cast<uint8_t>(len)} << 56));
  // "4" of SipHash-2-4: four finalisation rounds.
  s.v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) s.Round();
  return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

CookieKey::CookieKey(const std::array<uint8_t, 16>& key)
    : k0_(LoadLe(key.data(), 8)), k1_(LoadLe(key.data() + 8, 8)) {}

CookieKey CookieKey::Random() {
  std::array<uint8_t, 16> key;
  if (!KernelRandom(key.data(), key.size())) {
    // No error path in this API, and no safe key without the kernel: a
    // guessable key would let anyone forge replies. Only reached on a system
    // with neither getrandom() nor /dev/urandom.
    std::fprintf(stderr, "tojimari: cannot read random bytes from the kernel: %s\n", std::strerror(errno));
    std::abort();
  }
  return CookieKey(key);
}

uint64_t CookieKey::Hash(const Address& them, uint16_t their_port, const Address& us,
                         uint16_t our_port) const {
  // Fixed-size stack buffer: this runs for every probe sent and every reply.
  std::array<uint8_t, 2 * kEndLen> buf;
  PutEnd(PutEnd(buf.data(), them, their_port), us, our_port);
  return SipHash24(k0_, k1_, buf.data(), buf.size());
}

}  // namespace tj
