// Fuzzes the -sU reply path: ParseFrame then MatchUdpReply on arbitrary
// frames (nothing may crash, and any match must name a probe that exists);
// and a round trip: a probe built with BuildUdpFrame from fuzzed fields has
// a UDP checksum that verifies from scratch, and an ICMP port unreachable
// from the host quoting it is matched back to that probe, closed.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "engine/udp_match.h"
#include "net/packet.h"
#include "net/wire.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

struct Fixture {
  std::unordered_map<tj::Address, uint32_t, tj::AddressHash> hosts{{tj::Address::V4(0xC6120002), 0},
                                                                   {tj::Address::V4(0xC6120003), 1}};
  std::unordered_map<tj::Address, uint16_t, tj::AddressHash> lanes{{tj::Address::V4(0xC6120001), 0},
                                                                   {tj::Address::V4(0xC612000A), 1}};
  std::vector<uint16_t> ports{53, 123, 161, 1000, 40000};
  tj::UdpMatchContext ctx;
  Fixture() {
    ctx.hosts = &hosts;
    ctx.lanes = &lanes;
    ctx.ports = &ports;
    ctx.sport_base = 40100;
    ctx.tag = [](uint32_t h, uint32_t p, uint16_t l) { return (h * 7919 + p * 31 + l) & 0xffff; };
  }
};

void Arbitrary(const Fixture& f, std::span<const uint8_t> frame) {
  auto r = tj::ParseFrame(frame, nullptr);
  if (!r) return;
  tj::UdpMiss miss;
  auto m = tj::MatchUdpReply(*r, f.ctx, &miss);
  Check(m.has_value() == (miss == tj::UdpMiss::kNone));
  if (!m) return;
  Check(m->host < f.hosts.size() && m->lane < f.lanes.size() && m->port < f.ports.size());
  if (m->verdict.state == tj::PortState::kClosed) Check(m->icmp && m->from_host);
  if (!m->icmp) Check(m->verdict.state == tj::PortState::kOpen);
}

void RoundTrip(const Fixture& f, FuzzedDataProvider& in) {
  const uint32_t host = in.ConsumeIntegralInRange<uint32_t>(0, 1);
  const uint16_t lane = in.ConsumeIntegralInRange<uint16_t>(0, 1);
  const uint32_t port = in.ConsumeIntegralInRange<uint32_t>(0, static_cast<uint32_t>(f.ports.size() - 1));
  std::vector<uint8_t> payload = in.ConsumeBytes<uint8_t>(in.ConsumeIntegralInRange<size_t>(0, 1400));
  tj::UdpFrameParams p;
  p.src = lane ? tj::Address::V4(0xC612000A) : tj::Address::V4(0xC6120001);
  p.dst = host ? tj::Address::V4(0xC6120003) : tj::Address::V4(0xC6120002);
  p.sport = static_cast<uint16_t>(f.ctx.sport_base + port);
  p.dport = f.ports[port];
  p.tag = f.ctx.tag(host, port, lane);
  std::vector<uint8_t> probe(tj::kMaxUdpFrame);
  size_t len = tj::BuildUdpFrame(probe.data(), probe.size(), p, payload);
  Check(len == 14 + 20 + 8 + payload.size());
  // The UDP checksum verifies over pseudo-header and datagram.
  const uint8_t* ip = probe.data() + 14;
  const size_t udp_len = 8 + payload.size();
  uint32_t sum = tj::wire::ChecksumAdd(ip + 12, 8);
  sum += 17 + static_cast<uint32_t>(udp_len);
  Check(tj::wire::ChecksumFinish(tj::wire::ChecksumAdd(ip + 20, udp_len, sum)) == 0);
  Check(tj::wire::ChecksumFinish(tj::wire::ChecksumAdd(ip, 20)) == 0);
  // The host's port unreachable quotes the IP header and 8 bytes or more.
  const size_t quote = 20 + 8 + in.ConsumeIntegralInRange<size_t>(0, payload.size());
  std::vector<uint8_t> err(14 + 20 + 8 + quote);
  std::memcpy(err.data() + 12, "\x08\x00", 2);
  uint8_t* eip = err.data() + 14;
  eip[0] = 0x45;
  tj::wire::Store16(eip + 2, static_cast<uint16_t>(20 + 8 + quote));
  eip[8] = 64;
  eip[9] = 1;
  std::memcpy(eip + 12, ip + 16, 4);  // from the host
  std::memcpy(eip + 16, ip + 12, 4);  // to us
  eip[20] = 3;                        // destination unreachable
  eip[21] = 3;                        // port unreachable
  std::memcpy(eip + 28, ip, quote);
  auto r = tj::ParseFrame(err, nullptr);
  Check(r.has_value());
  tj::UdpMiss miss;
  auto m = tj::MatchUdpReply(*r, f.ctx, &miss);
  Check(m && m->host == host && m->port == port && m->lane == lane && m->from_host);
  Check(m->verdict.state == tj::PortState::kClosed && m->verdict.reason == tj::Reason::kPortUnreach);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Fixture f;
  Arbitrary(f, std::span<const uint8_t>(data, size));
  FuzzedDataProvider in(data, size);
  RoundTrip(f, in);
  return 0;
}
