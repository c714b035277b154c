#include "engine/raw_run.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "engine/rtt.h"

namespace tj {
namespace {

using Clock = std::chrono::steady_clock;
using us = std::chrono::microseconds;

// What the receive thread hands the control thread for one answered pair.
struct Answer {
  uint64_t index;
  Verdict verdict;
  uint8_t ttl;
  uint8_t pass;
  bool from_host;  // the host itself answered (not a router's ICMP)
  us rtt;
};

class RawRun {
 public:
  RawRun(RawLink& link, const RawRunParams& p, const std::vector<RawHost>& hosts,
         const std::vector<uint16_t>& ports, ResultSink* sink, RawStats* stats);
  std::vector<HostOutcome> Run();

 private:
  static constexpr size_t kBatch = 64;
  static constexpr size_t kSamples = 4096;  // RTT samples: slot = index % kSamples

  bool Answered(uint64_t i) const { return bits_[i / 64].load(std::memory_order_relaxed) >> (i % 64) & 1; }
  bool Stopped() const { return p_.stop && p_.stop->load(std::memory_order_relaxed); }
  void Receive();
  void OnFrame(std::span<const uint8_t> frame);
  struct Sender;
  void SendPass(int pass);
  void SendSlice(int pass, size_t slice, size_t slices, Sender& s);
  void Flush(Sender& s, size_t n);
  void Pace(Sender& s, size_t n, size_t senders);
  void WaitForAnswers();
  void Adapt(Clock::time_point now);
  void Drain();
  void Finish();

