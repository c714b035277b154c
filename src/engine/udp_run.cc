// RunUdp: one host group over one link. A receive thread (receive_loop.h)
// reads answers from the capture ring and queues them; the calling thread
// sends, drains the queue into each host's UdpHostPlan, and sends the
// rounds the plans ask for. Open ports are reported the moment their answer arrives; the
// rest when their host is decided.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>

#include "engine/receive_loop.h"
#include "engine/rtt.h"
#include "engine/udp_engine.h"
#include "engine/udp_match.h"

namespace tj {
namespace {

using Clock = std::chrono::steady_clock;

struct Answer {
  uint32_t host, port;
  uint16_t lane;
  bool icmp;
  Verdict verdict;
  bool from_host;
  uint8_t ttl;
  Clock::time_point at;
};

class UdpRun {
 public:
  UdpRun(RawLink& link, const UdpRunParams& p, const std::vector<RawHost>& hosts,
         const std::vector<uint16_t>& ports, ResultSink* sink, UdpStats* stats);
  std::vector<HostOutcome> Run();

 private:
  static constexpr size_t kBatch = 32;
  bool Stopped() const { return p_.stop && p_.stop->load(std::memory_order_relaxed); }
  double Seconds(Clock::time_point t) const { return std::chrono::duration<double>(t - start_).count(); }
  uint32_t Tag(uint32_t host, uint32_t port, uint16_t lane) const;
  std::optional<Answer> OnFrame(std::span<const uint8_t> frame);  // the receive thread
  void Send(uint32_t host, const UdpProbeRef& probe);
  void Flush();
  void Drain();
  void Report(uint32_t host, uint32_t port);
  void FinishHost(uint32_t host, bool timed_out);

