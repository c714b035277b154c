#include "discovery/link_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>
#include <unordered_map>

#include "discovery/ping_frames.h"
#include "engine/raw_engine.h"
#include "engine/receive_loop.h"
#include "engine/rtt.h"
#include "net/neighbour_frames.h"
#include "net/packet.h"
#include "probes/icmp_verdict.h"

namespace tj {
namespace {

using Clock = std::chrono::steady_clock;
using us = std::chrono::microseconds;

enum class Kind : uint8_t { kNeighbour, kEcho, kTimestamp, kSyn, kAck, kUdp };

// One probe: to target `who` (or, for kNeighbour, to neighbour `who`).
struct Probe {
  uint32_t who;
  Kind kind;
  uint16_t port = 0;
};

// What the receive thread heard: neighbour `who` told its MAC, or target
// `who` answered a probe. The round trip is taken when the frame is read,
// from the send it answers (a later retransmission must not shorten it).
struct Heard {
  bool neighbour;
  uint32_t who;
  Reason reason = Reason::kNoResponse;  // target only
  uint8_t ttl = 0;                      // target only
  MacAddr mac;                          // neighbour only
  us rtt{0};
};

class LinkRun {
 public:
  LinkRun(RawLink& link, const LinkRunParams& p, const std::vector<LinkTarget>& targets,
          DiscoveryStats* stats);
  std::vector<HostVerdict> Run();

 private:
  static constexpr size_t kBatch = 64;

  bool Stopped() const { return p_.opts->stop && p_.opts->stop->load(std::memory_order_relaxed); }
  bool Settled(const Probe& pr) const {
    return pr.kind == Kind::kNeighbour ? hop_known_[pr.who] : up_[pr.who];
  }
  uint16_t EchoSeq(const Address& host) const {
    return static_cast<uint16_t>(p_.key->Cookie(host, 0, link_.route.src, 0));
  }
  uint32_t TcpCookie(const Address& host, uint16_t dport, uint16_t sport) const {
    return p_.key->Cookie(host, dport, link_.route.src, sport);
  }
  std::vector<uint8_t> Build(const Probe& pr) const;
  void Phase(const std::vector<Probe>& probes);
  void Send(const std::vector<Probe>& probes, bool retransmit);
  // The receive thread.
  std::optional<Heard> OnFrame(std::span<const uint8_t> f);
  std::optional<Heard> OnIp(const Reply& r, int64_t rx_ns);
  // The control thread.
  void Drain();
  void OnNeighbour(const Heard& h);
  void Prove(uint32_t host, Reason why, uint8_t ttl, us latency);
  std::vector<Probe> IpProbes();