  RawLink& link_;
  const RawRunParams& p_;
  const std::vector<RawHost>& hosts_;
  const std::vector<uint16_t>& ports_;
  ResultSink* sink_;
  RawStats* stats_;
  const uint64_t n_;
  Permutation perm_;
  TcpTemplate tmpl_;
  std::unordered_map<Address, uint32_t, AddressHash> host_index_;
  std::vector<int32_t> port_index_;
  std::vector<std::atomic<uint64_t>> bits_;
  std::array<std::atomic<uint64_t>, kSamples> sample_index_{};  // index + 1; 0 = empty
  std::array<std::atomic<int64_t>, kSamples> sample_ns_{};
  std::array<std::atomic<uint64_t>, kMaxPasses> tcp_answers_{};  // per pass tag
  std::mutex mu_;
  std::vector<Answer> queue_;  // guarded by mu_
  std::atomic<bool> rx_done_{false};
  std::atomic<uint64_t> foreign_{0};
  std::atomic<uint64_t> rx_answers_{0};  // every answer recognised, for the in-pass rate epochs
  // In-pass rate epochs (control thread only).
  Clock::time_point epoch_start_;
  uint64_t epoch_sent_base_ = 0, prev_epoch_sent_ = 0, epoch_answers_base_ = 0, epoch_drops_base_ = 0;
  std::atomic<uint64_t> sent_total_{0};  // probes sent by every sender
  std::atomic<double> rate_now_{1};      // the controller's rate, for the senders
  ParseStats parse_;  // receive thread only until joined
  RttEstimator rtt_;
  std::vector<HostOutcome> out_;
  Clock::time_point last_send_;
  uint64_t answered_ = 0;  // pairs answered so far (drained)
};

TcpTemplateParams TemplateFor(const RawLink& link, const TcpProbe& probe) {
  TcpTemplateParams t;
  t.src_mac = link.route.src_mac;
  t.src = link.route.src;
  t.flags = probe.flags();
  t.mss_option = probe.flags() == tcpflag::kSyn;
  return t;
}

RawRun::RawRun(RawLink& link, const RawRunParams& p, const std::vector<RawHost>& hosts,
               const std::vector<uint16_t>& ports, ResultSink* sink, RawStats* stats)
    : link_(link), p_(p), hosts_(hosts), ports_(ports), sink_(sink), stats_(stats),
      n_(uint64_t{hosts.size()} * ports.size()), perm_(std::max<uint64_t>(n_, 1), p.seed),
      tmpl_(TemplateFor(link, *p.probe)), port_index_(65536, -1), bits_(n_ / 64 + 1), rtt_(p.timing) {
  for (uint32_t i = 0; i < hosts.size(); ++i) host_index_.emplace(hosts[i].addr, i);
  for (uint32_t i = 0; i < ports.size(); ++i) port_index_[ports[i]] = static_cast<int32_t>(i);
  out_.resize(hosts.size());
  for (size_t i = 0; i < hosts.size(); ++i) out_[i].addr = hosts[i].addr;
}

// Index layout: host varies fastest, so neighbouring indices are different
// hosts; the permutation spreads them further.
void RawRun::OnFrame(std::span<const uint8_t> frame) {
  auto r = ParseFrame(frame, &parse_);
  if (!r) return;
  const Address& us_addr = link_.route.src;
  Address them;
  uint16_t their_port, our_port;
  if (r->kind == Reply::Kind::kTcp && r->dst == us_addr) {
    them = r->src, their_port = r->sport, our_port = r->dport;
  } else if (r->kind == Reply::Kind::kIcmpError && r->quoted.proto == 6 && r->quoted.src == us_addr) {
    them = r->quoted.dst, their_port = r->quoted.dport, our_port = r->quoted.sport;
  } else {
    return;  // not a reply to a TCP probe of ours (the filter lets some through)
  }
  unsigned pass = static_cast<uint16_t>(our_port - p_.sport_base);
  auto h = host_index_.find(them);
  int32_t port = port_index_[their_port];
  if (pass >= kMaxPasses || h == host_index_.end() || port < 0) {
    foreign_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  uint32_t cookie = p_.key->Cookie(them, their_port, us_addr, our_port);
  std::optional<Verdict> v;
  if (r->kind == Reply::Kind::kTcp) {
    if (p_.probe->Matches(*r, cookie)) v = p_.probe->OnTcp(*r);
  } else if (r->quoted.seq == cookie) {
    v = p_.probe->OnIcmp(*r);
  }
  if (!v) {
    foreign_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  uint64_t index = uint64_t(port) * hosts_.size() + h->second;
  uint64_t mask = uint64_t{1} << (index % 64);
  if (bits_[index / 64].fetch_or(mask) & mask) return;  // a duplicate answer
  if (r->kind == Reply::Kind::kTcp) tcp_answers_[pass].fetch_add(1, std::memory_order_relaxed);
  rx_answers_.fetch_add(1, std::memory_order_relaxed);
  us rtt{0};
  size_t slot = index % kSamples;
  if (sample_index_[slot].load(std::memory_order_acquire) == index + 1) {
    int64_t sent = sample_ns_[slot].load(std::memory_order_relaxed);
    rtt = std::chrono::duration_cast<us>(Clock::now().time_since_epoch() - std::chrono::nanoseconds(sent));
  }
  std::lock_guard<std::mutex> lock(mu_);
  queue_.push_back({index, *v, r->ttl, static_cast<uint8_t>(pass), r->src == them, rtt});
}

void RawRun::Receive() {
  auto fn = [this](std::span<const uint8_t> f) { OnFrame(f); };
  while (!rx_done_.load(std::memory_order_relaxed)) link_.rx->Poll(5, fn);
  link_.rx->Poll(0, fn);
}

// One sending thread's state. Each sender takes every T-th position of the
// pass, has its own socket, and paces itself at rate / T.
struct RawRun::Sender {
  PacketSender* tx = nullptr;
  std::vector<std::array<uint8_t, TcpTemplate::kMaxFrame>> frames = decltype(frames)(kBatch);
  std::vector<std::span<const uint8_t>> spans = decltype(spans)(kBatch);
  Clock::time_point pace_start;
  uint64_t paced = 0;
  uint64_t sent = 0, retransmits = 0;
};

void RawRun::Flush(Sender& s, size_t n) {
  size_t done = 0;
  while (done < n) {
    auto sent = s.tx->Send(std::span(s.spans.data() + done, n - done));
    if (!sent) break;
    if (*sent == 0) {
      // The interface queue is full: let it drain rather than lose probes.
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      continue;
    }
    done += *sent;
  }
  s.sent += done;
  sent_total_.fetch_add(done, std::memory_order_relaxed);
  if (p_.probes_sent) p_.probes_sent->fetch_add(done, std::memory_order_relaxed);
}

// Holds the sender until its next batch is due: probe k of the pass goes
// out at k / (its share of the rate), so even the first batch is paced and
// a low --max-rate is kept from the first probe. A sender that fell behind
// does not burst to catch up.
void RawRun::Pace(Sender& s, size_t n, size_t senders) {
  double rate = rate_now_.load(std::memory_order_relaxed) / senders;
  auto due = s.pace_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s.paced / rate));
  auto now = Clock::now();
  if (due > now) {
    std::this_thread::sleep_until(due);
  } else if (now - due > std::chrono::milliseconds(50)) {
    s.pace_start = now;
    s.paced = 0;
  }
  s.paced += n;
}

void RawRun::SendSlice(int pass, size_t slice, size_t slices, Sender& s) {
  const uint16_t sport = static_cast<uint16_t>(p_.sport_base + pass);
  const uint64_t count = p_.shard.Size(n_);
  const bool control = slice == 0;  // the control thread also drains and adapts
  s.pace_start = Clock::now();
  s.paced = 0;
  size_t b = 0;
  for (uint64_t k = slice; k < count && !Stopped(); k += slices) {
    uint64_t index = perm_(p_.shard.Position(k));
    if (Answered(index)) continue;
    const RawHost& host = hosts_[index % hosts_.size()];
    uint16_t dport = ports_[index / hosts_.size()];
    uint32_t cookie = p_.key->Cookie(host.addr, dport, link_.route.src, sport);
    uint8_t* f = s.frames[b].data();
    size_t len = tmpl_.Fill(f, host.addr, sport, dport, cookie, p_.probe->AckFor(cookie));
    std::memcpy(f, host.next_hop.b.data(), 6);
    s.spans[b] = std::span<const uint8_t>(f, len);
    size_t slot = index % kSamples;
    sample_ns_[slot].store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
    sample_index_[slot].store(index + 1, std::memory_order_release);
    if (pass > 0) ++s.retransmits;
    // Small batches at low rates, so that pacing stays smooth.
    const size_t batch = std::clamp<size_t>(static_cast<size_t>(rate_now_.load() / slices / 1000), 1, kBatch);
    if (++b >= batch) {
      Pace(s, b, slices);
      Flush(s, b);
      if (control) {
        Drain();
        Adapt(Clock::now());
      }
      b = 0;
    }
  }
  if (b) {
    Pace(s, b, slices);
    Flush(s, b);
  }
}

// Sends one pass: the control thread takes slice 0 and one more thread per
// extra sender takes the others (the kernel's work per probe runs on the
// sending CPU, so a second sender nearly doubles the rate on two cores).
void RawRun::SendPass(int pass) {
  rate_now_ = p_.rate->rate();
  epoch_start_ = Clock::now();
  epoch_sent_base_ = sent_total_.load();
  prev_epoch_sent_ = 0;
  epoch_answers_base_ = rx_answers_.load();
  epoch_drops_base_ = link_.rx->kernel_drops();
  // A second sender pays off only at high rates; at low ones it would
  // just double the burst at the start.
  const size_t slices = rate_now_.load() >= 20000 ? link_.tx.size() : 1;
  std::vector<Sender> senders(slices);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < slices; ++t) senders[t].tx = link_.tx[t].get();
  for (size_t t = 1; t < slices; ++t) threads.emplace_back([&, t] { SendSlice(pass, t, slices, senders[t]); });
  SendSlice(pass, 0, slices, senders[0]);
  for (auto& th : threads) th.join();
  for (const Sender& s : senders) {
    stats_->sent += s.sent;
    stats_->retransmits += s.retransmits;
  }
  last_send_ = Clock::now();
}

// Every epoch (two round trips, at least 20 ms, so the answers to one
// epoch's probes arrive in the next) the rate controller sees how many
// probes were answered.
void RawRun::Adapt(Clock::time_point now) {
  auto len = std::max<Clock::duration>(std::chrono::milliseconds(20), 2 * rtt_.srtt());
  if (now - epoch_start_ < len) return;
  uint64_t answers = rx_answers_.load(std::memory_order_relaxed);
  uint64_t drops = link_.rx->kernel_drops();
  uint64_t sent_now = sent_total_.load(std::memory_order_relaxed);
  uint64_t epoch_sent = sent_now - epoch_sent_base_;
  if (prev_epoch_sent_ >= 200) {
    double share = static_cast<double>(answers - epoch_answers_base_) / prev_epoch_sent_;
    double achieved = epoch_sent / std::chrono::duration<double>(now - epoch_start_).count();
    p_.rate->OnDelivery(share, achieved, drops - epoch_drops_base_);
    rate_now_ = p_.rate->rate();
  }
  prev_epoch_sent_ = epoch_sent;
  epoch_sent_base_ = sent_now;
  epoch_answers_base_ = answers;
  epoch_drops_base_ = drops;
  epoch_start_ = now;
}

void RawRun::Drain() {
  std::vector<Answer> got;
  {
    std::lock_guard<std::mutex> lock(mu_);
    got.swap(queue_);
  }
  for (const Answer& a : got) {
    HostOutcome& o = out_[a.index % hosts_.size()];
    PortResult r;
    r.addr = o.addr;
    r.port = ports_[a.index / hosts_.size()];
    r.state = a.verdict.state;
    r.reason = a.verdict.reason;
    r.reason_ttl = a.ttl;
    r.rtt = a.rtt;
    r.tries = a.pass + 1;
    if (a.rtt.count() > 0) rtt_.AddSample(a.rtt);
    if (a.from_host && !o.up) {
      o.up = true;
      o.up_reason = a.verdict.reason;
    }
    ++stats_->answers;
    ++answered_;
    o.ports.push_back(r);
    if (sink_) sink_->OnPort(r);
  }
}

// Waits for the answers to the last probes: until the timeout after the
// last send (re-read as round-trip samples arrive) or until every pair is
// answered.
void RawRun::WaitForAnswers() {
  const uint64_t total = p_.shard.Size(n_);
  while (!Stopped() && answered_ < total && Clock::now() < last_send_ + rtt_.Timeout()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    Drain();
  }
  Drain();
}

// Every pair still unanswered after the last pass gets the probe's verdict
// for silence.
void RawRun::Finish() {
  const Verdict silent = p_.probe->OnSilence();
  const uint64_t count = p_.shard.Size(n_);
  for (uint64_t k = 0; k < count; ++k) {
    uint64_t index = perm_(p_.shard.Position(k));
    if (Answered(index)) continue;
    HostOutcome& o = out_[index % hosts_.size()];
    PortResult r;
    r.addr = o.addr;
    r.port = ports_[index / hosts_.size()];
    r.state = silent.state;
    r.reason = silent.reason;
    r.tries = static_cast<uint8_t>(stats_->passes);
    o.ports.push_back(r);
    if (sink_) sink_->OnPort(r);
  }
}

std::vector<HostOutcome> RawRun::Run() {
  std::thread rx([this] { Receive(); });
  const int max_passes = std::min(p_.timing.max_retries + 1, kMaxPasses);
  uint64_t drops_before = link_.rx->kernel_drops();
  for (int pass = 0; pass < max_passes && !Stopped(); ++pass) {
    SendPass(pass);
    ++stats_->passes;
    WaitForAnswers();
    uint64_t answered = answered_;
    uint64_t drops = link_.rx->kernel_drops() - drops_before;
    drops_before += drops;
    stats_->ring_drops += drops;
    // The share of answered pairs that needed this retransmission is the
    // loss the previous pass suffered.
    uint64_t late = pass > 0 ? tcp_answers_[pass].load() : 0;
    p_.rate->OnEpoch(answered, late, drops);
    // Stop when nothing is left, or when a retransmission pass recovered
    // nothing: what is still silent is silent on purpose (filtered).
    if (answered == p_.shard.Size(n_)) break;
    if (pass > 0 && late == 0 && drops == 0) break;
  }
  rx_done_ = true;
  rx.join();
  Drain();
  if (!Stopped()) Finish();
  stats_->foreign += foreign_.load();
  stats_->parse += parse_;
  SealOutcomes(&out_, rtt_.srtt());
  return std::move(out_);
}

}  // namespace

void SealOutcomes(std::vector<HostOutcome>* out, std::chrono::microseconds latency) {
  for (HostOutcome& o : *out) {
    o.latency = latency;
    std::sort(o.ports.begin(), o.ports.end(), [](const PortResult& a, const PortResult& b) { return a.port < b.port; });
  }
}

Result<std::vector<HostOutcome>> RunRaw(RawLink& link, const RawRunParams& params,
                                        const std::vector<RawHost>& hosts, const std::vector<uint16_t>& ports,
                                        ResultSink* sink, RawStats* stats) {
  if (hosts.empty() || ports.empty()) return std::vector<HostOutcome>(hosts.size());
  auto run = std::make_unique<RawRun>(link, params, hosts, ports, sink, stats);
  return run->Run();
}

}  // namespace tj
