#include "engine/rtt.h"

#include <algorithm>
#include <cstdlib>

namespace tj {

void RttEstimator::AddSample(us rtt) {
  if (rtt.count() < 0) return;
  if (samples_++ == 0) {
    srtt_ = rtt;
    rttvar_ = rtt / 2;
    return;
  }
  // alpha = 1/8, beta = 1/4 as in RFC 6298.
  us err = rtt - srtt_;
  srtt_ += err / 8;
  rttvar_ += (us(std::abs(err.count())) - rttvar_) / 4;
}

RttEstimator::us RttEstimator::Timeout() const {
  if (!samples_) return std::clamp(initial_, min_, std::max(min_, max_));
  return std::clamp(srtt_ + 4 * rttvar_, min_, std::max(min_, max_));
}

}  // namespace tj
