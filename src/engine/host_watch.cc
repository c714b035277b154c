#include "engine/host_watch.h"

#include <algorithm>

namespace tj {

namespace {
constexpr uint32_t kMinProbesForEndCanary = 32;  // fewer cannot empty a RST bucket worth knowing about
constexpr uint32_t kEndClosedCanaries = 3;
}  // namespace

HostWatch::HostWatch(std::vector<uint32_t> pairs, const GuardOptions& opts, int max_tries)
    : hosts_(pairs.size()), pairs_(std::move(pairs)), opts_(opts), max_tries_(max_tries),
      cnt_(new Counters[hosts_]), ctl_(hosts_) {}

HostWatch::Admission HostWatch::Admit(uint32_t h, int64_t now_ns) {
  Counters& c = cnt_[h];
  switch (c.pause.load(std::memory_order_relaxed)) {
    case 1:
      return Admission::kWait;  // the canary's answer is a moment away
    case 2:
      c.deferred.fetch_add(1, std::memory_order_relaxed);
      return Admission::kSkip;
    default:
      break;
  }
  if (uint32_t iv = c.interval_us.load(std::memory_order_relaxed)) {
    const int64_t step = int64_t{iv} * 1000;
    int64_t next = c.next_ns.load(std::memory_order_relaxed);
    // One interval of slack: a sender paced at the host's own rate is
    // never turned away by jitter.
    if (next > now_ns + step) {
      if (hosts_ == 1) return Admission::kWait;
      c.deferred.fetch_add(1, std::memory_order_relaxed);
      return Admission::kSkip;
    }
    c.next_ns.store(std::max(next, now_ns - 4 * step) + step, std::memory_order_relaxed);
  }
  c.sent.fetch_add(1, std::memory_order_relaxed);
  return Admission::kSend;
}

void HostWatch::OnAnswer(uint32_t h, bool rst) {
  cnt_[h].answers.fetch_add(1, std::memory_order_relaxed);
  if (rst) cnt_[h].rsts.fetch_add(1, std::memory_order_relaxed);
}

void HostWatch::OnCanaryAnswer(uint32_t h, bool rst) {
  (rst ? cnt_[h].canary_rst : cnt_[h].canary_other).fetch_add(1, std::memory_order_relaxed);
}

void HostWatch::Learn(uint32_t h, uint32_t port, bool rst, bool from_host) {
  Control& k = ctl_[h];
  ++k.done;
  if (!from_host) return;  // a router's ICMP says nothing about the host
  if (rst && k.rst_port < 0) k.rst_port = static_cast<int32_t>(port);
  if (!rst && k.other_port < 0) k.other_port = static_cast<int32_t>(port);
  if (!k.guard && k.done >= opts_.min_answers) {
    k.guard = std::make_unique<HostGuard>(opts_);
    guarded_.push_back(h);
  }
}

void HostWatch::Publish(uint32_t h) {
  const HostGuard& g = *ctl_[h].guard;
  uint8_t pause = g.mode() == HostGuard::Mode::kChecking ? 1 : g.paused() ? 2 : 0;
  cnt_[h].pause.store(pause, std::memory_order_relaxed);
  double c = g.ceiling();
  cnt_[h].interval_us.store(c > 0 ? static_cast<uint32_t>(std::clamp(1e6 / c, 1.0, 1e9)) : 0,
                            std::memory_order_relaxed);
}

void HostWatch::Tick(double now, double canary_wait, const SendFn& send) {
  for (uint32_t h : guarded_) {
    Control& k = ctl_[h];
    Counters& c = cnt_[h];
    HostGuard& g = *k.guard;
    uint32_t cr = c.canary_rst.load(std::memory_order_relaxed);
    uint32_t co = c.canary_other.load(std::memory_order_relaxed);
    if (cr != k.canary_rst_seen || co != k.canary_other_seen) {
      k.canary_rst_seen = cr;
      k.canary_other_seen = co;
      g.OnCanaryAnswer(now);
    }
    if (k.closed_pending && (cr > k.closed_base || now >= k.closed_deadline)) {
      g.ClosedCanaryResult(cr > k.closed_base);
      k.closed_pending = false;
    }
    if (g.Tick(now, c.sent.load(std::memory_order_relaxed), c.answers.load(std::memory_order_relaxed),
               canary_wait)) {
      int32_t port = k.other_port >= 0 ? k.other_port : k.rst_port;
      if (port >= 0) send(h, static_cast<uint32_t>(port));
    }
    if (!k.closed_pending && k.rst_port >= 0 && k.needs && k.done < pairs_[h] && g.DueClosedCanary(now)) {
      k.closed_base = cr;
      k.closed_deadline = now + canary_wait;
      k.closed_pending = true;
      send(h, static_cast<uint32_t>(k.rst_port));
    }
    Publish(h);
  }
}

void HostWatch::StartPass(double now) {
  start_at_ = now;
  for (size_t h = 0; h < ctl_.size(); ++h) {
    Control& k = ctl_[h];
    k.sent0 = cnt_[h].sent.load(std::memory_order_relaxed);
    k.answers0 = cnt_[h].answers.load(std::memory_order_relaxed);
    k.deferred0 = cnt_[h].deferred.load(std::memory_order_relaxed);
    k.rsts0 = k.rsts_mid = cnt_[h].rsts.load(std::memory_order_relaxed);
    k.end_sent = false;
    if (k.guard) k.guard->StartPass();
  }
}

void HostWatch::MidPass(double now) {
  mid_at_ = now;
  for (uint32_t h : guarded_) ctl_[h].rsts_mid = cnt_[h].rsts.load(std::memory_order_relaxed);
}

void HostWatch::EndCanaries(double now, bool first_pass, const SendFn& send) {
  end_at_ = now;
  for (uint32_t h : guarded_) {
    Control& k = ctl_[h];
    Counters& c = cnt_[h];
    if (k.rst_port < 0 || k.done >= pairs_[h] || k.guard->paused()) continue;
    const uint32_t sent = c.sent.load(std::memory_order_relaxed) - k.sent0;
    const uint32_t answered = c.answers.load(std::memory_order_relaxed) - k.answers0;
    if (sent < kMinProbesForEndCanary) continue;
    // Only where a limit may be at work, so a plain scan sends no extra
    // probe: a first pass that left most of the host's ports unanswered
    // (a RST limit answers R per second of thousands), or a retransmission
    // pass that recovered answers (filtered ports recover none; a limit
    // lets R per second through again).
    const bool suspicious = k.guard->rst_limited() || (first_pass ? answered * 2 < sent : answered >= 16);
    if (!suspicious) continue;
    k.end_sent = true;
    k.end_rst_base = c.canary_rst.load(std::memory_order_relaxed);
    k.end_other_base = c.canary_other.load(std::memory_order_relaxed);
    // Three closed canaries back to back: a bucket that refills fast (a
    // limit of a thousand a second) may have one token by now, not three.
    for (uint32_t i = 0; i < kEndClosedCanaries; ++i) send(h, static_cast<uint32_t>(k.rst_port));
    if (k.other_port >= 0) send(h, static_cast<uint32_t>(k.other_port));
  }
}

size_t HostWatch::EndPass(double now, bool ring_drops, bool defeat_rst_limit) {
  size_t need = 0;
  all_guarded_ = true;
  for (size_t h = 0; h < ctl_.size(); ++h) {
    Control& k = ctl_[h];
    Counters& c = cnt_[h];
    k.needs = false;
    if (k.done >= pairs_[h] || (k.guard && k.guard->mode() == HostGuard::Mode::kGaveUp)) continue;
    const uint32_t sent = c.sent.load(std::memory_order_relaxed) - k.sent0;
    const uint32_t deferred = c.deferred.load(std::memory_order_relaxed) - k.deferred0;
    const uint32_t recovered = c.answers.load(std::memory_order_relaxed) - k.answers0;
    bool conclusive = true, paused = false;
    if (k.guard) {
      HostGuard::PassReport r;
      r.late_rsts = c.rsts.load(std::memory_order_relaxed) - k.rsts_mid;
      r.late_window = end_at_ > mid_at_ ? end_at_ - mid_at_ : 0;
      r.rsts = c.rsts.load(std::memory_order_relaxed) - k.rsts0;
      r.window = end_at_ > start_at_ ? end_at_ - start_at_ : 0;
      r.closed_canary_sent = k.end_sent;
      r.open_canary_sent = k.end_sent && k.other_port >= 0;
      // All three answered (one may be lost): the bucket had tokens to spare.
      const uint32_t closed = c.canary_rst.load(std::memory_order_relaxed) - k.end_rst_base;
      r.closed_canary_answered = closed + 1 >= kEndClosedCanaries;
      r.alive = c.canary_other.load(std::memory_order_relaxed) > k.end_other_base || r.late_rsts > 0 || closed > 0;
      conclusive = k.guard->EndOfPass(now, r);
      Publish(static_cast<uint32_t>(h));
      paused = k.guard->paused();
      if (k.guard->rst_limited() && defeat_rst_limit) {
        k.rst_defeated = true;  // --defeat-rst-ratelimit: what is silent now stays undecided
        continue;
      }
    }
    if (sent > 0 && deferred == 0 && conclusive) ++k.tries;
    // A retransmission pass that recovered nothing ends the host: what is
    // still silent is silent on purpose. A pass that was cut short (a ban,
    // a ceiling) or proved nothing (RSTs ran out) does not count.
    k.needs = paused || deferred > 0 || !conclusive || k.tries <= 1 || recovered > 0 || ring_drops;
    if (!paused && k.tries >= max_tries_) k.needs = false;
    if (k.needs) {
      ++need;
      all_guarded_ &= k.guard != nullptr;
    }
  }
  return need;
}

bool HostWatch::AllWaiting() const {
  bool any = false;
  for (uint32_t h : guarded_) {
    const HostGuard& g = *ctl_[h].guard;
    if (!ctl_[h].needs || g.mode() == HostGuard::Mode::kGaveUp) continue;
    if (!g.paused()) return false;
    any = true;
  }
  if (!any) return false;
  // Unguarded hosts with work are never paused.
  for (const Control& k : ctl_)
    if (k.needs && !k.guard) return false;
  return true;
}

double HostWatch::RateCap() const {
  if (!all_guarded_) return 0;
  double sum = 0;
  for (uint32_t h : guarded_) {
    const Control& k = ctl_[h];
    if (!k.needs || k.guard->paused()) continue;
    if (k.guard->ceiling() <= 0) return 0;
    sum += k.guard->ceiling();
  }
  return sum;
}

HostWatch::Undecided HostWatch::WhyUndecided(uint32_t h) const {
  const Control& k = ctl_[h];
  if (!k.guard) return Undecided::kNone;
  // Given up, still silent, or silent before and out of passes since.
  if (k.guard->paused() || (k.needs && k.guard->bans() > 0)) return Undecided::kSilent;
  if (k.guard->rst_limited() && (k.rst_defeated || k.needs)) return Undecided::kRstLimit;
  return Undecided::kNone;
}

size_t HostWatch::rst_limited_hosts() const {
  size_t n = 0;
  for (uint32_t h : guarded_) n += ctl_[h].guard->rst_limited();
  return n;
}

size_t HostWatch::silent_hosts() const {
  size_t n = 0;
  for (uint32_t h : guarded_) n += ctl_[h].guard->bans() > 0;
  return n;
}

}  // namespace tj
