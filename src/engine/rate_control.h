// The raw engine's send rate, adapted to observed loss. A stateless sender
// cannot see a lost probe directly; it sees answers to retransmissions
// (each proves an earlier probe or its answer was lost) and frames its own
// capture ring dropped. Like the connect engine's window, the rate is judged
// per epoch and cut only when the loss share is high (congestion), not for
// low, steady random loss; otherwise it grows toward the ceiling.
// Thread-safety: owned by the engine's control thread.
#pragma once

#include <cstdint>

namespace tj {

class RateController {
 public:
  static constexpr double kCutLossRate = 0.10;
  static constexpr double kGrowLossRate = 0.03;

  // REQUIRES: 0 < floor <= initial <= ceiling
  RateController(double initial, double floor, double ceiling);

  // Reports an epoch: TCP answers seen, how many answered a retransmission,
  // and frames dropped by the capture ring.
  void OnEpoch(uint64_t answers, uint64_t retransmit_answers, uint64_t ring_drops);
  // Reports one short epoch inside a pass: the share of probes answered
  // (answers this epoch / probes sent the epoch before) against the best
  // share seen. A falling share at a higher rate means probes or answers
  // are being lost to queues: cut. Otherwise grow, but never far beyond
  // the rate actually achieved (a sender that cannot go faster must not
  // pile up a target it cannot reach).
  //
  // Silence is never a reason to go faster: the best share this pass has
  // seen is kept through cuts, and while the share is well under it (a
  // host that banned us, or capped its answers so that more probes bring
  // no more answers) the rate does not grow; a collapse cuts it.
  void OnDelivery(double share, double achieved_rate, uint64_t ring_drops);
  // A new pass: its share is judged on its own (retransmissions mostly go
  // to filtered ports, whose share is low by nature).
  void StartPass();
  double rate() const { return rate_; }
  uint64_t cuts() const { return cuts_; }

 private:
  double rate_, floor_, ceiling_;
  double best_share_ = 0, smoothed_ = 0;
  double peak_share_ = 0;  // the best of this pass, kept through cuts
  uint64_t epochs_ = 0;
  uint64_t cuts_ = 0;
};

}  // namespace tj