  RawLink& link_;
  const UdpRunParams& p_;
  const std::vector<RawHost>& hosts_;
  const std::vector<uint16_t>& ports_;
  ResultSink* sink_;
  UdpStats* stats_;
  const bool v6_;
  uint16_t sport_base_;
  std::unordered_map<Address, uint32_t, AddressHash> host_index_;
  std::unordered_map<Address, uint16_t, AddressHash> lane_index_;
  UdpMatchContext match_;
  std::vector<UdpHostPlan> plans_;
  std::vector<HostOutcome> out_;
  std::vector<std::vector<uint8_t>> reported_;            // per host, per port
  std::vector<std::vector<uint8_t>> ttl_;
  std::vector<std::vector<Clock::time_point>> sent_at_;  // first send of each port
  std::vector<std::vector<uint16_t>> sends_;             // sends of each port, canaries included
  std::vector<uint8_t> finished_;
  Clock::time_point start_;
  RttEstimator rtt_;
  double rate_;  // datagrams per second at most
  // Sending (control thread only).
  std::vector<std::array<uint8_t, kMaxUdpFrame>> frames_{kBatch};
  std::vector<std::span<const uint8_t>> spans_{kBatch};
  size_t pending_ = 0;
  Clock::time_point pace_start_;
  uint64_t paced_ = 0;
  // Receiving.
  std::atomic<uint64_t> foreign_{0};
  ParseStats parse_;  // receive thread only until joined
  ReceiveLoop<Answer> rx_;  // last: its thread calls OnFrame, so it stops first
};

UdpRun::UdpRun(RawLink& link, const UdpRunParams& p, const std::vector<RawHost>& hosts,
               const std::vector<uint16_t>& ports, ResultSink* sink, UdpStats* stats)
    : link_(link), p_(p), hosts_(hosts), ports_(ports), sink_(sink), stats_(stats),
      v6_(!link.route.src.is_v4()), rtt_(p.timing),
      rx_(*link.rx, [this](std::span<const uint8_t> f) { return OnFrame(f); }) {
  // Our source port names the probed port: base + its index, so an answer
  // from a service that replies from another port (TFTP) is still placed.
  // A random base keeps concurrent scans apart.
  const uint32_t room = 65535 - 1024 - static_cast<uint32_t>(ports.size());
  sport_base_ = static_cast<uint16_t>(1024 + std::random_device{}() % std::max<uint32_t>(room, 1));
  for (uint32_t i = 0; i < hosts.size(); ++i) host_index_.emplace(hosts[i].addr, i);
  for (uint16_t i = 0; i < p.lanes.size(); ++i) lane_index_.emplace(p.lanes[i], i);
  match_.hosts = &host_index_;
  match_.lanes = &lane_index_;
  match_.ports = &ports;
  match_.sport_base = sport_base_;
  match_.v6 = v6_;
  match_.tag = [this](uint32_t h, uint32_t port, uint16_t lane) { return Tag(h, port, lane); };
  UdpPlanOptions po;
  po.fast = p.fast;
  // nmap's -T5 gives two tries; the others more. Silent hosts get at most
  // three tries: UDP silence is not loss to recover but the answer.
  po.silent_tries = std::clamp(p.timing.max_retries + 1, 1, 3);
  po.strikes = p.timing.max_retries <= 2 ? 1 : 2;
  if (p.fast) po.quiet_proof = 1.2;  // one refill of Linux's default rate
  plans_.assign(hosts.size(), UdpHostPlan(ports.size(), p.lanes.size(), po));
  out_.resize(hosts.size());
  for (size_t i = 0; i < hosts.size(); ++i) out_[i].addr = hosts[i].addr;
  reported_.assign(hosts.size(), std::vector<uint8_t>(ports.size()));
  ttl_.assign(hosts.size(), std::vector<uint8_t>(ports.size()));
  sent_at_.assign(hosts.size(), std::vector<Clock::time_point>(ports.size()));
  sends_.assign(hosts.size(), std::vector<uint16_t>(ports.size()));
  finished_.assign(hosts.size(), 0);
  // The first round goes out at a pace a host's socket buffers and the
  // link take without loss; later rounds are small.
  rate_ = p.timing.max_rate > 0 ? p.timing.max_rate : std::max(20000.0, p.timing.min_rate);
  if (p.timing.scan_delay.count() > 0) rate_ = std::min(rate_, 1e6 / static_cast<double>(p.timing.scan_delay.count()));
}

uint32_t UdpRun::Tag(uint32_t host, uint32_t port, uint16_t lane) const {
  uint32_t c = p_.key->Cookie(hosts_[host].addr, ports_[port], p_.lanes[lane], static_cast<uint16_t>(sport_base_ + port));
  return v6_ ? c & 0xfffff : c & 0xffff;
}

std::optional<Answer> UdpRun::OnFrame(std::span<const uint8_t> frame) {
  auto r = ParseFrame(frame, &parse_);
  if (!r) return std::nullopt;
  UdpMiss miss;
  auto m = MatchUdpReply(*r, match_, &miss);
  if (!m) {
    if (miss == UdpMiss::kForeign) foreign_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
  }
  return Answer{m->host, m->port, m->lane, m->icmp, m->verdict, m->from_host, r->ttl, Clock::now()};
}

void UdpRun::Send(uint32_t host, const UdpProbeRef& probe) {
  const uint16_t dport = ports_[probe.port];
  if (sends_[host][probe.port]++ == 0) sent_at_[host][probe.port] = Clock::now();
  UdpFrameParams f;
  f.src_mac = link_.route.src_mac;
  f.dst_mac = hosts_[host].next_hop;
  f.src = p_.lanes[probe.lane];
  f.dst = hosts_[host].addr;
  f.sport = static_cast<uint16_t>(sport_base_ + probe.port);
  f.dport = dport;
  f.tag = Tag(host, probe.port, probe.lane);
  for (const UdpPayload* payload : p_.payloads->For(dport)) {
    if (pending_ == kBatch) Flush();
    size_t len = BuildUdpFrame(frames_[pending_].data(), kMaxUdpFrame, f, payload->bytes);
    if (len == 0) continue;
    spans_[pending_] = std::span<const uint8_t>(frames_[pending_].data(), len);
    ++pending_;
  }
}

void UdpRun::Flush() {
  if (pending_ == 0) return;
  // Paced: datagram k goes out at k / rate.
  auto due = pace_start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(paced_ / rate_));
  auto now = Clock::now();
  if (due > now) std::this_thread::sleep_until(due);
  else if (now - due > std::chrono::milliseconds(50)) pace_start_ = now, paced_ = 0;
  paced_ += pending_;
  size_t done = 0;
  while (done < pending_) {
    auto sent = link_.tx[0]->Send(std::span(spans_.data() + done, pending_ - done));
    if (!sent) break;
    if (*sent == 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      continue;
    }
    done += *sent;
  }
  stats_->sent += done;
  if (p_.probes_sent) p_.probes_sent->fetch_add(done, std::memory_order_relaxed);
  pending_ = 0;
}

void UdpRun::Report(uint32_t host, uint32_t port) {
  auto v = plans_[host].VerdictOf(port);
  if (!v || reported_[host][port]) return;
  reported_[host][port] = 1;
  PortResult r;
  r.addr = hosts_[host].addr;
  r.port = ports_[port];
  r.proto = Proto::kUdp;
  r.state = v->state;
  r.reason = v->reason;
  r.reason_ttl = ttl_[host][port];
  r.tries = plans_[host].Tries(port);
  out_[host].ports.push_back(r);
  if (sink_) sink_->OnPort(r);
}

void UdpRun::Drain() {
  for (const Answer& a : rx_.Drain()) {
    UdpHostPlan& plan = plans_[a.host];
    const bool was_decided = plan.VerdictOf(a.port).has_value();
    if (a.icmp) {
      ++stats_->icmp_errors;
      plan.OnIcmp(a.port, a.lane, a.verdict, a.from_host, Seconds(a.at));
    } else {
      ++stats_->udp_replies;
      plan.OnUdp(a.port);
    }
    ++stats_->answers;
    if (!was_decided) ttl_[a.host][a.port] = a.ttl;
    // Karn's rule: only an answer to a port sent once times the path.
    if (sends_[a.host][a.port] == 1)
      rtt_.AddSample(std::chrono::duration_cast<std::chrono::microseconds>(a.at - sent_at_[a.host][a.port]));
    HostOutcome& o = out_[a.host];
    if (a.from_host && !o.up) {
      o.up = true;
      o.up_reason = a.verdict.reason;
    }
    // Open ports are news: out at once. The rest wait for their host.
    if (!a.icmp && !finished_[a.host]) Report(a.host, a.port);
  }
}

void UdpRun::FinishHost(uint32_t host, bool timed_out) {
  if (finished_[host]) return;
  finished_[host] = 1;
  if (timed_out) plans_[host].Abandon();
  out_[host].timed_out = timed_out;
  for (uint32_t p = 0; p < ports_.size(); ++p) Report(host, p);
  const UdpHostPlan& plan = plans_[host];
  if (plan.limited()) {
    ++stats_->limited_hosts;
    stats_->icmp_rate = std::max(stats_->icmp_rate, plan.icmp_rate());
  }
  stats_->icmp_burst = std::max(stats_->icmp_burst, plan.burst());
}

std::vector<HostOutcome> UdpRun::Run() {
  rx_.Start();
  start_ = pace_start_ = Clock::now();
  // The first round: every port of every host, hosts interleaved so no
  // host sees a burst it could drop.
  std::vector<std::vector<UdpProbeRef>> first(hosts_.size());
  for (uint32_t h = 0; h < hosts_.size(); ++h) first[h] = plans_[h].FirstRound(0);
  for (size_t i = 0; i < ports_.size() && !Stopped(); ++i) {
    for (uint32_t h = 0; h < hosts_.size(); ++h) Send(h, first[h][i]);
    if (i % 64 == 0) Drain();
  }
  Flush();
  const auto host_timeout = p_.timing.host_timeout;
  size_t left = hosts_.size();
  while (left > 0 && !Stopped()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    Drain();
    const auto now_tp = Clock::now();
    const double now = Seconds(now_tp);
    const double wait = std::chrono::duration<double>(rtt_.Timeout()).count();
    for (uint32_t h = 0; h < hosts_.size(); ++h) {
      if (finished_[h]) continue;
      UdpHostPlan& plan = plans_[h];
      plan.Judge(now, wait);
      const bool timed_out = host_timeout.count() > 0 && now_tp - start_ > host_timeout;
      if (plan.Done() || timed_out) {
        FinishHost(h, timed_out && !plan.Done());
        --left;
        continue;
      }
      for (uint16_t lane = 0; lane < p_.lanes.size(); ++lane) {
        auto probes = plan.StartRound(lane, now);
        if (probes.empty()) continue;
        ++stats_->rounds;
        for (const UdpProbeRef& pr : probes) Send(h, pr);
      }
    }
    Flush();
  }
  rx_.Stop();
  Drain();
  // Interrupted: hosts keep only what was decided (a resumed scan asks again).
  for (uint32_t h = 0; h < hosts_.size(); ++h)
    if (!finished_[h])
      for (uint32_t p = 0; p < ports_.size(); ++p) Report(h, p);
  stats_->foreign += foreign_.load();
  stats_->parse += parse_;
  SealOutcomes(&out_, rtt_.srtt());
  return std::move(out_);
}

}  // namespace

Result<std::vector<HostOutcome>> RunUdp(RawLink& link, const UdpRunParams& params, const std::vector<RawHost>& hosts,
                                        const std::vector<uint16_t>& ports, ResultSink* sink, UdpStats* stats) {
  if (hosts.empty() || ports.empty()) return std::vector<HostOutcome>(hosts.size());
  auto run = std::make_unique<UdpRun>(link, params, hosts, ports, sink, stats);
  return run->Run();
}

}  // namespace tj
