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

}  // namespace tj
