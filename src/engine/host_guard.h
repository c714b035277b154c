// What the raw TCP engine watches in each host: a network that defends
// itself. Pure logic over counters and times (seconds since the run began);
// the engine (raw_run.cc) sends, counts and asks. Unit-tested on its own.
//
// Two defences change what silence means:
//
// * A ban (an IPS, fail2ban, a SYN-flood guard): after some number or rate of
//   SYNs the host drops everything from us for a while. Seen from here: a
//   host that answered stops answering altogether. Silence is judged against
//   the host's own answer share (a host that answered 30 % of probes and then
//   nothing for 100 probes is not a firewall rule per port), confirmed by a
//   *canary* (a port that answered before, asked again), and then: stop
//   sending to it, re-ask the canary with exponential backoff, and resume at
//   a rate below the one that got us banned. A host that stays silent past
//   the bound is given up: its undecided ports are reported as such
//   (host-went-silent), never as plain filtered.
//
// * An answer rate limit (Solaris limits RSTs by default, many firewalls
//   do): the host answers a steady few RSTs per second and drops the rest.
//   Seen from here: at the end of a pass, a closed canary (a port that sent
//   a RST before) gets no RST while the host is otherwise alive. Its next
//   passes are paced at the rate its RSTs came at, and a pass proves
//   something only if its closed canary was answered: then the bucket had
//   tokens left, and every closed port probed in that pass got its RST.
//
// The per-host rate ceiling is what the engine paces the host's probes at;
// 0 means none. The ceiling never rises on silence.
// Thread-safety: none; owned by the engine's control thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tj {

struct GuardOptions {
  // Silence must be this unlikely to be chance: the answers the host's own
  // share predicts for the probes sent since its last answer.
  double silence_expected = 24;
  uint64_t min_answers = 8;      // a host must have answered this often to be judged at all
  double min_quiet = 0.05;       // seconds of silence, at least, before asking the canary
  double give_up_after = 120;    // seconds of continuous silence before giving up
  double backoff_first = 1, backoff_max = 30;  // canary re-asks while silent
};

struct GuardEvent {
  enum class Kind : uint8_t {
    kWentSilent,  // answered, then nothing (a ban?): at = its last answer
    kResumed,     // answered again after silence; rate = the new ceiling
    kGaveUp,      // silent past the bound; undecided ports stay undecided
    kRstLimit,    // RSTs capped; rate = what it allows per second
  };
  Kind kind;
  double at;        // seconds since the run began
  double rate = 0;  // probes or answers per second, as the kind says
};

class HostGuard {
 public:
  enum class Mode : uint8_t {
    kActive,    // send as the ceiling allows
    kChecking,  // silence suspected: paused, one canary out
    kSilent,    // banned (or gone): paused, canaries with backoff
    kGaveUp,    // done: paused for good
  };

  explicit HostGuard(const GuardOptions& opts = GuardOptions()) : opts_(opts) {}

  // At every control tick: totals since the run began of probes sent to the
  // host (canaries not counted) and of its answers; `canary_wait` is how
  // long an answer takes at most (seconds). Returns true when a canary
  // should go out now; the engine sends it and reports its answer.
  bool Tick(double now, uint64_t sent, uint64_t answers, double canary_wait);
  // An answer to a canary (either kind) arrived.
  void OnCanaryAnswer(double now);
  // A new pass: silence is judged against this pass's answers only (a
  // retransmission pass goes mostly to filtered ports, where silence is
  // the answer).
  void StartPass();
  // The host gets no more probes: the engine reports its undecided ports.
  void GiveUp(double now);
  bool paused() const { return mode_ != Mode::kActive; }
  Mode mode() const { return mode_; }

  // After a pass, with what the host did in it; the canaries are the
  // probes sent right after the pass. Returns whether the pass proved
  // anything about silence (false: the RST bucket was empty, so the pass's
  // silent ports may be closed ports whose RST was dropped).
  struct PassReport {
    uint64_t late_rsts = 0;    // RSTs from the host in the last part of the pass...
    double late_window = 0;    // ...which lasted this many seconds
    uint64_t rsts = 0;         // RSTs from the host in the whole pass...
    double window = 0;         // ...which lasted this many seconds
    bool closed_canary_sent = false, closed_canary_answered = false;
    bool open_canary_sent = false;
    bool alive = false;        // something else answered at the end (the open canary, late RSTs)
  };
  bool EndOfPass(double now, const PassReport& r);

  // A host whose RSTs are capped gets a closed canary now and then during
  // a pass too: a silent one means its ceiling is still too high, and the
  // pass proves nothing.
  bool DueClosedCanary(double now);
  void ClosedCanaryResult(bool answered);

  bool rst_limited() const { return rst_limited_; }
  // RSTs per second the host allows, as best known: the fastest pace its
  // closed canary kept up with, else the first measurement.
  double rst_rate() const { return kept_up_ > 0 ? kept_up_ : rst_rate_; }
  // Probes per second the host may be sent; 0: no limit.
  double ceiling() const { return ceiling_; }
  const std::vector<GuardEvent>& events() const { return events_; }
  int bans() const { return bans_; }

 private:
  void Silence(double now);

  GuardOptions opts_;
  Mode mode_ = Mode::kActive;
  double ceiling_ = 0;
  // The answers the host gave: when they last changed, and the probe count
  // and answer count then.
  uint64_t answers_at_last_ = 0, sent_at_last_ = 0;
  uint64_t answers_base_ = 0, sent_base_ = 0;  // counts at the last resume
  double last_answer_ = 0;
  double expected_ = 0;         // silence_expected, raised after a false alarm
  // Rate and count of the probes since the host was last (re)started.
  uint64_t sent_at_resume_ = 0;
  double resumed_at_ = -1;
  // Sent counts per tick, for the rate just before silence.
  double prev_tick_ = -1;
  uint64_t prev_sent_ = 0;
  double recent_rate_ = 0;
  // Silence.
  double canary_due_ = 0, backoff_ = 0, silent_since_ = 0;
  int bans_ = 0;
  bool grow_ = false;           // after a resume: raise the ceiling slowly until the next ban
  double last_growth_ = 0;
  // RST limit.
  bool ask_canary_ = false;  // kChecking entered at the end of a pass: a canary is due
  bool rst_limited_ = false;
  double rst_rate_ = 0, kept_up_ = 0;
  double next_closed_canary_ = 0;
  bool pass_inconclusive_ = false;
  std::vector<GuardEvent> events_;
};

}  // namespace tj
