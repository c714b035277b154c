// How many probes may be in flight: a congestion window that tells random
// loss from congestion. nmap halves its window on every sign of loss, which
// on a path with 2 % random loss keeps it crawling for minutes. Here the
// window is judged per epoch (about half a window of answers): it is cut only
// when the share of answers that needed a retransmission is high, the mark of
// queues overflowing; low, steady loss only stops slow start.
// Thread-safety: a plain value owned by one engine thread.
#pragma once

#include <cstdint>

namespace tj {

class CongestionWindow {
 public:
  static constexpr double kMinWindow = 32;
  static constexpr double kCutLossRate = 0.10;   // above: congestion, halve the window
  static constexpr double kHoldLossRate = 0.05;  // above: leave slow start

  CongestionWindow(double initial, double cap);

  // A TCP answer arrived; `retransmitted` when it answered a retransmission,
  // proving an earlier probe or its answer was lost.
  void OnAnswer(bool retransmitted);
  // A probe went unanswered. Firewalls drop silently, so silence is not
  // congestion: the window grows as for an answer.
  void OnSilence() { Grow(); }
  void SetCap(double cap);

  double window() const { return cwnd_; }
  uint64_t cuts() const { return cuts_; }

 private:
  void Grow();
  double cwnd_, cap_, ssthresh_;
  uint32_t epoch_answers_ = 0, epoch_losses_ = 0;
  uint64_t cuts_ = 0;
};

}  // namespace tj
