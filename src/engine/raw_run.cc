// RawRun's receiving side, the pass loop and the verdicts; sending is in
// raw_send.cc.
#include "engine/raw_run.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/plausible.h"
#include "engine/raw_run_internal.h"

namespace tj {
namespace raw_internal {
namespace {

TcpTemplateParams TemplateFor(const RawLink& link, const TcpProbe& probe) {
  TcpTemplateParams t;
  t.src_mac = link.route.src_mac;
  t.src = link.route.src;
  t.flags = probe.flags();
  t.mss_option = probe.flags() == tcpflag::kSyn;
  return t;
}

// How long a host may stay silent before its undecided ports are given up:
// two minutes, or --host-timeout when that is shorter.
// How many of each host's pairs this run probes: all its ports, or under
// --shard the ones the shard's positions land on.
std::vector<uint32_t> PairsPerHost(size_t hosts, size_t ports, const Permutation& perm, const Shard& shard) {
  const uint64_t n = uint64_t{hosts} * ports, count = shard.Size(n);
  if (count == n) return std::vector<uint32_t>(hosts, static_cast<uint32_t>(ports));
  std::vector<uint32_t> pairs(hosts);
  for (uint64_t k = 0; k < count; ++k) ++pairs[perm(shard.Position(k)) % hosts];
  return pairs;
}

GuardOptions GuardFor(const Timing& t) {
  GuardOptions g;
  if (t.host_timeout.count() > 0)
    g.give_up_after = std::min(g.give_up_after, std::chrono::duration<double>(t.host_timeout).count());
  return g;
}

}  // namespace

RawRun::RawRun(RawLink& link, const RawRunParams& p, const std::vector<RawHost>& hosts,
               const std::vector<uint16_t>& ports, ResultSink* sink, RawStats* stats)
    : link_(link), p_(p), hosts_(hosts), ports_(ports), sink_(sink), stats_(stats),
      n_(uint64_t{hosts.size()} * ports.size()), perm_(std::max<uint64_t>(n_, 1), p.seed),
      tmpl_(TemplateFor(link, *p.probe)), port_index_(65536, -1), bits_(n_ / 64 + 1), rtt_(p.timing),
      watch_(PairsPerHost(hosts.size(), ports.size(), perm_, p.shard), GuardFor(p.timing),
             std::min(p.timing.max_retries + 1, kCanaryPass)),
      told_(hosts.size()), rx_(*link.rx, [this](std::span<const uint8_t> f) { return OnFrame(f); }) {
  for (uint32_t i = 0; i < hosts.size(); ++i) host_index_.emplace(hosts[i].addr, i);
  for (uint32_t i = 0; i < ports.size(); ++i) port_index_[ports[i]] = static_cast<int32_t>(i);
  out_.resize(hosts.size());
  for (size_t i = 0; i < hosts.size(); ++i) out_[i].addr = hosts[i].addr;
}

// Index layout: host varies fastest, so neighbouring indices are different
// hosts; the permutation spreads them further.
std::optional<Answer> RawRun::OnFrame(std::span<const uint8_t> frame) {
  auto r = ParseFrame(frame, &parse_);
  if (!r) return std::nullopt;
  const Address& us_addr = link_.route.src;
  Address them;
  uint16_t their_port, our_port;
  if (r->kind == Reply::Kind::kTcp && r->dst == us_addr) {
    them = r->src, their_port = r->sport, our_port = r->dport;
  } else if (r->kind == Reply::Kind::kIcmpError && r->quoted.proto == 6 && r->quoted.src == us_addr) {
    them = r->quoted.dst, their_port = r->quoted.dport, our_port = r->quoted.sport;
  } else {
    return std::nullopt;  // not a reply to a TCP probe of ours (the filter lets some through)
  }
  unsigned pass = static_cast<uint16_t>(our_port - p_.sport_base);
  auto h = host_index_.find(them);
  int32_t port = port_index_[their_port];
  if (pass >= kMaxPasses || h == host_index_.end() || port < 0) {
    foreign_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
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
    return std::nullopt;
  }
  const bool rst = r->kind == Reply::Kind::kTcp && v->reason == Reason::kReset;
  if (pass == kCanaryPass) {  // a canary's answer: about the host, not a new pair
    if (r->src == them) watch_.OnCanaryAnswer(h->second, rst);
    return std::nullopt;
  }
  uint64_t index = uint64_t(port) * hosts_.size() + h->second;
  uint64_t mask = uint64_t{1} << (index % 64);
  if (bits_[index / 64].fetch_or(mask) & mask) return std::nullopt;  // a duplicate answer
  rx_answers_.fetch_add(1, std::memory_order_relaxed);
  if (r->kind == Reply::Kind::kTcp) tcp_answers_[pass].fetch_add(1, std::memory_order_relaxed);
  if (r->src == them) watch_.OnAnswer(h->second, rst);
  us rtt{0};
  size_t slot = index % kSamples;
  if (sample_index_[slot].load(std::memory_order_acquire) == index + 1) {
    int64_t sent = sample_ns_[slot].load(std::memory_order_relaxed);
    rtt = std::chrono::duration_cast<us>(Clock::now().time_since_epoch() - std::chrono::nanoseconds(sent));
  }
  return Answer{index, *v, r->ttl, static_cast<uint8_t>(pass), r->src == them, rst, rtt};
}

void RawRun::Drain() {
  for (const Answer& a : rx_.Drain()) {
    const uint32_t h = static_cast<uint32_t>(a.index % hosts_.size());
    HostOutcome& o = out_[h];
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
    watch_.Learn(h, static_cast<uint32_t>(a.index / hosts_.size()), a.rst, a.from_host);
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
    Guard(Clock::now(), false);
  }
  Drain();
}

// Every host with work left is waiting out a ban: ask the canaries (with
// their backoff) until one answers again or gives up.
void RawRun::WaitWhileBanned() {
  while (!Stopped() && watch_.AllWaiting()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    Drain();
    Guard(Clock::now(), true);
  }
  // The canary's answer may still be on its way for a host that resumed.
  Drain();
}

// Every pair still unanswered after the last pass gets the probe's verdict
// for silence, unless its host defended itself: then it is undecided and
// says why.
void RawRun::Finish() {
  const Verdict silent = p_.probe->OnSilence();
  const uint64_t count = p_.shard.Size(n_);
  for (uint64_t k = 0; k < count; ++k) {
    uint64_t index = perm_(p_.shard.Position(k));
    if (Answered(index)) continue;
    const uint32_t h = static_cast<uint32_t>(index % hosts_.size());
    HostOutcome& o = out_[h];
    PortResult r;
    r.addr = o.addr;
    r.port = ports_[index / hosts_.size()];
    r.state = silent.state;
    r.reason = silent.reason;
    switch (watch_.WhyUndecided(h)) {
      case HostWatch::Undecided::kSilent:
        r.reason = Reason::kHostWentSilent;
        break;
      case HostWatch::Undecided::kRstLimit:
        // Its RST may have been dropped: closed or filtered.
        if (r.state == PortState::kFiltered) r.state = PortState::kClosedFiltered;
        r.reason = Reason::kRstRateLimit;
        break;
      case HostWatch::Undecided::kNone:
        break;
    }
    r.tries = static_cast<uint8_t>(stats_->passes);
    o.ports.push_back(r);
    if (sink_) sink_->OnPort(r);
  }
}

// What each host's guard saw, as a note for every output.
void RawRun::Notes() {
  for (uint32_t h : watch_.guarded()) {
    const HostGuard& g = *watch_.guard(h);
    HostOutcome& o = out_[h];
    size_t undecided = 0;
    for (const PortResult& r : o.ports)
      undecided += r.reason == Reason::kHostWentSilent || r.reason == Reason::kRstRateLimit;
    if (g.bans() > 0) {
      const GuardEvent* first = nullptr;  // the first silence
      const GuardEvent* last = nullptr;   // how it ended: resumed, silent or given up
      for (const GuardEvent& e : g.events()) {
        if (e.kind == GuardEvent::Kind::kRstLimit) continue;
        if (!first) first = &e;
        last = &e;
      }
      std::string text = fmt::format("stopped answering {} time{} (first at {:.1f}s into the scan, at {:.0f} probes/s: "
                                     "a ban?)", g.bans(), g.bans() == 1 ? "" : "s", first->at, first->rate);
      if (last->kind == GuardEvent::Kind::kResumed)
        text += fmt::format("; answered again, the rest probed at {:.0f} probes/s at most", last->rate);
      else
        text += fmt::format("; never answered again: {} port{} undecided (host-went-silent)", undecided,
                            undecided == 1 ? "" : "s");
      o.notes.push_back({"host-went-silent", text});
    }
    if (g.rst_limited()) {
      std::string text = fmt::format("sends at most ~{:.0f} RSTs per second; retries paced to {:.0f} probes/s",
                                     g.rst_rate(), g.ceiling());
      if (undecided && !g.bans())
        text += fmt::format("; {} port{} left closed|filtered (rst-ratelimit)", undecided, undecided == 1 ? "" : "s");
      o.notes.push_back({"rst-ratelimit", text});
    }
  }
  if (p_.probe->flags() != tcpflag::kSyn) return;
  for (HostOutcome& o : out_)
    if (auto note = MarkImplausibleOpens(&o, ports_.size())) o.notes.push_back(*note);
}

std::vector<HostOutcome> RawRun::Run() {
  start_ = last_guard_ = Clock::now();
  rx_.Start();
  uint64_t drops_before = link_.rx->kernel_drops();
  for (int pass = 0; pass < kCanaryPass && !Stopped(); ++pass) {
    watch_.StartPass(Seconds(Clock::now()));
    SendPass(pass);
    ++stats_->passes;
    WaitForAnswers();
    uint64_t answered = answered_;
    uint64_t drops = link_.rx->kernel_drops() - drops_before;
    drops_before += drops;
    stats_->ring_drops += drops;
    // The share of answered pairs that needed this retransmission is the
    // loss the previous pass suffered (for the rate between passes).
    uint64_t late = pass > 0 ? tcp_answers_[pass].load() : 0;
    p_.rate->OnEpoch(answered, late, drops);
    if (answered == p_.shard.Size(n_)) break;
    if (watch_.EndPass(Seconds(Clock::now()), drops > 0, p_.defeat_rst_limit) == 0) break;
    WaitWhileBanned();
  }
  rx_.Stop();
  Drain();
  if (!Stopped()) Finish();
  stats_->foreign += foreign_.load();
  stats_->parse += parse_;
  stats_->canaries += canaries_;
  SealOutcomes(&out_, rtt_.srtt());
  Notes();
  return std::move(out_);
}

}  // namespace raw_internal

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
  auto run = std::make_unique<raw_internal::RawRun>(link, params, hosts, ports, sink, stats);
  return run->Run();
}

}  // namespace tj
