#include "engine/host_guard.h"

#include <algorithm>

namespace tj {

bool HostGuard::Tick(double now, uint64_t sent, uint64_t answers, double canary_wait) {
  if (prev_tick_ < 0) {
    prev_tick_ = resumed_at_ = now;
    prev_sent_ = sent;
    expected_ = opts_.silence_expected;
  }
  if (now > prev_tick_ && mode_ == Mode::kActive) {
    double inst = static_cast<double>(sent - prev_sent_) / (now - prev_tick_);
    recent_rate_ = recent_rate_ > 0 ? 0.5 * recent_rate_ + 0.5 * inst : inst;
  }
  prev_tick_ = now;
  prev_sent_ = sent;
  if (answers > answers_at_last_) {
    answers_at_last_ = answers;
    sent_at_last_ = sent;
    // An answer while paused (late, to a probe sent before the pause) says
    // the host is there: as good as the canary.
    if (mode_ == Mode::kChecking || mode_ == Mode::kSilent) OnCanaryAnswer(now);
    last_answer_ = now;
  }
  switch (mode_) {
    case Mode::kActive: {
      if (grow_ && now - last_growth_ >= 3) {  // probing upward until the next ban
        ceiling_ *= 1.25;
        last_growth_ = now;
      }
      // The share since the host last (re)started: what it answered while
      // banned must not dilute it.
      const uint64_t answered = answers_at_last_ - answers_base_;
      if (answered < opts_.min_answers) return false;
      double share = std::min(1.0, static_cast<double>(answered) / std::max<uint64_t>(sent_at_last_ - sent_base_, 1));
      double predicted = static_cast<double>(sent - sent_at_last_) * share;
      // Quiet for at least a few canary waits: answers that are merely late
      // (a slow receiver) are not silence.
      if (predicted < expected_ || now - last_answer_ < std::max(opts_.min_quiet, 2 * canary_wait)) return false;
      mode_ = Mode::kChecking;
      canary_due_ = now + std::max(canary_wait, 0.001);
      silent_since_ = last_answer_;
      return true;
    }
    case Mode::kChecking:
      if (ask_canary_) {
        ask_canary_ = false;
        canary_due_ = now + std::max(canary_wait, 0.001);
        return true;
      }
      if (now >= canary_due_) Silence(now);
      return false;
    case Mode::kSilent:
      if (now - silent_since_ >= opts_.give_up_after) {
        GiveUp(now);
        return false;
      }
      if (now < canary_due_) return false;
      canary_due_ = now + backoff_;
      backoff_ = std::min(backoff_ * 2, opts_.backoff_max);
      return true;
    case Mode::kGaveUp:
      return false;
  }
  return false;
}

void HostGuard::Silence(double now) {
  mode_ = Mode::kSilent;
  ++bans_;
  const double before = std::max(recent_rate_, 1.0);
  if (bans_ == 1) {
    // What the host let through since the scan (re)started it, per second
    // at most half of it: a rate limit's burst is often its rate. Never
    // above a quarter of the rate that got us banned.
    double allowed = static_cast<double>(sent_at_last_ - sent_at_resume_);
    double c = std::clamp(allowed / 2, 10.0, std::max(10.0, before / 4));
    ceiling_ = ceiling_ > 0 ? std::min(ceiling_, c) : c;
    grow_ = true;
  } else {
    // Banned again: below the rate that did it (the last step up was 1.25x,
    // so 0.8x of it is under the host's limit), and no more probing upward.
    ceiling_ = std::max(5.0, 0.8 * std::min(before, ceiling_ > 0 ? ceiling_ : before));
    grow_ = false;
  }
  events_.push_back({GuardEvent::Kind::kWentSilent, silent_since_, before});
  backoff_ = opts_.backoff_first;
  canary_due_ = now + backoff_;
}

void HostGuard::OnCanaryAnswer(double now) {
  switch (mode_) {
    case Mode::kChecking:
      // A lull, not a ban: the host answers. Judge the next silence stricter.
      mode_ = Mode::kActive;
      expected_ *= 2;
      sent_at_last_ = prev_sent_;
      last_answer_ = now;
      break;
    case Mode::kSilent:
      mode_ = Mode::kActive;
      sent_at_resume_ = sent_at_last_ = sent_base_ = prev_sent_;
      answers_base_ = answers_at_last_;
      last_answer_ = resumed_at_ = last_growth_ = now;
      recent_rate_ = 0;
      events_.push_back({GuardEvent::Kind::kResumed, now, ceiling_});
      break;
    case Mode::kActive:
    case Mode::kGaveUp:
      break;
  }
}

void HostGuard::GiveUp(double now) {
  if (mode_ == Mode::kGaveUp) return;
  mode_ = Mode::kGaveUp;
  events_.push_back({GuardEvent::Kind::kGaveUp, now, 0});
}

bool HostGuard::DueClosedCanary(double now) {
  if (!rst_limited_ || mode_ != Mode::kActive || now < next_closed_canary_) return false;
  // About one canary per 50 probes, at most one a second at high rates.
  next_closed_canary_ = now + std::clamp(50 / std::max(ceiling_, 1.0), 0.25, 1.0);
  return true;
}

void HostGuard::ClosedCanaryResult(bool answered) {
  if (!rst_limited_) return;
  if (answered) {  // tokens to spare: a little faster, until a canary says otherwise
    kept_up_ = std::max(kept_up_, ceiling_);
    ceiling_ *= 1.05;
    return;
  }
  ceiling_ = std::max(1.0, 0.7 * ceiling_);
  pass_inconclusive_ = true;
}

void HostGuard::StartPass() {
  answers_base_ = answers_at_last_;
  sent_base_ = sent_at_last_ = prev_sent_;
}

bool HostGuard::EndOfPass(double, const PassReport& r) {
  bool inconclusive = pass_inconclusive_;
  pass_inconclusive_ = false;
  // Both canaries unanswered, nothing else either: the host went silent
  // during this pass (banned in a retransmission pass, where its silence
  // could not be told from filtering): wait it out like any ban.
  // One more canary first: both may simply have been lost.
  if (r.closed_canary_sent && !r.closed_canary_answered && !r.alive && mode_ == Mode::kActive &&
      (r.open_canary_sent || r.late_rsts == 0)) {
    mode_ = Mode::kChecking;
    silent_since_ = last_answer_;
    ask_canary_ = true;
    return false;
  }
  if (!r.closed_canary_sent || r.closed_canary_answered || !r.alive) return !inconclusive;
  // Alive, yet the port that sent a RST before sent none now: the host's
  // RSTs ran out. Pace it at the rate they came (a little under, so the
  // bucket refills faster than it is used); paced and still out: slower.
  // The last part of a long pass counts the refill alone; a short pass
  // (a few hundred ports at full speed) only bounds it from above, and the
  // closed canaries bring the ceiling down from there.
  double rate = r.late_window >= 0.25 && r.late_rsts >= 8 ? static_cast<double>(r.late_rsts) / r.late_window
                : r.window > 0                          ? static_cast<double>(r.rsts) / r.window
                                                        : 0;
  if (!rst_limited_) {
    rst_limited_ = true;
    rst_rate_ = std::max(rate, 1.0);
    double c = std::max(1.0, 0.92 * rst_rate_);
    ceiling_ = ceiling_ > 0 ? std::min(ceiling_, c) : c;
    events_.push_back({GuardEvent::Kind::kRstLimit, 0, rst_rate_});
  } else {
    ceiling_ = std::max(1.0, 0.7 * (ceiling_ > 0 ? ceiling_ : rst_rate_));
  }
  grow_ = false;
  return false;
}

}  // namespace tj
