// The raw run's per-host side of host_guard.h: the counters the sending and
// receiving threads keep for each host, the canary ports learned from its
// answers, and the guards. Senders ask Admit() before each probe (a paused
// host or one over its ceiling is skipped: deferred, not tried); the
// receive thread counts answers; the control thread ticks the guards, sends
// their canaries, and after each pass decides which hosts need another.
//
// A host gets a guard once it has answered a few times (a /16 of two ports
// a host never does, and costs a few counters per host).
// Thread-safety: Admit (senders) and OnAnswer/OnCanaryAnswer (receiver)
// are lock-free; everything else belongs to the control thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "core/types.h"
#include "engine/host_guard.h"

namespace tj {

class HostWatch {
 public:
  // pairs: per host, the pairs this run probes (its ports, or fewer under
  // --shard); max_tries: passes that may probe a host conclusively.
  HostWatch(std::vector<uint32_t> pairs, const GuardOptions& opts, int max_tries);
  HostWatch(const HostWatch&) = delete;
  HostWatch& operator=(const HostWatch&) = delete;

  // Senders: may a probe go to host h now? kSend counts it as sent, kSkip
  // as deferred (the host is paused for a ban, or over its ceiling while
  // other hosts can use the time); kWait: ask again in a moment (its canary
  // is out, or it is the only host and its ceiling paces the sender).
  enum class Admission : uint8_t { kSend, kSkip, kWait };
  Admission Admit(uint32_t h, int64_t now_ns);
  // Receiver: a first answer for one of h's pairs; an answer to a canary.
  void OnAnswer(uint32_t h, bool rst);
  void OnCanaryAnswer(uint32_t h, bool rst);

  // Control thread.
  using SendFn = std::function<void(uint32_t host, uint32_t port)>;
  // A pair's answer, drained: counts it and remembers canary ports.
  void Learn(uint32_t h, uint32_t port, bool rst, bool from_host);
  void Tick(double now, double canary_wait, const SendFn& send);
  void StartPass(double now);
  void MidPass(double now);
  // After the pass's probes: a closed and an open canary to every host
  // whose answers this pass look like a RST limit's (see the .cc).
  void EndCanaries(double now, bool first_pass, const SendFn& send);
  // After the pass's wait. Returns how many hosts need another pass.
  size_t EndPass(double now, bool ring_drops, bool defeat_rst_limit);
  bool NeedsPass(uint32_t h) const { return ctl_[h].needs; }
  // Every host that needs a pass is paused (waiting out a ban).
  bool AllWaiting() const;
  // The most probes per second the hosts with work may take together; 0
  // when some host has no ceiling.
  double RateCap() const;

  enum class Undecided : uint8_t { kNone, kSilent, kRstLimit };
  // Why h's unanswered pairs are not the probe's plain silence verdict.
  Undecided WhyUndecided(uint32_t h) const;
  const HostGuard* guard(uint32_t h) const { return ctl_[h].guard.get(); }
  const std::vector<uint32_t>& guarded() const { return guarded_; }
  size_t rst_limited_hosts() const;
  size_t silent_hosts() const;

 private:
  struct Counters {  // shared with the sending and receiving threads
    std::atomic<uint32_t> sent{0}, answers{0}, rsts{0}, deferred{0};
    std::atomic<uint32_t> canary_rst{0}, canary_other{0};
    std::atomic<uint32_t> interval_us{0};  // 0: no ceiling
    std::atomic<uint8_t> pause{0};  // 0 no, 1 a canary is out, 2 silent
    std::atomic<int64_t> next_ns{0};
  };
  struct Control {  // control thread only
    std::unique_ptr<HostGuard> guard;
    int32_t rst_port = -1, other_port = -1;  // canaries: a port that sent a RST, one that sent anything else
    uint32_t done = 0;                       // pairs answered
    uint32_t sent0 = 0, answers0 = 0, deferred0 = 0, rsts0 = 0, rsts_mid = 0;
    uint32_t canary_rst_seen = 0, canary_other_seen = 0;
    uint32_t closed_base = 0, end_rst_base = 0, end_other_base = 0;
    double closed_deadline = 0;
    bool closed_pending = false, end_sent = false;
    bool needs = true, rst_defeated = false;
    int tries = 0;
  };
  void Publish(uint32_t h);

  const size_t hosts_;
  const std::vector<uint32_t> pairs_;
  const GuardOptions opts_;
  const int max_tries_;
  std::unique_ptr<Counters[]> cnt_;
  std::vector<Control> ctl_;
  std::vector<uint32_t> guarded_;  // hosts with a guard
  double start_at_ = 0, mid_at_ = 0, end_at_ = 0;
  bool all_guarded_ = false;       // every host with work has a guard (RateCap)
};

}  // namespace tj
