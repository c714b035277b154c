// The two seams of the raw engines and host discovery: where captured frames
// come from and where probe frames go. CaptureRing and PacketSender
// (capture.h) are the real ones over AF_PACKET; a unit test puts in-memory
// ones in their place (tests/support/frame_testing.h) and feeds the runners
// the frames a target would answer, without root or a network.
// Thread-safety: one thread per object; a source and a sink may be used
// concurrently from different threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>

#include "core/status.h"

namespace tj {

class FrameSource {
 public:
  using FrameFn = std::function<void(std::span<const uint8_t>)>;
  virtual ~FrameSource() = default;
  // Waits up to timeout_ms for frames and calls fn for each; returns how
  // many. A timeout of 0 takes only what is already there.
  virtual int Poll(int timeout_ms, const FrameFn& fn) = 0;
  // When the frame being handed to Poll's fn was received (wall clock): a
  // round trip measured from it excludes the time the frame waited to be
  // read. Meaningful only inside fn.
  virtual std::chrono::system_clock::time_point frame_time() const = 0;
  // Frames lost before they could be read (the ring was full), in total.
  virtual uint64_t kernel_drops() = 0;
};

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  // Sends every frame; returns how many were taken (a full queue may refuse
  // some: the caller retries those later). Never blocks.
  virtual Result<size_t> Send(std::span<const std::span<const uint8_t>> frames) = 0;
};

}  // namespace tj