  RawLink& link_;
  const LinkRunParams& p_;
  const std::vector<LinkTarget>& targets_;
  DiscoveryStats* stats_;
  const int tries_;
  const double rate_;
  std::vector<Address> hops_;  // neighbours asked: on-link targets and gateways
  std::unordered_map<Address, uint32_t, AddressHash> target_index_, hop_index_;
  // Last send, wall clock ns: written by the control thread, read by the receive thread.
  std::vector<std::atomic<int64_t>> target_sent_, hop_sent_;
  std::atomic<uint64_t> foreign_{0};
  // The control thread's alone.
  std::vector<uint8_t> up_, hop_known_;
  std::vector<HostVerdict> verdicts_;
  std::vector<MacAddr> hop_mac_;
  RttEstimator rtt_;
  ReceiveLoop<Heard> rx_;  // last: its thread calls OnFrame, so it stops first
};

// Send and receive times are on the wall clock, which the capture ring
// stamps frames with (FrameSource::frame_time).
int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

us Between(int64_t sent_ns, int64_t rx_ns) {
  return std::chrono::duration_cast<us>(std::chrono::nanoseconds(rx_ns - sent_ns));
}

LinkRun::LinkRun(RawLink& link, const LinkRunParams& p, const std::vector<LinkTarget>& targets,
                 DiscoveryStats* stats)
    : link_(link), p_(p), targets_(targets), stats_(stats),
      // nmap -T3 sends each discovery probe at most twice; --max-retries 0 once.
      tries_(std::clamp(p.opts->timing.max_retries + 1, 1, 2)),
      rate_(RawRateBounds(p.opts->timing).initial), target_sent_(targets.size()), up_(targets.size()),
      verdicts_(targets.size()), rtt_(p.opts->timing),
      rx_(*link.rx, [this](std::span<const uint8_t> f) { return OnFrame(f); }) {
  for (uint32_t i = 0; i < targets.size(); ++i) {
    target_index_.emplace(targets[i].addr, i);
    const Address hop = targets[i].gateway.value_or(targets[i].addr);
    if (hop_index_.emplace(hop, static_cast<uint32_t>(hops_.size())).second) hops_.push_back(hop);
  }
  hop_known_.resize(hops_.size());
  hop_sent_ = std::vector<std::atomic<int64_t>>(hops_.size());
  hop_mac_.resize(hops_.size());
}

std::vector<uint8_t> LinkRun::Build(const Probe& pr) const {
  const RouteInfo& r = link_.route;
  if (pr.kind == Kind::kNeighbour) {
    const Address& hop = hops_[pr.who];
    return hop.is_v4() ? ArpRequestFrame(r.src_mac, r.src, hop) : NeighbourSolicitFrame(r.src_mac, r.src, hop);
  }
  const LinkTarget& t = targets_[pr.who];
  FrameHead h;
  h.src_mac = r.src_mac;
  h.dst_mac = hop_mac_[hop_index_.at(t.gateway.value_or(t.addr))];
  h.src = r.src;
  h.dst = t.addr;
  const uint16_t base = p_.sport_base;
  switch (pr.kind) {
    case Kind::kEcho: return IcmpEchoFrame(h, p_.icmp_id, EchoSeq(t.addr));
    case Kind::kTimestamp: return IcmpTimestampFrame(h, static_cast<uint16_t>(p_.icmp_id + 1), EchoSeq(t.addr));
    case Kind::kUdp: return UdpFrame(h, static_cast<uint16_t>(base + 2), pr.port);
    default: break;
  }
  // SYN and ACK carry the cookie as their sequence number; the ACK also as
  // its acknowledgement, which a RST answering it echoes (RFC 9293 3.10.7.1).
  const bool syn = pr.kind == Kind::kSyn;
  const uint16_t sport = static_cast<uint16_t>(base + (syn ? 0 : 1));
  TcpTemplateParams tp;
  tp.src_mac = h.src_mac;
  tp.dst_mac = h.dst_mac;
  tp.src = r.src;
  tp.flags = syn ? tcpflag::kSyn : tcpflag::kAck;
  tp.mss_option = syn;
  TcpTemplate tmpl(tp);
  std::vector<uint8_t> f(TcpTemplate::kMaxFrame);
  const uint32_t cookie = TcpCookie(t.addr, pr.port, sport);
  f.resize(tmpl.Fill(f.data(), t.addr, sport, pr.port, cookie, syn ? 0 : cookie));
  std::memcpy(f.data(), h.dst_mac.b.data(), 6);
  if (f.size() < 60) f.resize(60, 0);
  return f;
}

// Sends one pass over the probes of hosts not yet settled, paced at the
// rate the raw engine starts with (or the user's --max-rate / scan delay).
void LinkRun::Send(const std::vector<Probe>& probes, bool retransmit) {
  std::vector<std::vector<uint8_t>> frames;
  std::vector<std::span<const uint8_t>> spans;
  const auto start = Clock::now();
  uint64_t paced = 0;
  auto flush = [&] {
    size_t done = 0;
    while (done < spans.size()) {
      auto n = link_.tx[0]->Send(std::span(spans.data() + done, spans.size() - done));
      if (!n) break;
      if (*n == 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        continue;
      }
      done += *n;
    }
    stats_->sent += done;
    if (retransmit) stats_->retransmits += done;
    if (p_.opts->probes_sent) p_.opts->probes_sent->fetch_add(done, std::memory_order_relaxed);
    frames.clear();
    spans.clear();
    Drain();  // so hosts that answered meanwhile are not asked again
  };
  Drain();
  for (const Probe& pr : probes) {
    if (Stopped()) break;
    if (Settled(pr)) continue;
    frames.push_back(Build(pr));
    spans.emplace_back(frames.back().data(), frames.back().size());
    (pr.kind == Kind::kNeighbour ? hop_sent_ : target_sent_)[pr.who].store(NowNs());
    const size_t batch = std::clamp<size_t>(static_cast<size_t>(rate_ / 1000), 1, kBatch);
    if (frames.size() >= batch) {
      paced += frames.size();
      std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(
                                                std::chrono::duration<double>(paced / rate_)));
      flush();
    }
  }
  if (!frames.empty()) flush();
}

// Passes until every probed host settled or the tries are spent; each pass
// waits the reply timeout after its last probe.
void LinkRun::Phase(const std::vector<Probe>& probes) {
  for (int pass = 0; pass < tries_ && !Stopped(); ++pass) {
    Send(probes, pass > 0);
    const auto sent_at = Clock::now();
    for (;;) {
      Drain();
      if (std::all_of(probes.begin(), probes.end(), [&](const Probe& pr) { return Settled(pr); })) return;
      if (Stopped() || Clock::now() >= sent_at + rtt_.Timeout()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
}

void LinkRun::Prove(uint32_t host, Reason why, uint8_t ttl, us latency) {
  if (up_[host]) return;  // its first answer decides the reason
  HostVerdict& v = verdicts_[host];
  v.up = true;
  v.reason = why;
  v.reason_ttl = ttl;
  v.latency = latency;
  if (v.latency.count() > 0) rtt_.AddSample(v.latency);
  ++stats_->answers;
  up_[host] = 1;
}

void LinkRun::OnNeighbour(const Heard& h) {
  if (hop_known_[h.who]) return;
  hop_mac_[h.who] = h.mac;
  hop_known_[h.who] = 1;
  // The link's round trip, for the IP probes' timeout too.
  if (h.rtt.count() > 0) rtt_.AddSample(h.rtt);
  const Address& addr = hops_[h.who];
  auto t = target_index_.find(addr);
  if (t == target_index_.end() || targets_[t->second].gateway || !p_.opts->probes.neighbour) return;
  Prove(t->second, addr.is_v4() ? Reason::kArpResponse : Reason::kNdResponse, 0, h.rtt);
}

void LinkRun::Drain() {
  for (const Heard& h : rx_.Drain()) {
    if (h.neighbour) OnNeighbour(h);
    else Prove(h.who, h.reason, h.ttl, h.rtt);
  }
}

// Which probe, if any, a reply answers; the cookie (TCP), the identifier and
// sequence (ICMP) or our port (UDP) must match, and an ICMP error counts
// only when the host itself sent it (a router's says nothing of the host).
std::optional<Heard> LinkRun::OnIp(const Reply& r, int64_t rx_ns) {
  const Address& me = link_.route.src;
  const uint16_t base = p_.sport_base;
  Address host;
  std::optional<Reason> why;
  switch (r.kind) {
    case Reply::Kind::kTcp: {
      host = r.src;
      if (r.dst != me) break;
      const bool rst = r.flags & tcpflag::kRst;
      if (r.dport == base) {
        if (r.ack != TcpCookie(host, r.sport, base) + 1) break;
        const bool synack = (r.flags & (tcpflag::kSyn | tcpflag::kAck)) == (tcpflag::kSyn | tcpflag::kAck);
        if (rst) why = Reason::kReset;
        else if (synack) why = Reason::kSynAck;
      } else if (r.dport == base + 1 && rst && r.seq == TcpCookie(host, r.sport, static_cast<uint16_t>(base + 1))) {
        why = Reason::kReset;
      }
      break;
    }
    case Reply::Kind::kUdp:
      host = r.src;
      if (r.dst == me && r.dport == base + 2) why = Reason::kUdpResponse;
      break;
    case Reply::Kind::kIcmpEchoReply:
    case Reply::Kind::kIcmpTimestampReply: {
      host = r.src;
      const bool echo = r.kind == Reply::Kind::kIcmpEchoReply;
      const uint16_t id = static_cast<uint16_t>(p_.icmp_id + (echo ? 0 : 1));
      if (r.dst == me && r.sport == id && r.seq == EchoSeq(host))
        why = echo ? Reason::kEchoReply : Reason::kTimestampReply;
      break;
    }
    case Reply::Kind::kIcmpError: {
      const auto& q = r.quoted;
      host = q.dst;
      if (q.src != me || r.src != host) break;
      bool ours = false;
      if (q.proto == 6 && (q.sport == base || q.sport == base + 1))
        ours = q.seq == TcpCookie(host, q.dport, q.sport);
      if (q.proto == 17) ours = q.sport == base + 2;
      if (ours) why = ClassifyIcmp(!me.is_v4(), r.icmp_type, r.icmp_code).reason;
      break;
    }
  }
  auto t = target_index_.find(host);
  if (!why || t == target_index_.end()) {
    foreign_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  const us rtt = Between(target_sent_[t->second].load(), rx_ns);
  return Heard{false, t->second, *why, r.ttl, MacAddr{}, rtt};
}

std::optional<Heard> LinkRun::OnFrame(std::span<const uint8_t> f) {
  const auto at = link_.rx->frame_time().time_since_epoch();
  int64_t rx_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(at).count();
  if (rx_ns <= 0) rx_ns = NowNs();
  if (auto n = link_.route.src.is_v4() ? ParseArp(f) : ParseNeighbourAdvert(f)) {
    auto hop = hop_index_.find(n->addr);
    if (hop == hop_index_.end()) return std::nullopt;  // a neighbour we did not ask about
    const us rtt = Between(hop_sent_[hop->second].load(), rx_ns);
    return Heard{true, hop->second, Reason::kNoResponse, 0, n->mac, rtt};
  }
  ParseStats ignored;
  if (auto r = ParseFrame(f, &ignored)) return OnIp(*r, rx_ns);
  return std::nullopt;
}

// The IP probes of every host still undecided that can be reached: its
// next hop answered. On the link with neighbour discovery on, silence to
// ARP/NDP already means down, as for nmap's -PR.
std::vector<Probe> LinkRun::IpProbes() {
  const DiscoveryProbes& want = p_.opts->probes;
  std::vector<uint32_t> hosts;
  for (uint32_t i = 0; i < targets_.size(); ++i) {
    const LinkTarget& t = targets_[i];
    if (up_[i] || (!t.gateway && want.neighbour)) continue;
    if (hop_known_[hop_index_.at(t.gateway.value_or(t.addr))]) hosts.push_back(i);
  }
  // Kind by kind, so that probes in a row go to different hosts.
  std::vector<Probe> out;
  auto each = [&](Kind k, uint16_t port) {
    for (uint32_t h : hosts) out.push_back({h, k, port});
  };
  if (want.echo) each(Kind::kEcho, 0);
  for (uint16_t port : want.syn) each(Kind::kSyn, port);
  for (uint16_t port : want.ack) each(Kind::kAck, port);
  if (want.timestamp && link_.route.src.is_v4()) each(Kind::kTimestamp, 0);
  for (uint16_t port : want.udp) each(Kind::kUdp, port);
  return out;
}

std::vector<HostVerdict> LinkRun::Run() {
  rx_.Start();
  std::vector<Probe> ask;
  for (uint32_t i = 0; i < hops_.size(); ++i) ask.push_back({i, Kind::kNeighbour});
  Phase(ask);
  Drain();  // a neighbour that answered late still gets the IP probes
  Phase(IpProbes());
  rx_.Stop();
  Drain();
  stats_->foreign += foreign_.load();
  for (uint32_t i = 0; i < targets_.size(); ++i) {
    const uint32_t first = target_index_.at(targets_[i].addr);  // a repeated address shares its verdict
    if (first != i) verdicts_[i] = verdicts_[first];
    if (!targets_[i].gateway) verdicts_[i].mac = hop_mac_[hop_index_.at(targets_[i].addr)];
    if (!verdicts_[i].up) verdicts_[i].latency = us(0);
  }
  return std::move(verdicts_);
}

}  // namespace

std::string DiscoveryFilter(const RouteInfo& route, uint16_t sport_base) {
  const std::string ports = fmt::format("(tcp or udp) and dst portrange {}-{}", sport_base, sport_base + 2);
  const std::string src = route.src.ToString();
  if (route.src.is_v4()) return fmt::format("arp or (dst host {} and (icmp or ({})))", src, ports);
  return fmt::format("dst host {} and (icmp6 or ({}))", src, ports);
}

std::vector<HostVerdict> RunOnLink(RawLink& link, const LinkRunParams& p,
                                   const std::vector<LinkTarget>& targets, DiscoveryStats* stats) {
  if (targets.empty()) return {};
  auto run = std::make_unique<LinkRun>(link, p, targets, stats);
  return run->Run();
}

}  // namespace tj
