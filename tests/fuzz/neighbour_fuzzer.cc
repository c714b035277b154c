// Fuzzes the ARP and neighbour advertisement parsers (host discovery's
// -PR and the next hop's resolution) with the input as a captured frame,
// and checks that requests built from fuzzed fields read back as asked.
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "net/neighbour_frames.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

void ParseArbitraryFrame(std::span<const uint8_t> frame) {
  if (auto n = tj::ParseArp(frame)) Check(n->addr.is_v4() && !n->mac.is_zero());
  if (auto n = tj::ParseNeighbourAdvert(frame)) Check(!n->addr.is_v4() && !n->mac.is_zero());
}

void RoundTrip(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  tj::MacAddr mac;
  for (auto& x : mac.b) x = in.ConsumeIntegral<uint8_t>();
  const tj::Address src4 = tj::Address::V4(in.ConsumeIntegral<uint32_t>());
  const tj::Address dst4 = tj::Address::V4(in.ConsumeIntegral<uint32_t>());
  // Our own request names us as its sender, as any ARP packet names its own.
  auto arp = tj::ParseArp(tj::ArpRequestFrame(mac, src4, dst4));
  if (mac.is_zero()) {
    Check(!arp);
  } else {
    Check(arp && arp->addr == src4 && arp->mac == mac);
  }
  std::array<uint8_t, 16> a{}, b{};
  for (auto& x : a) x = in.ConsumeIntegral<uint8_t>();
  for (auto& x : b) x = in.ConsumeIntegral<uint8_t>();
  // A solicitation is not an advertisement.
  Check(!tj::ParseNeighbourAdvert(tj::NeighbourSolicitFrame(mac, tj::Address::V6(a), tj::Address::V6(b))));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ParseArbitraryFrame(std::span<const uint8_t>(data, size));
  RoundTrip(data, size);
  return 0;
}
