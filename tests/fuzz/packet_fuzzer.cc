// Fuzzes ParseFrame with the input as a captured frame, and with the same
// bytes choosing the fields of a TcpTemplate probe that must build with
// checksums that verify from scratch and parse back to what was put in.
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "net/packet.h"
#include "net/wire.h"

namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

void ParseArbitraryFrame(std::span<const uint8_t> frame) {
  tj::ParseStats s;
  const auto r = tj::ParseFrame(frame, &s);
  // Every frame is counted once, as read or under one reason.
  Check(s.parsed + s.truncated + s.malformed + s.unsupported + s.bad_quote == 1);
  Check(s.parsed == (r ? 1u : 0u));
  if (!r) return;
  Check(r->src.family() == r->dst.family());
  if (r->kind == tj::Reply::Kind::kUdp) Check(r->payload_len + 8 <= frame.size());
  if (r->kind == tj::Reply::Kind::kIcmpError) {
    Check(r->quoted.proto == 6 || r->quoted.proto == 17);
    Check(r->quoted.src.family() == r->src.family() && r->quoted.dst.family() == r->src.family());
    if (r->quoted.proto == 17) Check(r->quoted.seq == 0);
  }
}

tj::Address ConsumeAddress(FuzzedDataProvider& in, bool v6) {
  if (!v6) return tj::Address::V4(in.ConsumeIntegral<uint32_t>());
  std::array<uint8_t, 16> b{};
  for (auto& x : b) x = in.ConsumeIntegral<uint8_t>();
  return tj::Address::V6(b);
}

// The TCP checksum of a built frame must make the pseudo-header and the
// segment sum to 0xffff, computed here without the template's shortcuts.
bool TcpChecksumVerifies(const uint8_t* f, size_t len, bool v6) {
  const uint8_t* ip = f + 14;
  const size_t ip_len = v6 ? 40 : 20;
  const size_t seg = len - 14 - ip_len;
  std::vector<uint8_t> pseudo(v6 ? ip + 8 : ip + 12, ip + (v6 ? 40 : 20));
  const uint8_t tail4[] = {0, 6, 0, static_cast<uint8_t>(seg)};
  const uint8_t tail6[] = {0, 0, 0, static_cast<uint8_t>(seg), 0, 0, 0, 6};
  if (v6) {
    pseudo.insert(pseudo.end(), tail6, tail6 + 8);
  } else {
    pseudo.insert(pseudo.end(), tail4, tail4 + 4);
  }
  pseudo.insert(pseudo.end(), ip + ip_len, f + len);
  return tj::wire::ChecksumFinish(tj::wire::ChecksumAdd(pseudo.data(), pseudo.size())) == 0;
}

void TemplateRoundTrip(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const bool v6 = in.ConsumeBool();
  tj::TcpTemplateParams p;
  p.src = ConsumeAddress(in, v6);
  p.flags = in.ConsumeIntegral<uint8_t>();
  p.window = in.ConsumeIntegral<uint16_t>();
  p.ttl = in.ConsumeIntegral<uint8_t>();
  p.mss_option = in.ConsumeBool();
  for (auto& x : p.src_mac.b) x = in.ConsumeIntegral<uint8_t>();
  const tj::TcpTemplate t(p);
  const tj::Address dst = ConsumeAddress(in, v6);
  const auto sport = in.ConsumeIntegral<uint16_t>(), dport = in.ConsumeIntegral<uint16_t>();
  const auto seq = in.ConsumeIntegral<uint32_t>(), ack = in.ConsumeIntegral<uint32_t>();

  std::array<uint8_t, tj::TcpTemplate::kMaxFrame> f;
  const size_t len = t.Fill(f.data(), dst, sport, dport, seq, ack);
  Check(len == 14 + (v6 ? 40u : 20u) + (p.mss_option ? 24u : 20u));
  if (!v6) Check(tj::wire::ChecksumFinish(tj::wire::ChecksumAdd(f.data() + 14, 20)) == 0);
  Check(TcpChecksumVerifies(f.data(), len, v6));

  tj::ParseStats s;
  const auto r = tj::ParseFrame(std::span<const uint8_t>(f.data(), len), &s);
  Check(r && r->kind == tj::Reply::Kind::kTcp);
  Check(r->src == p.src && r->dst == dst && r->ttl == p.ttl);
  Check(r->sport == sport && r->dport == dport && r->seq == seq && r->ack == ack);
  Check(r->flags == p.flags && r->window == p.window);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ParseArbitraryFrame(std::span<const uint8_t>(data, size));
  TemplateRoundTrip(data, size);
  return 0;
}
