#include "support/frame_testing.h"

#include <array>
#include <chrono>

#include "discovery/ping_frames.h"
#include "net/packet.h"
#include "net/wire.h"

namespace tj {

void FakeFrameSource::Push(TestFrame frame) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    frames_.emplace_back(std::chrono::system_clock::now(), std::move(frame));
  }
  ready_.notify_one();
}

int FakeFrameSource::Poll(int timeout_ms, const FrameFn& fn) {
  std::deque<std::pair<std::chrono::system_clock::time_point, TestFrame>> got;
  {
    std::unique_lock<std::mutex> lock(mu_);
    ++polls_;
    last_timeout_ = timeout_ms;
    ready_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [this] { return !frames_.empty(); });
    got.swap(frames_);
  }
  // Outside the lock: fn may make the runner send, and the target push more.
  for (const auto& [at, frame] : got) {
    frame_time_ = at;
    fn(frame);
  }
  return static_cast<int>(got.size());
}

int FakeFrameSource::polls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return polls_;
}

int FakeFrameSource::last_timeout() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_timeout_;
}

Result<size_t> FakeFrameSink::Send(std::span<const std::span<const uint8_t>> frames) {
  for (std::span<const uint8_t> f : frames) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      sent_.emplace_back(f.begin(), f.end());
    }
    if (target_)
      for (TestFrame& reply : target_(f)) replies_->Push(std::move(reply));
  }
  return frames.size();
}

std::vector<TestFrame> FakeFrameSink::sent() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sent_;
}

std::unique_ptr<FakeLink> MakeFakeLink(const RouteInfo& route, FakeFrameSink::Target target) {
  auto fake = std::make_unique<FakeLink>();
  auto rx = std::make_unique<FakeFrameSource>();
  auto tx = std::make_unique<FakeFrameSink>(rx.get(), std::move(target));
  fake->rx = rx.get();
  fake->tx = tx.get();
  fake->link.route = route;
  fake->link.rx = std::move(rx);
  fake->link.tx.push_back(std::move(tx));
  return fake;
}

namespace {

constexpr size_t kEth = 14;

Address AddressAt(const uint8_t* p, bool v6) {
  if (!v6) return Address::V4(wire::Load32(p));
  std::array<uint8_t, 16> b;
  std::copy(p, p + 16, b.begin());
  return Address::V6(b);
}

}  // namespace

std::optional<SeenProbe> ReadProbe(std::span<const uint8_t> f) {
  if (f.size() < kEth + 20) return std::nullopt;
  const uint16_t type = wire::Load16(f.data() + 12);
  if (type != 0x0800 && type != 0x86dd) return std::nullopt;
  const bool v6 = type == 0x86dd;
  const uint8_t* ip = f.data() + kEth;
  SeenProbe p;
  size_t hlen, total;
  if (v6) {
    if (f.size() < kEth + 40) return std::nullopt;
    hlen = 40;
    total = 40 + wire::Load16(ip + 4);
    p.proto = ip[6];
  } else {
    hlen = (ip[0] & 0x0f) * 4u;
    total = wire::Load16(ip + 2);
    p.proto = ip[9];
  }
  if (total > f.size() - kEth || total < hlen + 8) return std::nullopt;
  p.src = AddressAt(ip + (v6 ? 8 : 12), v6);
  p.dst = AddressAt(ip + (v6 ? 24 : 16), v6);
  p.ip = f.subspan(kEth, total);
  const uint8_t* l4 = ip + hlen;
  if (p.proto == 1 || p.proto == 58) {
    p.icmp_type = l4[0];
    p.sport = wire::Load16(l4 + 4);
    p.seq = wire::Load16(l4 + 6);
    return p;
  }
  p.sport = wire::Load16(l4);
  p.dport = wire::Load16(l4 + 2);
  if (p.proto == 6 && total >= hlen + 20) {
    p.seq = wire::Load32(l4 + 4);
    p.ack = wire::Load32(l4 + 8);
    p.flags = l4[13];
  }
  return p;
}

std::optional<Address> ArpTarget(std::span<const uint8_t> f) {
  if (f.size() < kEth + 28 || wire::Load16(f.data() + 12) != 0x0806) return std::nullopt;
  return Address::V4(wire::Load32(f.data() + kEth + 24));
}

TestFrame TcpReplyFrame(const Address& from, uint16_t sport, const Address& to, uint16_t dport, uint8_t flags,
                        uint32_t seq, uint32_t ack) {
  TcpTemplateParams t;
  t.src = from;
  t.flags = flags;
  t.mss_option = false;
  TestFrame f(TcpTemplate::kMaxFrame);
  f.resize(TcpTemplate(t).Fill(f.data(), to, sport, dport, seq, ack));
  return f;
}

TestFrame UdpReplyFrame(const Address& from, uint16_t sport, const Address& to, uint16_t dport) {
  FrameHead h;
  h.src = from;
  h.dst = to;
  return UdpFrame(h, sport, dport);
}

// The ICMP body after its 8-byte header is the quote: as much of the probe
// as fits a minimal error (RFC 792: the IP header and 8 bytes at least).
TestFrame IcmpErrorFrame(const Address& from, uint8_t type, uint8_t code, const SeenProbe& probe) {
  const bool v6 = !from.is_v4();
  FrameHead h;
  h.src = from;
  h.dst = probe.src;
  // An echo request of the right size is the frame an error needs, but for
  // its ICMP header and body: rewritten below.
  TestFrame f = IcmpEchoFrame(h, 0, 0);
  const size_t ip_len = v6 ? 40 : 20, l4 = kEth + ip_len;
  f.resize(l4 + 8);
  f.insert(f.end(), probe.ip.begin(), probe.ip.end());
  uint8_t* ip = f.data() + kEth;
  const size_t icmp_len = f.size() - l4;
  if (v6) {
    wire::Store16(ip + 4, static_cast<uint16_t>(icmp_len));
  } else {
    wire::Store16(ip + 2, static_cast<uint16_t>(ip_len + icmp_len));
    wire::Store16(ip + 10, 0);
    wire::Store16(ip + 10, wire::ChecksumFinish(wire::ChecksumAdd(ip, ip_len)));
  }
  uint8_t* icmp = f.data() + l4;
  std::fill(icmp, icmp + 8, 0);
  icmp[0] = type;
  icmp[1] = code;
  uint32_t sum = 0;
  if (v6) {  // ICMPv6's pseudo-header (RFC 8200 8.1)
    sum = wire::ChecksumAdd(ip + 8, 32);
    sum += static_cast<uint32_t>(icmp_len) + 58;
  }
  wire::Store16(icmp + 2, wire::ChecksumFinish(wire::ChecksumAdd(icmp, icmp_len, sum)));
  return f;
}

TestFrame EchoReplyFrame(const Address& from, const Address& to, uint16_t id, uint16_t seq) {
  FrameHead h;
  h.src = from;
  h.dst = to;
  TestFrame f = IcmpEchoFrame(h, id, seq);
  uint8_t* icmp = f.data() + kEth + (from.is_v4() ? 20 : 40);
  const uint16_t old_word = wire::Load16(icmp);
  icmp[0] = from.is_v4() ? 0 : 129;
  wire::Store16(icmp + 2, wire::ChecksumUpdate16(wire::Load16(icmp + 2), old_word, wire::Load16(icmp)));
  return f;
}

}  // namespace tj
