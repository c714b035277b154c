// The receive side every raw runner shares (raw_run, udp_run, discovery's
// link_run): one thread reads frames from a FrameSource and hands each to
// the runner's parser, which says what the frame answers, if anything; the
// answers wait in a queue until the control thread drains them, in the
// order their frames arrived. The runner's state is thus changed on its
// control thread alone, apart from what the parser itself touches.
//
// Thread-safety: Start, Stop and Drain on the control thread; the parser
// runs on the receive thread between Start and Stop, and may call the
// source's frame_time() for the frame it was handed.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <utility>
#include <vector>

#include "net/frame_io.h"

namespace tj {

template <typename Answer>
class ReceiveLoop {
 public:
  // Runs on the receive thread: the answer a frame carries, or nullopt.
  using Parser = std::function<std::optional<Answer>(std::span<const uint8_t>)>;

  // The parser usually points into the runner: keep the loop the runner's
  // last member, so it is destroyed (and its thread stopped) first.
  ReceiveLoop(FrameSource& source, Parser parse) : source_(source), parse_(std::move(parse)) {}
  ReceiveLoop(const ReceiveLoop&) = delete;
  ReceiveLoop& operator=(const ReceiveLoop&) = delete;
  ~ReceiveLoop() { Stop(); }

  // REQUIRES: not started yet.
  void Start() {
    thread_ = std::thread([this] { Run(); });
  }

  // Reads what the source already holds (a last poll with timeout 0, so a
  // reply that came in with the last wait is not lost), then joins the
  // thread. Does nothing when not running.
  void Stop() {
    if (!thread_.joinable()) return;
    done_.store(true, std::memory_order_relaxed);
    thread_.join();
  }

  // The answers queued since the last Drain, oldest first.
  std::vector<Answer> Drain() {
    std::vector<Answer> got;
    std::lock_guard<std::mutex> lock(mu_);
    got.swap(queue_);
    return got;
  }

 private:
  // 5 ms: how soon the thread notices Stop. The source hands frames over as
  // they come, so the timeout costs replies no latency.
  static constexpr int kPollMs = 5;

  void Run() {
    const FrameSource::FrameFn fn = [this](std::span<const uint8_t> frame) {
      if (std::optional<Answer> a = parse_(frame)) {
        std::lock_guard<std::mutex> lock(mu_);
        queue_.push_back(std::move(*a));
      }
    };
    while (!done_.load(std::memory_order_relaxed)) source_.Poll(kPollMs, fn);
    source_.Poll(0, fn);
  }

  FrameSource& source_;
  const Parser parse_;
  std::mutex mu_;
  std::vector<Answer> queue_;  // guarded by mu_
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace tj
