#include "engine/rate_control.h"

#include <algorithm>

namespace tj {

RateController::RateController(double initial, double floor, double ceiling)
    : rate_(initial), floor_(floor), ceiling_(std::max(floor, ceiling)) {
  rate_ = std::clamp(rate_, floor_, ceiling_);
}

void RateController::OnEpoch(uint64_t answers, uint64_t retransmit_answers, uint64_t ring_drops) {
  // Our own ring overflowing is loss we caused by sending faster than we
  // can read: always slow down.
  double loss = answers ? static_cast<double>(retransmit_answers) / answers : 0;
  if (ring_drops > 0 || (answers >= 32 && loss > kCutLossRate)) {
    rate_ = std::max(floor_, rate_ / 2);
    ++cuts_;
  } else if (loss < kGrowLossRate) {
    rate_ = std::min(ceiling_, rate_ * 1.5);
  }
}

void RateController::OnDelivery(double share, double achieved_rate, uint64_t ring_drops) {
  // Answers arrive in lumps (the capture ring hands over blocks), so one
  // epoch's share is noisy: judge a moving average, clamped to 1.
  share = std::min(share, 1.0);
  smoothed_ = epochs_++ ? 0.7 * smoothed_ + 0.3 * share : share;
  best_share_ = std::max(best_share_, smoothed_);
  // Below 5 % answered nothing can be told from noise (a mostly filtered
  // target); only our own ring overflowing is a clear signal then.
  peak_share_ = std::max(peak_share_, smoothed_);
  bool congested = ring_drops > 0 || (best_share_ > 0.05 && smoothed_ < 0.7 * best_share_);
  bool collapsed = peak_share_ > 0.05 && smoothed_ < 0.2 * peak_share_;
  if (congested || collapsed) {
    rate_ = std::max(floor_, rate_ / 2);
    ++cuts_;
    best_share_ = smoothed_ = share;  // judge the new rate on its own
    epochs_ = 1;
  } else if (peak_share_ < 0.05 || (smoothed_ >= 0.5 * peak_share_ && share >= 0.5 * peak_share_)) {
    // Grow only while more probes still bring proportionally more answers
    // (below 5 % the share is noise: a mostly filtered target).
    rate_ = std::min({ceiling_, rate_ * 1.25, std::max(rate_, achieved_rate * 2)});
  }
}

void RateController::StartPass() {
  best_share_ = smoothed_ = peak_share_ = 0;
  epochs_ = 0;
}

}  // namespace tj
