// RawRun's sending side: passes over the permutation, pacing, the in-pass
// rate epochs, and the canaries of engine/host_guard.h.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "engine/raw_run_internal.h"

namespace tj::raw_internal {

// One sending thread's state. Each sender takes every T-th position of the
// pass, has its own socket, and paces itself at rate / T.
struct RawRun::Sender {
  FrameSink* tx = nullptr;
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

// The controller's rate, but never more than the hosts still to probe may
// take together (their ceilings, engine/host_guard.h).
double RawRun::CappedRate() const {
  double rate = p_.rate->rate(), cap = watch_.RateCap();
  return cap > 0 ? std::min(rate, std::max(cap, 1.0)) : rate;
}

void RawRun::SendSlice(int pass, size_t slice, size_t slices, Sender& s) {
  const uint16_t sport = static_cast<uint16_t>(p_.sport_base + pass);
  const uint64_t count = p_.shard.Size(n_);
  const bool control = slice == 0;  // the control thread also drains, adapts and guards
  s.pace_start = Clock::now();
  s.paced = 0;
  size_t b = 0;
  for (uint64_t k = slice; k < count && !Stopped(); k += slices) {
    if (control && k >= count / 2 && k < count / 2 + slices) watch_.MidPass(Seconds(Clock::now()));
    uint64_t index = perm_(p_.shard.Position(k));
    if (Answered(index)) continue;
    const uint32_t h = static_cast<uint32_t>(index % hosts_.size());
    const auto now = Clock::now();
    auto admit = watch_.Admit(h, now.time_since_epoch().count());
    while (admit == HostWatch::Admission::kWait && !Stopped()) {
      std::this_thread::sleep_for(std::chrono::microseconds(500));
      if (control) {
        Drain();
        Guard(Clock::now(), false);
      }
      admit = watch_.Admit(h, Clock::now().time_since_epoch().count());
    }
    if (admit != HostWatch::Admission::kSend) continue;  // paused for a ban, or over its ceiling
    const RawHost& host = hosts_[h];
    uint16_t dport = ports_[index / hosts_.size()];
    uint32_t cookie = p_.key->Cookie(host.addr, dport, link_.route.src, sport);
    uint8_t* f = s.frames[b].data();
    size_t len = tmpl_.Fill(f, host.addr, sport, dport, cookie, p_.probe->AckFor(cookie));
    std::memcpy(f, host.next_hop.b.data(), 6);
    s.spans[b] = std::span<const uint8_t>(f, len);
    size_t slot = index % kSamples;
    sample_ns_[slot].store(now.time_since_epoch().count(), std::memory_order_relaxed);
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
        Guard(Clock::now(), false);
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
  p_.rate->StartPass();
  rate_now_ = CappedRate();
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
  // The canaries that tell whether this pass's silence means anything.
  watch_.EndCanaries(Seconds(last_send_), pass == 0, [this](uint32_t h, uint32_t port) { SendCanary(h, port); });
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
  }
  rate_now_ = CappedRate();
  prev_epoch_sent_ = epoch_sent;
  epoch_sent_base_ = sent_now;
  epoch_answers_base_ = answers;
  epoch_drops_base_ = drops;
  epoch_start_ = now;
}

// The guards' tick: every 10 ms for small groups, every 100 ms for large
// ones (a /16 of two ports rarely has a host worth guarding).
void RawRun::Guard(Clock::time_point now, bool force) {
  auto every = hosts_.size() <= 256 ? std::chrono::milliseconds(10) : std::chrono::milliseconds(100);
  if (!force && now - last_guard_ < every) return;
  last_guard_ = now;
  // A canary's answer may lag behind the path's round trip when this process
  // is slow (a loaded machine, a sanitizer build): a quarter of a second at
  // least, so a lull is not taken for a ban.
  const double wait = std::clamp(std::chrono::duration<double>(rtt_.Timeout()).count(), 0.25, 2.0);
  watch_.Tick(Seconds(now), wait, [this](uint32_t h, uint32_t port) { SendCanary(h, port); });
  rate_now_ = CappedRate();
  if (!p_.notice) return;
  for (uint32_t h : watch_.guarded()) {  // tell each new event once, as it happens
    const HostGuard* g = watch_.guard(h);
    if (g->events().size() == told_[h]) continue;
    for (size_t i = told_[h]; i < g->events().size(); ++i) {
      const GuardEvent& e = g->events()[i];
      const std::string addr = hosts_[h].addr.ToString();
      switch (e.kind) {
        case GuardEvent::Kind::kWentSilent:
          p_.notice(fmt::format("{} stopped answering at {:.1f}s while sent {:.0f} probes/s (a ban?): pausing it, "
                                "asking again with backoff", addr, e.at, e.rate));
          break;
        case GuardEvent::Kind::kResumed:
          p_.notice(fmt::format("{} answers again after {:.1f}s: resuming at {:.0f} probes/s", addr,
                                e.at - g->events()[i - 1].at, e.rate));
          break;
        case GuardEvent::Kind::kGaveUp:
          p_.notice(fmt::format("{} stayed silent: giving up on its undecided ports (host-went-silent)", addr));
          break;
        case GuardEvent::Kind::kRstLimit:
          p_.notice(fmt::format("{} sends at most ~{:.0f} RSTs/s: pacing its retries to that{}", addr, e.rate,
                                p_.defeat_rst_limit ? "" : " (--defeat-rst-ratelimit: do not wait)"));
          break;
      }
    }
    told_[h] = static_cast<uint16_t>(g->events().size());
  }
}

// One probe re-asking a port already answered, from the canaries' source
// port, on the control thread's sender.
void RawRun::SendCanary(uint32_t h, uint32_t port) {
  const uint16_t sport = static_cast<uint16_t>(p_.sport_base + kCanaryPass);
  const RawHost& host = hosts_[h];
  const uint16_t dport = ports_[port];
  uint32_t cookie = p_.key->Cookie(host.addr, dport, link_.route.src, sport);
  size_t len = tmpl_.Fill(canary_frame_.data(), host.addr, sport, dport, cookie, p_.probe->AckFor(cookie));
  std::memcpy(canary_frame_.data(), host.next_hop.b.data(), 6);
  std::span<const uint8_t> frame(canary_frame_.data(), len);
  if (auto sent = link_.tx[0]->Send(std::span(&frame, 1)); sent && *sent == 1) {
    ++canaries_;
    last_send_ = Clock::now();
  }
}

}  // namespace tj::raw_internal
