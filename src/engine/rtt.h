// Round-trip-time estimate of one host and the reply timeout it implies
// (RFC 6298: srtt, rttvar, timeout = srtt + 4 * rttvar), clamped to the
// timing template's bounds.
// Thread-safety: a plain value owned by one engine thread.
#pragma once

#include <chrono>

#include "engine/timing.h"

namespace tj {

class RttEstimator {
 public:
  using us = std::chrono::microseconds;
  explicit RttEstimator(const Timing& t) : min_(t.min_rtt_timeout), max_(t.max_rtt_timeout), initial_(t.initial_rtt_timeout) {}

  void AddSample(us rtt);
  bool has_sample() const { return samples_ > 0; }
  us srtt() const { return srtt_; }
  // How long to wait for a reply to a probe sent now.
  us Timeout() const;

 private:
  us min_, max_, initial_;
  us srtt_{0}, rttvar_{0};
  long samples_ = 0;
};

}  // namespace tj
