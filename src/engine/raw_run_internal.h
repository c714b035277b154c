// RawRun, the state of one RunRaw call (raw_run.h), shared by its two
// files: raw_run.cc (receiving, the pass loop, verdicts) and raw_send.cc
// (sending, pacing, canaries, rate epochs). Not for other users.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <thread>
#include <unordered_map>

#include "engine/host_watch.h"
#include "engine/raw_run.h"
#include "engine/receive_loop.h"
#include "engine/rtt.h"

namespace tj::raw_internal {

using Clock = std::chrono::steady_clock;
using us = std::chrono::microseconds;

// What the receive thread hands the control thread for one answered pair.
struct Answer {
  uint64_t index;
  Verdict verdict;
  uint8_t ttl;
  uint8_t pass;
  bool from_host;  // the host itself answered (not a router's ICMP)
  bool rst;
  us rtt;
};

class RawRun {
 public:
  RawRun(RawLink& link, const RawRunParams& p, const std::vector<RawHost>& hosts,
         const std::vector<uint16_t>& ports, ResultSink* sink, RawStats* stats);
  std::vector<HostOutcome> Run();

 private:
  static constexpr size_t kBatch = 64;
  static constexpr size_t kSamples = 4096;  // RTT samples: slot = index % kSamples

  bool Answered(uint64_t i) const { return bits_[i / 64].load(std::memory_order_relaxed) >> (i % 64) & 1; }
  bool Stopped() const { return p_.stop && p_.stop->load(std::memory_order_relaxed); }
  double Seconds(Clock::time_point t) const { return std::chrono::duration<double>(t - start_).count(); }
  // raw_run.cc
  std::optional<Answer> OnFrame(std::span<const uint8_t> frame);  // the receive thread
  void Drain();
  void WaitForAnswers();
  void WaitWhileBanned();
  void Finish();
  void Notes();
  // raw_send.cc
  struct Sender;
  void SendPass(int pass);
  void SendSlice(int pass, size_t slice, size_t slices, Sender& s);
  void Flush(Sender& s, size_t n);
  void Pace(Sender& s, size_t n, size_t senders);
  void Adapt(Clock::time_point now);
  void Guard(Clock::time_point now, bool force);
  void SendCanary(uint32_t host, uint32_t port);
  double CappedRate() const;

  RawLink& link_;
  const RawRunParams& p_;
  const std::vector<RawHost>& hosts_;
  const std::vector<uint16_t>& ports_;
  ResultSink* sink_;
  RawStats* stats_;
  const uint64_t n_;
  Permutation perm_;
  TcpTemplate tmpl_;
  std::unordered_map<Address, uint32_t, AddressHash> host_index_;
  std::vector<int32_t> port_index_;
  std::vector<std::atomic<uint64_t>> bits_;
  std::array<std::atomic<uint64_t>, kSamples> sample_index_{};  // index + 1; 0 = empty
  std::array<std::atomic<int64_t>, kSamples> sample_ns_{};
  std::atomic<uint64_t> foreign_{0};
  std::atomic<uint64_t> rx_answers_{0};  // every answer recognised, for the in-pass rate epochs
  std::array<std::atomic<uint64_t>, kMaxPasses> tcp_answers_{};  // per pass tag
  // In-pass rate epochs (control thread only).
  Clock::time_point epoch_start_;
  uint64_t epoch_sent_base_ = 0, prev_epoch_sent_ = 0, epoch_answers_base_ = 0, epoch_drops_base_ = 0;
  std::atomic<uint64_t> sent_total_{0};  // probes sent by every sender
  std::atomic<double> rate_now_{1};      // the controller's rate, for the senders
  ParseStats parse_;  // receive thread only until joined
  RttEstimator rtt_;
  std::vector<HostOutcome> out_;
  Clock::time_point start_, last_send_, last_guard_;
  uint64_t answered_ = 0;  // pairs answered so far (drained)
  HostWatch watch_;
  std::vector<uint16_t> told_;  // per host: guard events already passed to p_.notice
  std::array<uint8_t, TcpTemplate::kMaxFrame> canary_frame_{};
  uint64_t canaries_ = 0;
  ReceiveLoop<Answer> rx_;  // last: its thread calls OnFrame, so it stops first
};

}  // namespace tj::raw_internal
