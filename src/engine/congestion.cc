#include "engine/congestion.h"

#include <algorithm>

namespace tj {

CongestionWindow::CongestionWindow(double initial, double cap)
    : cwnd_(std::min(initial, cap)), cap_(cap), ssthresh_(cap) {}

void CongestionWindow::SetCap(double cap) {
  cap_ = std::max(1.0, cap);
  cwnd_ = std::min(cwnd_, cap_);
}

void CongestionWindow::Grow() {
  cwnd_ = std::min(cap_, cwnd_ < ssthresh_ ? cwnd_ + 1 : cwnd_ + 1 / cwnd_);
}

void CongestionWindow::OnAnswer(bool retransmitted) {
  ++epoch_answers_;
  if (retransmitted) ++epoch_losses_;
  Grow();
  if (epoch_answers_ < std::max(64.0, cwnd_ / 2)) return;
  double rate = static_cast<double>(epoch_losses_) / epoch_answers_;
  if (rate > kCutLossRate) {
    cwnd_ = std::max(std::min(kMinWindow, cap_), cwnd_ / 2);
    ssthresh_ = cwnd_;
    ++cuts_;
  } else if (rate > kHoldLossRate) {
    ssthresh_ = std::min(ssthresh_, cwnd_);
  }
  epoch_answers_ = epoch_losses_ = 0;
}

}  // namespace tj
